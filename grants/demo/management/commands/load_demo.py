from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grants.accounts.mfa import DEMO_TOTP_SECRET
from grants.demo.services import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Carica territorio, programma WECARE e dati dimostrativi (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Consenti anche con DJANGO_ENV=production.")

    def handle(self, *args, force=False, **options):
        if settings.ENV == "production" and not force:
            raise CommandError(
                "I dati dimostrativi non si caricano in produzione (usa --force se sei sicuro)."
            )
        for line in load_demo().lines:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati caricati. Utenti demo: password «{DEMO_PASSWORD}»; "
                f"per il personale regionale codice TOTP dal segreto {DEMO_TOTP_SECRET}."
            )
        )

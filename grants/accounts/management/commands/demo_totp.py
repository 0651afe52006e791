"""Print the code of the demo staff accounts' second factor now: ``manage.py demo_totp``."""

from django.core.management.base import BaseCommand

from grants.accounts.mfa import DEMO_TOTP_SECRET, totp_code


class Command(BaseCommand):
    help = "Stampa il codice TOTP attuale degli account demo del personale (segreto documentato nel README)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--secret", default=DEMO_TOTP_SECRET, help="Un altro segreto base32 (predefinito: quello demo)."
        )

    def handle(self, *args, secret: str, **options):
        self.stdout.write(totp_code(secret))

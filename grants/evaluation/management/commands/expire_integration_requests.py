from django.core.management.base import BaseCommand

from grants.evaluation.services import expire_integration_requests


class Command(BaseCommand):
    help = "Chiude le richieste di integrazione scadute: le domande senza risposta diventano non ammissibili."

    def handle(self, *args, **options):
        expired = expire_integration_requests()
        for application in expired:
            self.stdout.write(f"Non ammissibile: {application.protocol} – {application}")
        self.stdout.write(self.style.SUCCESS(f"Richieste scadute: {len(expired)}"))

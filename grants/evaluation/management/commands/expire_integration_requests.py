from django.core.management.base import BaseCommand

from grants.applications.states import ApplicationStatus
from grants.evaluation.services import expire_integration_requests


class Command(BaseCommand):
    help = (
        "Chiude le richieste di integrazione scadute: sui bandi a graduatoria le domande senza risposta "
        "diventano non ammissibili; su quelli a sportello tornano all'istruttoria per il preavviso "
        "di rigetto."
    )

    def handle(self, *args, **options):
        expired = expire_integration_requests()
        for application in expired:
            outcome = (
                "Non ammissibile"
                if application.status == ApplicationStatus.NOT_ADMISSIBLE
                else "Da inviare il preavviso di rigetto"
            )
            self.stdout.write(f"{outcome}: {application.protocol} – {application}")
        self.stdout.write(self.style.SUCCESS(f"Richieste scadute: {len(expired)}"))

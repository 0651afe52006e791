from django.core.management.base import BaseCommand

from grants.applications.services import stale_drafts
from grants.ops.retention import purge_stale_drafts, retention_months


class Command(BaseCommand):
    help = "Cancella le bozze mai presentate dei bandi chiusi da oltre DRAFT_RETENTION_MONTHS mesi (GDPR)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None, help="Mesi dalla chiusura del bando")
        parser.add_argument("--dry-run", action="store_true", help="Conta soltanto, senza cancellare")

    def handle(self, *args, months=None, dry_run=False, **options):
        months = retention_months() if months is None else months
        if months < 1:
            self.stderr.write("--months deve essere almeno 1.")
            return
        if dry_run:
            count = stale_drafts(months=months).count()
            self.stdout.write(f"{count} bozze da cancellare (bandi chiusi da oltre {months} mesi).")
            return
        deleted = purge_stale_drafts(months=months)
        self.stdout.write(f"{deleted} bozze cancellate (bandi chiusi da oltre {months} mesi).")

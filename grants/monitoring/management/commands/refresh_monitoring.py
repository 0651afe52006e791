from django.core.management.base import BaseCommand

from grants.monitoring.dashboard import refresh_summaries


class Command(BaseCommand):
    help = "Rebuild the dashboards' finance summary of every project (after a bulk load or a restore)."

    def handle(self, *args, **options):
        self.stdout.write(f"{refresh_summaries()} project summaries refreshed")

from django.core.management.base import BaseCommand, CommandError

from grants.monitoring.catalogue import COMMON_CATALOGUE, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Create or update indicators from YAML catalogues (default: the ESF common indicators)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="YAML catalogue files")

    def handle(self, *args, files, **options):
        for path in files or [COMMON_CATALOGUE]:
            try:
                counts = load_catalogue(path)
            except (CatalogueError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path}: {counts['created']} created, {counts['updated']} updated")

from django.core.management.base import BaseCommand, CommandError

from grants.territory.services import TerritoryImportError, import_districts

from ._reporting import write_reports


class Command(BaseCommand):
    help = (
        "Importa i Distretti della Coesione Sociale da un file CSV (formato di "
        "grants/territory/data/distretti_coesione_sociale.csv). Tutto o niente."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="percorso del file CSV")
        parser.add_argument("--demo", action="store_true", help="segna i dati come dimostrativi")

    def handle(self, *args, **options):
        try:
            report = import_districts(path=options["path"], is_demo=options["demo"])
        except TerritoryImportError as exc:
            raise CommandError(str(exc)) from exc
        write_reports(self, [report])

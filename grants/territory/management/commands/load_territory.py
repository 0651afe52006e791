from django.core.management.base import BaseCommand, CommandError

from grants.territory.services import TerritoryImportError, load_territory

from ._reporting import write_reports


class Command(BaseCommand):
    help = (
        "Carica (o aggiorna) la regione Piemonte, le province e i comuni dall'elenco ISTAT, poi i Distretti "
        "della Coesione Sociale e gli enti gestori forniti con il prodotto. Ripetibile: non cancella nulla."
    )

    def handle(self, *args, **options):
        try:
            reports = load_territory()
        except TerritoryImportError as exc:
            raise CommandError(str(exc)) from exc
        write_reports(self, reports)

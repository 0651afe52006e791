"""Load programme definition files (YAML or JSON): ``manage.py load_programme programmes/wecare.yaml``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from grants.programme.loader import ProgrammeFileError, load_programme_file


class Command(BaseCommand):
    help = _("Carica o aggiorna programmi, misure e bandi da file di definizione YAML o JSON.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=_("file .yaml, .yml o .json"))

    def handle(self, *args, paths, **options):
        failed = []
        for path in paths:
            try:
                report = load_programme_file(path)
            except ProgrammeFileError as exc:
                self.stderr.write(self.style.ERROR(str(exc)))
                failed.append(path)
                continue
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(
                self.style.SUCCESS(_("Caricato: %(file)s") % {"file": path})
                if report.changed
                else _("Invariato: %(file)s") % {"file": path}
            )
        if failed:
            raise CommandError(
                _("%(n)s file non caricati: %(files)s") % {"n": len(failed), "files": ", ".join(failed)}
            )

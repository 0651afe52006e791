"""Import a national trusted list (ETSI TS 119 612 XML) into the trust store of signed documents."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grants.core import trusted_list


class Command(BaseCommand):
    help = (
        "Installa in SIGNATURE_TRUST_ROOTS le CA qualificate (CA/QC, stato granted) di una lista di fiducia "
        "ETSI TS 119 612 scaricata (per l'Italia quella di AgID), verificandone prima la firma se si indica "
        "il certificato del gestore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="la lista di fiducia (XML)")
        parser.add_argument(
            "--operator-cert", help="certificato PEM del gestore della lista: ne verifica la firma"
        )
        parser.add_argument("--into", help="la cartella del trust store (predefinita: SIGNATURE_TRUST_ROOTS)")

    def handle(self, *args, **options):
        directory = options["into"] or settings.SIGNATURE_TRUST_ROOTS
        if not directory:
            raise CommandError("Indicare --into oppure impostare SIGNATURE_TRUST_ROOTS.")
        data = Path(options["file"]).read_bytes()
        try:
            if options["operator_cert"]:
                trusted_list.verify_signature(data, Path(options["operator_cert"]).read_bytes())
            territory, cas = trusted_list.parse(data)
        except trusted_list.TrustedListError as error:
            raise CommandError(str(error)) from None
        if not cas:
            raise CommandError("La lista non contiene CA qualificate attive: il trust store resta com'era.")
        written, removed = trusted_list.install(cas, directory)
        signed = (
            "firma verificata" if options["operator_cert"] else "firma NON verificata (manca --operator-cert)"
        )
        self.stdout.write(
            f"Lista {territory or '?'}: {written} CA qualificate installate in {directory}, "
            f"{removed} tolte ({signed})."
        )

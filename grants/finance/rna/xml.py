"""The RNA records as XML, validated against the schema shipped next to this module (``rna.xsd``)."""

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

from grants.core.timeutils import in_rome, now

from ..states import RnaKind

NAMESPACE = "urn:wecare:rna:registrazioni:1"
SCHEMA_FILE = Path(__file__).with_name("rna.xsd")
OPERATION = {
    RnaKind.REGISTRATION: "REGISTRAZIONE",
    RnaKind.VARIATION: "VARIAZIONE",
    RnaKind.REVOCATION: "REVOCA",
}


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


def _add(parent, name: str, text) -> None:
    etree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = str(text)


def to_xml(records: Iterable, *, granting_body: str | None = None) -> bytes:
    records = list(records)
    root = etree.Element(f"{{{NAMESPACE}}}RegistrazioniRNA", nsmap={None: NAMESPACE})
    header = etree.SubElement(root, f"{{{NAMESPACE}}}Intestazione")
    _add(header, "SoggettoConcedente", granting_body or settings.PROTOCOL_ADMINISTRATION_NAME)
    _add(header, "DataGenerazione", in_rome(now()).replace(microsecond=0).isoformat())
    _add(header, "NumeroOperazioni", len(records))
    for record in records:
        op = etree.SubElement(root, f"{{{NAMESPACE}}}Operazione")
        _add(op, "IdRichiesta", record.request_id)
        _add(op, "TipoOperazione", OPERATION[record.kind])
        _add(op, "CodiceCAR", record.car)
        original = getattr(record, "original_cor", "")
        if record.kind != RnaKind.REGISTRATION and original:
            _add(op, "CORConcessione", original)
        beneficiary = etree.SubElement(op, f"{{{NAMESPACE}}}Beneficiario")
        _add(beneficiary, "CodiceFiscale", record.beneficiary_fiscal_code)
        _add(beneficiary, "Denominazione", record.beneficiary_name[:255])
        project = etree.SubElement(op, f"{{{NAMESPACE}}}Progetto")
        _add(project, "Titolo", record.project.title[:255])
        if record.cup:
            _add(project, "CUP", record.cup)
        _add(op, "Regime", record.regime)
        _add(op, "StrumentoAiuto", record.instrument)
        _add(op, "ImportoNominale", f"{record.nominal_amount:.2f}")
        _add(op, "ElementoAiuto", f"{record.aid_amount:.2f}")
        if record.kind != RnaKind.REGISTRATION:
            _add(op, "ElementoAiutoPrecedente", f"{record.previous_aid_amount:.2f}")
        _add(op, "DataConcessione", record.concession_date.isoformat())
        _add(op, "DataAtto", record.act_date.isoformat())
        if record.reason:
            _add(op, "Motivazione", record.reason[:255])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validation_errors(xml: bytes) -> list[str]:
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as error:
        return [str(error)]
    checker = schema()
    if checker.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in checker.error_log]

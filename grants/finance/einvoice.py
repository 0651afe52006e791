"""The SdI adapter for supplier invoices: a FatturaPA file (XML, or XML inside a CAdES ``.p7m`` envelope,
unwrapped with ``grants.core.signatures``) read into plain data, always validated against the official
FatturaPA XSD shipped in ``grants/finance/schemas`` (v1.2.3, the Agenzia delle Entrate's current schema of
namespace 1.2; its ``xmldsig`` import is resolved to the local copy: no network, no entities). See the README
there.

Pure: ``read_invoice(data)`` answers an ``Invoice`` or raises ``InvoiceError`` (code + Italian message); the
service (``grants.finance.services.einvoices``) checks the CUP, the duplicates and stores.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from grants.core.signatures import is_cades, signed_content

NAMESPACE = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_PATH = SCHEMAS / "Schema_del_file_xml_FatturaPA_v1.2.3.xsd"
# The official XSD is kept byte for byte, so its import of xmldsig keeps the W3C address: served from here.
_LOCAL_IMPORTS = {
    "http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd": SCHEMAS
    / "xmldsig-core-schema.xsd",
}
MAX_BYTES = 5 * 1024 * 1024
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


class InvoiceError(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Line:
    number: int
    description: str
    quantity: Decimal | None
    unit_price: Decimal
    total: Decimal
    vat_rate: Decimal


@dataclass(frozen=True)
class Invoice:
    supplier_country: str
    supplier_vat: str
    supplier_name: str
    customer_name: str
    customer_tax_id: str
    document_type: str
    number: str
    date: date
    currency: str
    total: Decimal | None
    taxable: Decimal
    vat: Decimal
    causale: tuple[str, ...]
    cup_codes: tuple[str, ...]
    lines: tuple[Line, ...] = field(default_factory=tuple)
    signed: bool = False
    xml: bytes = b""

    def cites(self, cup: str) -> bool:
        """The CUP in CodiceCUP (order, contract, agreement, receipt) or written in the causale or a line."""
        cup = (cup or "").strip().upper()
        if not cup:
            return False
        texts = (*self.causale, *(line.description for line in self.lines))
        return cup in {c.upper() for c in self.cup_codes} or any(cup in text.upper() for text in texts)


class _LocalSchemas(etree.Resolver):
    """The shipped schemas' imports answered from this folder (anything else stays unresolved: the parser
    has ``no_network``)."""

    def resolve(self, url, public_id, context):
        local = _LOCAL_IMPORTS.get(url)
        return self.resolve_filename(str(local), context) if local is not None else None


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), parser))


def _schema_refusal(error) -> "InvoiceError":
    """The first schema error in Italian: the line and the element (its path in the file) it concerns."""
    element = (error.path or "").rsplit("/", 1)[-1].split(":")[-1].split("[")[0] or "?"
    return InvoiceError(
        _(
            "La fattura non rispetta lo schema ufficiale FatturaPA: riga %(line)s, elemento «%(element)s» "
            "(%(path)s): %(message)s"
        )
        % {"line": error.line, "element": element, "path": error.path or "?", "message": error.message},
        "schema_invalid",
    )


def _text(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return " ".join((found.text or "").split()) if found is not None else ""


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def unwrap(data: bytes) -> tuple[bytes, bool]:
    """The XML and whether it came in a ``.p7m`` envelope."""
    if is_cades(data):
        content = signed_content(data)
        if content is None:
            raise InvoiceError(
                _("La busta .p7m non contiene la fattura (firma separata): caricare il .xml.p7m completo."),
                "p7m_detached",
            )
        return content, True
    return data, False


def read_invoice(data: bytes) -> Invoice:
    if len(data) > MAX_BYTES:
        raise InvoiceError(_("Il file supera i 5 MB ammessi per una fattura elettronica."), "too_large")
    xml, signed = unwrap(data)
    if not xml.lstrip().startswith(b"<"):
        raise InvoiceError(
            _("Il file non è una fattura elettronica: caricare il file XML FatturaPA (.xml o .xml.p7m)."),
            "wrong_type",
        )
    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as error:
        raise InvoiceError(
            _("Il file XML non è leggibile (%(error)s).") % {"error": error.msg}, "malformed_xml"
        ) from error
    if root.tag != f"{{{NAMESPACE}}}FatturaElettronica":
        raise InvoiceError(
            _("Il file XML non è una fattura elettronica FatturaPA 1.2 (elemento radice «%(tag)s»).")
            % {"tag": etree.QName(root).localname},
            "wrong_type",
        )
    xsd = schema()
    if not xsd.validate(root):
        raise _schema_refusal(xsd.error_log[0])
    # The children of the root are unqualified in FatturaPA: paths without namespace.
    bodies = root.findall("FatturaElettronicaBody")
    if len(bodies) != 1:
        raise InvoiceError(
            _("Il file contiene %(n)s fatture (lotto): caricare una fattura per file.") % {"n": len(bodies)},
            "batch",
        )
    header, body = root.find("FatturaElettronicaHeader"), bodies[0]
    supplier = header.find("CedentePrestatore/DatiAnagrafici") if header is not None else None
    customer = header.find("CessionarioCommittente/DatiAnagrafici") if header is not None else None
    general = body.find("DatiGenerali/DatiGeneraliDocumento")
    supplier_name = _text(supplier, "Anagrafica/Denominazione") or " ".join(
        part for part in (_text(supplier, "Anagrafica/Nome"), _text(supplier, "Anagrafica/Cognome")) if part
    )
    number, day = _text(general, "Numero"), _text(general, "Data")
    try:
        invoice_date = date.fromisoformat(day)
    except ValueError:
        raise InvoiceError(_("La fattura non ha una data valida."), "malformed_xml") from None
    if not (supplier_name and number and _text(supplier, "IdFiscaleIVA/IdCodice")):
        raise InvoiceError(
            _("La fattura non indica fornitore, partita IVA e numero: non è una FatturaPA completa."),
            "malformed_xml",
        )
    lines = tuple(
        Line(
            number=int(_text(row, "NumeroLinea") or 0),
            description=_text(row, "Descrizione"),
            quantity=_amount(_text(row, "Quantita")),
            unit_price=_amount(_text(row, "PrezzoUnitario")) or Decimal(0),
            total=_amount(_text(row, "PrezzoTotale")) or Decimal(0),
            vat_rate=_amount(_text(row, "AliquotaIVA")) or Decimal(0),
        )
        for row in body.findall("DatiBeniServizi/DettaglioLinee")
    )
    summary = body.findall("DatiBeniServizi/DatiRiepilogo")
    taxable = sum((_amount(_text(row, "ImponibileImporto")) or Decimal(0) for row in summary), Decimal(0))
    vat = sum((_amount(_text(row, "Imposta")) or Decimal(0) for row in summary), Decimal(0))
    related = ("DatiOrdineAcquisto", "DatiContratto", "DatiConvenzione", "DatiRicezione")
    cups = tuple(
        " ".join((node.text or "").split())
        for name in related
        for node in body.findall(f"DatiGenerali/{name}/CodiceCUP")
        if node.text
    )
    return Invoice(
        supplier_country=_text(supplier, "IdFiscaleIVA/IdPaese"),
        supplier_vat=_text(supplier, "IdFiscaleIVA/IdCodice"),
        supplier_name=supplier_name,
        customer_name=_text(customer, "Anagrafica/Denominazione"),
        customer_tax_id=_text(customer, "IdFiscaleIVA/IdCodice") or _text(customer, "CodiceFiscale"),
        document_type=_text(general, "TipoDocumento"),
        number=number,
        date=invoice_date,
        currency=_text(general, "Divisa") or "EUR",
        total=_amount(_text(general, "ImportoTotaleDocumento")),
        taxable=taxable,
        vat=vat,
        causale=tuple(" ".join((n.text or "").split()) for n in general.findall("Causale")),
        cup_codes=cups,
        lines=lines,
        signed=signed,
        xml=xml,
    )

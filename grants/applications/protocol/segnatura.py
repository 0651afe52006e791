"""The segnatura di protocollo (SegnaturaInformatica) of a received document, as plain data and as XML.

Pure: dataclasses in, bytes out, no ORM. The XML follows AgID's official schema of the "Linee guida sulla
formazione, gestione e conservazione dei documenti informatici" (2021), Allegato 6 "Comunicazione tra AOO di
documenti amministrativi protocollati": ``schemas/segnatura_protocollo.xsd`` beside this file, namespace
``http://www.agid.gov.it/protocollo/``, ``versione`` 3.0.0 (source and status in ``schemas/README.md``).

The schema requires a ``ds:Signature`` (XAdES baseline B, the sending AOO's signature or seal) after
``Descrizione``: ``to_xml`` builds the segnatura up to the signature, ``seal.sealed`` appends the AOO's seal
when one is configured, and ``validation_errors`` checks against the official schema excusing only a
missing signature (``require_signature=True`` checks a sealed one in full).
"""

import base64
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

NAMESPACE = "http://www.agid.gov.it/protocollo/"
DS_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"
VERSION = "3.0.0"  # fixed by the schema (SegnaturaInformaticaType/@versione)
XSD_PATH = Path(__file__).parent / "schemas" / "segnatura_protocollo.xsd"
_N = f"{{{NAMESPACE}}}"
_PERSONAL_FISCAL_CODE = re.compile(
    r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]"
)
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False}


@dataclass(frozen=True)
class Identificatore:
    codice_amministrazione: str  # IPA code of the administration
    codice_aoo: str
    codice_registro: str
    numero_registrazione: str  # at least 7 digits, zero-padded
    data_registrazione: date


@dataclass(frozen=True)
class Mittente:
    """A legal person (the applicant organisation)."""

    denominazione: str
    codice_fiscale: str
    indirizzo_telematico: str = ""  # its PEC, if any


@dataclass(frozen=True)
class Destinatario:
    """The administration's AOO that receives the document."""

    denominazione: str
    codice_amministrazione: str
    codice_aoo: str
    indirizzo_telematico: str = ""


@dataclass(frozen=True)
class Documento:
    nome: str
    sha256_hex: str  # the fingerprint as the platform keeps it (hex); the XML carries it in base64
    tipo_mime: str = ""

    @property
    def impronta(self) -> str:
        return base64.b64encode(bytes.fromhex(self.sha256_hex)).decode("ascii")


@dataclass(frozen=True)
class Classifica:
    """The class of the administration's filing plan (titolario) the document is filed under."""

    denominazione: str
    codice: str  # the flat code, e.g. "7.1"


@dataclass(frozen=True)
class Segnatura:
    identificatore: Identificatore
    mittente: Mittente
    destinatario: Destinatario
    oggetto: str
    documento: Documento
    classifica: Classifica

    def registered_as(self, *, number: str, day: date, register_code: str) -> "Segnatura":
        """The same segnatura with the registration a register gave it."""
        return replace(
            self,
            identificatore=replace(
                self.identificatore,
                numero_registrazione=number,
                data_registrazione=day,
                codice_registro=register_code,
            ),
        )


def _add(parent, tag: str, text: str | None = None, **attributes):
    """A child in the protocol namespace; its attributes are qualified too (attributeFormDefault)."""
    qualified = {f"{_N}{name}": value for name, value in attributes.items() if value}
    element = etree.SubElement(parent, f"{_N}{tag}", qualified)
    if text is not None:
        element.text = text
    return element


def _pec(parent, tag: str, address: str) -> None:
    if address:
        _add(_add(parent, tag), "IndirizzoTelematico", address, tipo="smtp")


def to_xml(segnatura: Segnatura) -> bytes:
    """The SegnaturaInformatica up to its signature (see the module docstring)."""
    root = etree.Element(f"{_N}SegnaturaInformatica", nsmap={"prot": NAMESPACE, "ds": DS_NAMESPACE})
    root.set(f"{_N}versione", VERSION)
    root.set(f"{_N}lang", "it")
    head = _add(root, "Intestazione")
    ident = _add(head, "Identificatore")
    i = segnatura.identificatore
    _add(ident, "CodiceAmministrazione", i.codice_amministrazione)
    _add(ident, "CodiceAOO", i.codice_aoo)
    _add(ident, "CodiceRegistro", i.codice_registro)
    _add(ident, "NumeroRegistrazione", i.numero_registrazione)
    _add(ident, "DataRegistrazione", i.data_registrazione.isoformat())
    _add(head, "Oggetto", segnatura.oggetto)
    classifica = _add(head, "Classifica")
    _add(classifica, "Denominazione", segnatura.classifica.denominazione)
    _add(classifica, "CodiceFlat", segnatura.classifica.codice)

    description = _add(root, "Descrizione")
    m = segnatura.mittente
    person = _add(_add(description, "Mittente"), "PersonaGiuridica")
    _add(person, "Denominazione", m.denominazione)
    fiscal_code = m.codice_fiscale.strip().upper()
    # PIVAoCF is typed as an 11-digit number: an organisation's code. A sole trader's personal code (16
    # characters) has no place in PersonaGiuridica, so it is left out rather than written wrong.
    if fiscal_code and not _PERSONAL_FISCAL_CODE.fullmatch(fiscal_code):
        _add(person, "PIVAoCF", fiscal_code)
    _pec(person, "ContattiPersonaGiuridica", m.indirizzo_telematico)

    d = segnatura.destinatario
    administration = _add(_add(description, "Destinatario"), "Amministrazione")
    _add(administration, "DenominazioneAmministrazione", d.denominazione)
    _add(administration, "CodiceIPAAmministrazione", d.codice_amministrazione)
    _add(administration, "CodiceIPAAOO", d.codice_aoo)
    _pec(administration, "ContattiAOO", d.indirizzo_telematico)

    document = _add(
        description,
        "DocumentoPrimario",
        nomeFile=segnatura.documento.nome,
        mimeType=segnatura.documento.tipo_mime or "application/octet-stream",
    )
    _add(document, "Impronta", segnatura.documento.impronta, algoritmo="SHA-256")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def schema() -> etree.XMLSchema:
    # The official file imports xmldsig from "import_schemas/xmldsig-core-schema.xsd", shipped beside it.
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=etree.XMLParser(**_PARSER_OPTIONS)))


def _missing_signature(error, root) -> bool:
    return (
        error.path == f"/{root.prefix}:SegnaturaInformatica"
        and f"{{{DS_NAMESPACE}}}Signature" in error.message
        and "Missing child element" in error.message
        and root.find(f"{{{DS_NAMESPACE}}}Signature") is None
    )


def validation_errors(xml: bytes, *, require_signature: bool = False) -> list[str]:
    """What makes ``xml`` invalid against AgID's schema (empty: valid). Unless ``require_signature``, the
    missing ``ds:Signature`` of a segnatura not yet signed is not counted."""
    document = etree.fromstring(xml, parser=etree.XMLParser(**_PARSER_OPTIONS))
    checker = schema()
    if checker.validate(document):
        return []
    return [
        f"{error.line}: {error.message}"
        for error in checker.error_log
        if require_signature or not _missing_signature(error, document)
    ]

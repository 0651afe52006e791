"""The segnatura di protocollo (Segnatura.xml) of a received document, as plain data and as XML.

Pure: dataclasses in, bytes out, no ORM. The structure follows the AgID guidelines on electronic documents,
Allegato 6 (Intestazione: Identificatore, Origine/Mittente, Destinazione, Oggetto; Descrizione: the Documento
with its SHA-256 Impronta). ``segnatura.xsd`` beside this file is OUR rendering of that structure, written
without the official XSD at hand (see the comment at its top); ``validate`` checks a document against it.
"""

import base64
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

NAMESPACE = "http://www.agid.gov.it/protocollo/"
VERSION = "2021"  # the guidelines' edition the structure follows (Linee guida AgID, 2021)
XSD_PATH = Path(__file__).with_name("segnatura.xsd")
_N = f"{{{NAMESPACE}}}"


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
class Segnatura:
    identificatore: Identificatore
    mittente: Mittente
    destinatario: Destinatario
    oggetto: str
    documento: Documento

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
    element = etree.SubElement(parent, f"{_N}{tag}", **{k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


def to_xml(segnatura: Segnatura) -> bytes:
    root = etree.Element(f"{_N}Segnatura", nsmap={None: NAMESPACE}, versione=VERSION)
    head = _add(root, "Intestazione")
    ident = _add(head, "Identificatore")
    i = segnatura.identificatore
    _add(ident, "CodiceAmministrazione", i.codice_amministrazione)
    _add(ident, "CodiceAOO", i.codice_aoo)
    _add(ident, "CodiceRegistro", i.codice_registro)
    _add(ident, "NumeroRegistrazione", i.numero_registrazione)
    _add(ident, "DataRegistrazione", i.data_registrazione.isoformat())

    origin = _add(head, "Origine")
    m = segnatura.mittente
    if m.indirizzo_telematico:
        _add(origin, "IndirizzoTelematico", m.indirizzo_telematico, tipo="smtp")
    person = _add(_add(origin, "Mittente"), "PersonaGiuridica")
    _add(person, "Denominazione", m.denominazione)
    _add(person, "CodiceFiscale", m.codice_fiscale.upper())

    destination = _add(head, "Destinazione")
    d = segnatura.destinatario
    if d.indirizzo_telematico:
        _add(destination, "IndirizzoTelematico", d.indirizzo_telematico, tipo="smtp")
    recipient = _add(destination, "Destinatario")
    administration = _add(recipient, "Amministrazione")
    _add(administration, "Denominazione", d.denominazione)
    _add(administration, "CodiceAmministrazione", d.codice_amministrazione)
    _add(_add(recipient, "AOO"), "CodiceAOO", d.codice_aoo)
    _add(head, "Oggetto", segnatura.oggetto)

    description = _add(root, "Descrizione")
    document = _add(
        description, "Documento", nome=segnatura.documento.nome, tipoMIME=segnatura.documento.tipo_mime
    )
    _add(document, "Impronta", segnatura.documento.impronta, algoritmo="SHA-256", codifica="base64")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser=parser))


def validation_errors(xml: bytes) -> list[str]:
    """What makes ``xml`` invalid against ``segnatura.xsd`` (empty: valid)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.fromstring(xml, parser=parser)
    checker = schema()
    if checker.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in checker.error_log]

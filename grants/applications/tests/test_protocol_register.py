"""The segnatura di protocollo (AgID, Allegato 6) of a submitted application: the XML validates against
AgID's official schema shipped in the repository (grants/applications/protocol/schemas/, unsigned: only the
ds:Signature the sending AOO adds is excused), the register behind it is pluggable (every adapter passes the
same contract), and the officer downloads it from the application's page and the API."""

import base64
import dataclasses
import hashlib
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from grants.applications import tasks
from grants.applications.models import ProtocolRegistration
from grants.applications.protocol import records
from grants.applications.protocol.registers import (
    InternalRegister,
    ProtocolRegister,
    RegisteredProtocol,
    get_register,
)
from grants.applications.protocol.segnatura import (
    NAMESPACE,
    Classifica,
    Destinatario,
    Documento,
    Identificatore,
    Mittente,
    Segnatura,
    to_xml,
    validation_errors,
)
from grants.core.timeutils import in_rome, now
from grants.registry.tests.factories import UserFactory, staff_user

from .test_receipt import submitted

API = "/api/v1"
NS = {"s": NAMESPACE}


class ExternalRegisterDouble(ProtocolRegister):
    """Stands for an adapter to another protocol system: numbers of its own, once per document."""

    def __init__(self):
        self.numbers: dict[str, RegisteredProtocol] = {}

    def register(self, segnatura: Segnatura) -> RegisteredProtocol:
        key = segnatura.documento.sha256_hex
        if key not in self.numbers:
            self.numbers[key] = RegisteredProtocol(
                number=f"{len(self.numbers) + 900001:07d}", date=date(2026, 3, 2), register_code="PROT_GEN"
            )
        return self.numbers[key]


# Every adapter shipped (and, as an example of an external one, the double above) passes the contract.
ADAPTERS = [InternalRegister, ExternalRegisterDouble]


def a_segnatura(number: str = "0000042", document: bytes = b"domanda") -> Segnatura:
    return Segnatura(
        identificatore=Identificatore("r_piemon", "WECARE", "WECARE_DOM", number, date(2026, 3, 1)),
        mittente=Mittente("Cooperativa Alfa", "01234567890", "alfa@pec.example.it"),
        destinatario=Destinatario("Regione Piemonte", "r_piemon", "WECARE", "wecare@cert.example.it"),
        oggetto="Domanda di contributo «Welfare» – bando «WECARE» (wecare-2026)",
        documento=Documento(
            "domanda-2026-0000042.json", hashlib.sha256(document).hexdigest(), "application/json"
        ),
        classifica=Classifica("Domande di contributo", "7.1"),
    )


# --- the contract every register adapter passes -------------------------------------------------------------
@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.__name__)
def test_a_register_gives_a_dated_registration_of_seven_digits_in_its_register(adapter):
    registered = adapter().register(a_segnatura())
    assert isinstance(registered, RegisteredProtocol)
    assert registered.number.isdigit() and len(registered.number) >= 7
    assert isinstance(registered.date, date) and registered.date <= in_rome(now()).date()
    assert registered.register_code and len(registered.register_code) <= 16


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.__name__)
def test_a_register_answers_the_same_for_the_same_segnatura_and_apart_for_another(adapter):
    register = adapter()
    first, again = register.register(a_segnatura()), register.register(a_segnatura())
    other = register.register(a_segnatura(number="0000043", document=b"altra domanda"))
    assert first == again
    assert (other.register_code, other.number) != (first.register_code, first.number)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.__name__)
def test_a_registered_segnatura_is_valid_against_the_schema(adapter):
    proposed = a_segnatura()
    registered = adapter().register(proposed)
    final = proposed.registered_as(
        number=registered.number, day=registered.date, register_code=registered.register_code
    )
    xml = to_xml(final)
    assert validation_errors(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext("s:Intestazione/s:Identificatore/s:NumeroRegistrazione", namespaces=NS) == (
        registered.number
    )


# --- the XML and its schema ---------------------------------------------------------------------------------
def test_the_schema_refuses_what_a_segnatura_must_not_be():
    good = a_segnatura()
    assert validation_errors(to_xml(good)) == []
    short_number = dataclasses.replace(
        good, identificatore=dataclasses.replace(good.identificatore, numero_registrazione="42")
    )
    bad_fiscal_code = dataclasses.replace(
        good, mittente=dataclasses.replace(good.mittente, codice_fiscale="X")
    )
    bad_register = dataclasses.replace(
        good, identificatore=dataclasses.replace(good.identificatore, codice_registro="REGISTRO GENERALE")
    )
    for wrong in (short_number, bad_fiscal_code, bad_register):
        assert validation_errors(to_xml(wrong)), wrong


@pytest.mark.django_db
def test_the_segnatura_of_a_submitted_application_names_sender_receiver_and_the_fingerprint():
    application = submitted()
    with override_settings(
        PROTOCOL_IPA_CODE="r_piemon", PROTOCOL_AOO_CODE="A1400A", PROTOCOL_REGISTER_CODE="WECARE_DOM"
    ):
        xml = records.segnatura_xml(application)

    assert validation_errors(xml) == []
    root = etree.fromstring(xml)
    text = lambda path: root.findtext(path, namespaces=NS)  # noqa: E731
    ident = "s:Intestazione/s:Identificatore/s:"
    assert text(ident + "CodiceAmministrazione") == "r_piemon"
    assert text(ident + "CodiceAOO") == "A1400A"
    assert text(ident + "CodiceRegistro") == "WECARE_DOM"
    assert f"{application.protocol_year}/{text(ident + 'NumeroRegistrazione')}" == application.protocol
    assert text(ident + "DataRegistrazione") == in_rome(application.submitted_at).date().isoformat()
    sender = "s:Descrizione/s:Mittente/s:PersonaGiuridica/s:"
    assert text(sender + "Denominazione") == application.applicant.name
    assert text(sender + "PIVAoCF") == application.applicant.fiscal_code
    assert application.title in text("s:Intestazione/s:Oggetto")
    assert text("s:Intestazione/s:Classifica/s:CodiceFlat") == "WECARE"
    receiver = "s:Descrizione/s:Destinatario/s:Amministrazione/s:"
    assert (text(receiver + "CodiceIPAAmministrazione"), text(receiver + "CodiceIPAAOO")) == (
        "r_piemon",
        "A1400A",
    )
    impronta = root.find("s:Descrizione/s:DocumentoPrimario/s:Impronta", namespaces=NS)
    assert impronta.get(f"{{{NAMESPACE}}}algoritmo") == "SHA-256"
    assert base64.b64decode(impronta.text).hex() == application.fingerprint


@pytest.mark.django_db
def test_settings_choose_the_register_by_dotted_path():
    application = submitted()
    path = f"{__name__}.ExternalRegisterDouble"
    with override_settings(PROTOCOL_REGISTER_ADAPTER=path):
        assert isinstance(get_register(), ExternalRegisterDouble)
        segnatura = records.registered_segnatura(application)
    assert segnatura.identificatore.numero_registrazione == "0900001"
    assert segnatura.identificatore.codice_registro == "PROT_GEN"
    with override_settings(PROTOCOL_REGISTER_ADAPTER="grants.core.timeutils.now"), pytest.raises(TypeError):
        get_register()


class CountingRegister(ExternalRegisterDouble):
    calls = 0

    def register(self, segnatura: Segnatura) -> RegisteredProtocol:
        type(self).calls += 1
        return super().register(segnatura)


@pytest.mark.django_db
def test_the_external_registration_is_stored_and_the_register_asked_once(client):
    application = submitted()
    CountingRegister.calls = 0
    with override_settings(PROTOCOL_REGISTER_ADAPTER=f"{__name__}.CountingRegister"):
        stored = tasks.register_protocol(application.pk)  # what the worker does after the submission
        again = records.registered_segnatura(application)
    assert CountingRegister.calls == 1  # the segnatura reads the stored registration
    assert stored == "PROT_GEN n. 0900001 del 02/03/2026"
    assert again.identificatore.numero_registrazione == "0900001"
    registration = ProtocolRegistration.objects.get(application=application)
    assert registration.adapter.endswith("CountingRegister")

    client.force_login(staff_user("applications.view_application", calls=[application.call]))
    page = client.get(
        reverse("applications:officer_application_detail", args=[application.call.code, application.pk])
    ).content.decode()
    assert "PROT_GEN n. 0900001 del 02/03/2026" in page


@pytest.mark.django_db
def test_the_stored_registration_is_in_the_api_for_the_staff_of_the_call(client):
    application = submitted()
    url = f"{API}/applications/{application.pk}/protocol-registration"
    client.force_login(staff_user("applications.view_application", calls=[application.call]))
    before = client.get(url)
    assert before.status_code == 200
    assert before.json()["registered"] is False and before.json()["number"] is None
    with override_settings(PROTOCOL_REGISTER_ADAPTER=f"{__name__}.CountingRegister"):
        tasks.register_protocol(application.pk)
    after = client.get(url).json()
    assert after["registered"] is True and after["number"] == "0900001"
    assert after["registered_on"] == "2026-03-02" and after["register_code"] == "PROT_GEN"
    assert after["protocol"] == application.protocol
    client.force_login(staff_user("applications.view_application", calls=[]))  # another call's officer
    assert client.get(url).status_code == 404
    client.force_login(application.created_by)  # the applicant: not an officer
    assert client.get(url).status_code == 403
    assert client.get(f"{API}/applications/999999999/protocol-registration").status_code == 403
    client.force_login(staff_user("applications.view_application", calls=[application.call]))
    assert client.get(f"{API}/applications/999999999/protocol-registration").status_code == 404


# --- the officer's download ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_officer_of_the_call_downloads_the_segnatura_from_the_page_and_the_api(client):
    application = submitted()
    officer = staff_user("applications.view_application", calls=[application.call])
    client.force_login(officer)

    page = client.get(
        reverse("applications:officer_application_detail", args=[application.call.code, application.pk])
    )
    url = reverse("applications:officer_application_segnatura", args=[application.call.code, application.pk])
    assert url in page.content.decode()
    downloaded = client.get(url)
    assert downloaded.status_code == 200 and downloaded["Content-Type"].startswith("application/xml")
    assert "segnatura-" in downloaded["Content-Disposition"]
    assert validation_errors(downloaded.content) == []

    api = client.get(f"{API}/applications/{application.pk}/segnatura.xml")
    assert api.status_code == 200 and api.content == downloaded.content


@pytest.mark.django_db
def test_the_segnatura_is_for_the_staff_of_the_call_only(client):
    application = submitted()
    api_url = f"{API}/applications/{application.pk}/segnatura.xml"
    client.force_login(staff_user("applications.view_application", calls=[]))  # another call's officer
    assert client.get(api_url).status_code == 404
    client.force_login(application.created_by)  # the applicant: not an officer
    response = client.get(api_url)
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    client.force_login(UserFactory())
    assert client.get(api_url).status_code == 403


# --- AgID's official schema: only the signature is missing -------------------------------------------------
DS = "http://www.w3.org/2000/09/xmldsig#"


def _with_a_signature(xml: bytes) -> bytes:
    """The segnatura with a ds:Signature of the XML Signature structure (not a real signature: the schema
    checks the structure only), where the sending AOO's XAdES signature goes."""
    root = etree.fromstring(xml)
    signature = etree.SubElement(root, f"{{{DS}}}Signature")
    info = etree.SubElement(signature, f"{{{DS}}}SignedInfo")
    etree.SubElement(
        info, f"{{{DS}}}CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"
    )
    etree.SubElement(
        info, f"{{{DS}}}SignatureMethod", Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    )
    reference = etree.SubElement(info, f"{{{DS}}}Reference", URI="")
    etree.SubElement(reference, f"{{{DS}}}DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    etree.SubElement(reference, f"{{{DS}}}DigestValue").text = base64.b64encode(b"0" * 32).decode()
    etree.SubElement(signature, f"{{{DS}}}SignatureValue").text = base64.b64encode(b"1" * 64).decode()
    return etree.tostring(root)


def test_the_segnatura_is_agid_segnatura_informatica_3_0_0():
    root = etree.fromstring(to_xml(a_segnatura()))
    assert root.tag == f"{{{NAMESPACE}}}SegnaturaInformatica"
    assert root.get(f"{{{NAMESPACE}}}versione") == "3.0.0" and root.get(f"{{{NAMESPACE}}}lang") == "it"


def test_unsigned_only_the_signature_is_missing_and_signed_it_is_fully_valid():
    xml = to_xml(a_segnatura())
    missing = validation_errors(xml, require_signature=True)
    assert len(missing) == 1 and "Signature" in missing[0]
    assert validation_errors(_with_a_signature(xml), require_signature=True) == []


def test_the_missing_signature_does_not_hide_other_errors():
    wrong = dataclasses.replace(
        a_segnatura(),
        identificatore=dataclasses.replace(a_segnatura().identificatore, numero_registrazione="1"),
    )
    errors = validation_errors(to_xml(wrong))
    assert len(errors) == 1 and "NumeroRegistrazione" in errors[0]


def test_a_sole_traders_personal_code_is_left_out_of_the_legal_person():
    sole_trader = dataclasses.replace(
        a_segnatura(), mittente=dataclasses.replace(a_segnatura().mittente, codice_fiscale="RSSMRA80A01L219X")
    )
    xml = to_xml(sole_trader)
    assert validation_errors(xml) == []
    assert b"PIVAoCF" not in xml


def test_the_shipped_schema_is_agids():
    from grants.applications.protocol.segnatura import XSD_PATH

    text = XSD_PATH.read_text(encoding="utf-8")
    assert 'targetNamespace="http://www.agid.gov.it/protocollo/"' in text
    assert 'fixed="3.0.0"' in text and 'schemaLocation="import_schemas/xmldsig-core-schema.xsd"' in text
    assert hashlib.sha256(XSD_PATH.read_bytes()).hexdigest() == (
        "6b750620888c6e5e30ec634e1d9e522694fc44c08280aaa4daf9734d1e1e5d44"
    )

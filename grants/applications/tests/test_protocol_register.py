"""The segnatura di protocollo (AgID, Allegato 6) of a submitted application: the XML validates against
AgID's official schema shipped in the repository (grants/applications/protocol/schemas/, unsigned: only the
ds:Signature the sending AOO adds is excused), the register behind it is pluggable (every adapter passes the
same contract), and the officer downloads it from the application's page and the API."""

import base64
import dataclasses
import hashlib
import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from grants.applications import tasks
from grants.applications.models import ProtocolRegistration
from grants.applications.protocol import records
from grants.applications.protocol.registers import (
    HttpRegister,
    InternalRegister,
    ProtocolRegister,
    ProtocolUnavailable,
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


class FakeProtocolSystem(BaseHTTPRequestHandler):
    """A protocol system as the HTTP adapter expects one: it takes the segnatura (AgID XML), registers the
    document once per Idempotency-Key (its SHA-256) in its own register and answers, on ``/xml`` the
    segnatura it recorded, on ``/json`` the JSON form; ``/broken`` answers a number that is not one."""

    numbers: dict[str, tuple[str, str]] = {}

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") != "Bearer segreto" or not body.startswith(b"<?xml"):
            self.send_response(401)
            self.end_headers()
            return
        key = self.headers["Idempotency-Key"]
        if key not in self.numbers:
            self.numbers[key] = (f"{len(self.numbers) + 700001:07d}", "2026-03-02")
        number, day = self.numbers[key]
        if self.path == "/json":
            answer, kind = (
                json.dumps({"numero": number, "data": day, "registro": "PROT_GEN"}).encode(),
                "json",
            )
        elif self.path == "/broken":
            answer, kind = json.dumps({"numero": "n/d", "data": day, "registro": "PROT_GEN"}).encode(), "json"
        else:
            root = etree.fromstring(body)
            found = root.find("s:Intestazione/s:Identificatore", NS)
            found.find("s:CodiceRegistro", NS).text = "PROT_GEN"
            found.find("s:NumeroRegistrazione", NS).text = number
            found.find("s:DataRegistrazione", NS).text = day
            answer, kind = etree.tostring(root, xml_declaration=True, encoding="UTF-8"), "xml"
        self.send_response(200)
        self.send_header("Content-Type", f"application/{kind}")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def protocol_system():
    server = HTTPServer(("127.0.0.1", 0), FakeProtocolSystem)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


# Every adapter shipped (the HTTP one against the local system above, answering XML or JSON) and, as an
# example of another external one, the double above pass the contract.
@pytest.fixture(
    params=["InternalRegister", "ExternalRegisterDouble", "HttpRegister-xml", "HttpRegister-json"]
)
def adapter(request):
    if request.param.startswith("HttpRegister"):
        url = request.getfixturevalue("protocol_system") + "/" + request.param.split("-")[1]
        return lambda: HttpRegister(url=url, token="segreto", timeout=5)
    return {"InternalRegister": InternalRegister, "ExternalRegisterDouble": ExternalRegisterDouble}[
        request.param
    ]


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
def test_a_register_gives_a_dated_registration_of_seven_digits_in_its_register(adapter):
    registered = adapter().register(a_segnatura())
    assert isinstance(registered, RegisteredProtocol)
    assert registered.number.isdigit() and len(registered.number) >= 7
    assert isinstance(registered.date, date) and registered.date <= in_rome(now()).date()
    assert registered.register_code and len(registered.register_code) <= 16


def test_a_register_answers_the_same_for_the_same_segnatura_and_apart_for_another(adapter):
    register = adapter()
    first, again = register.register(a_segnatura()), register.register(a_segnatura())
    other = register.register(a_segnatura(number="0000043", document=b"altra domanda"))
    assert first == again
    assert (other.register_code, other.number) != (first.register_code, first.number)


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


def test_the_http_register_refuses_what_it_cannot_store_and_stores_nothing(protocol_system):
    with pytest.raises(ProtocolUnavailable) as broken:
        HttpRegister(url=f"{protocol_system}/broken", token="segreto", timeout=5).register(a_segnatura())
    assert broken.value.status == 503 and "numero non valido" in broken.value.message
    with pytest.raises(ProtocolUnavailable):  # the system refuses who it does not know
        HttpRegister(url=f"{protocol_system}/xml", token="sbagliato", timeout=5).register(a_segnatura())
    with pytest.raises(ProtocolUnavailable):  # nobody listening
        HttpRegister(url="http://127.0.0.1:9/xml", token="segreto", timeout=2).register(a_segnatura())
    with pytest.raises(ProtocolUnavailable):  # not configured
        HttpRegister(url="", token="", timeout=2).register(a_segnatura())


@pytest.mark.django_db
def test_a_submission_registered_in_the_external_system_keeps_its_number(protocol_system, client):
    application = submitted()
    with override_settings(
        PROTOCOL_REGISTER_ADAPTER="grants.applications.protocol.registers.HttpRegister",
        PROTOCOL_REGISTER_URL=f"{protocol_system}/xml",
        PROTOCOL_REGISTER_TOKEN="segreto",
    ):
        registration = records.registration_of(application)
        xml = records.segnatura_xml(application)
    assert registration.register_code == "PROT_GEN" and len(registration.number) == 7
    assert registration.adapter.endswith("HttpRegister")
    root = etree.fromstring(xml)
    assert root.findtext("s:Intestazione/s:Identificatore/s:NumeroRegistrazione", namespaces=NS) == (
        registration.number
    )
    assert validation_errors(xml) == []


@pytest.mark.django_db
def test_when_the_external_system_is_down_the_officer_is_told_and_the_api_answers_503(client):
    application = submitted()
    officer = staff_user("applications.view_application", calls=[application.call])
    client.force_login(officer)
    with override_settings(
        PROTOCOL_REGISTER_ADAPTER="grants.applications.protocol.registers.HttpRegister",
        PROTOCOL_REGISTER_URL="http://127.0.0.1:9/protocollo",
        PROTOCOL_REGISTER_TIMEOUT=2,
    ):
        page = client.get(
            reverse(
                "applications:officer_application_segnatura", args=[application.call.code, application.pk]
            ),
            follow=True,
        )
        api = client.get(f"{API}/applications/{application.pk}/segnatura.xml")
    assert page.status_code == 200 and "non risponde" in page.content.decode()
    assert api.status_code == 503 and api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "protocol_unavailable"
    assert not ProtocolRegistration.objects.filter(application=application).exists()


@pytest.fixture
def aoo_seal(tmp_path, settings):
    """The AOO's seal: an EC key and its certificate from the test PKI, as PEM files."""
    from cryptography.hazmat.primitives import serialization

    from grants.applications.protocol import seal
    from grants.core.tests import pki

    identity = pki.make_signer(pki.make_ca())
    key_file, cert_file = tmp_path / "sigillo.key", tmp_path / "sigillo.pem"
    key_file.write_bytes(
        identity.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(identity.pem)
    settings.PROTOCOL_SEAL_KEY_FILE, settings.PROTOCOL_SEAL_CERT_FILE = str(key_file), str(cert_file)
    seal._material.cache_clear()
    yield identity
    seal._material.cache_clear()


def test_with_the_aoo_seal_the_segnatura_carries_a_xades_signature_valid_in_full(aoo_seal):
    from signxml.exceptions import InvalidDigest, InvalidSignature
    from signxml.xades import XAdESVerifier

    from grants.applications.protocol.seal import sealed

    xml = sealed(to_xml(a_segnatura()))
    assert validation_errors(xml, require_signature=True) == []  # the official schema, signature included
    root = etree.fromstring(xml)
    assert root[-1].tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    assert b"xades:SigningCertificateV2" in xml and b"xades:SigningTime" in xml
    XAdESVerifier().verify(xml, x509_cert=aoo_seal.pem.decode(), expect_references=3)
    tampered = xml.replace(b"Cooperativa Alfa", b"Cooperativa Beta")
    with pytest.raises((InvalidDigest, InvalidSignature)):
        XAdESVerifier().verify(tampered, x509_cert=aoo_seal.pem.decode(), expect_references=3)


def test_without_a_seal_the_segnatura_is_unsigned_and_only_that_is_excused():
    xml = to_xml(a_segnatura())
    from grants.applications.protocol.seal import sealed

    assert sealed(xml) == xml
    assert validation_errors(xml) == [] and validation_errors(xml, require_signature=True) != []


@pytest.mark.django_db
def test_the_officer_downloads_a_sealed_segnatura(aoo_seal, client):
    application = submitted()
    client.force_login(staff_user("applications.view_application", calls=[application.call]))
    response = client.get(f"{API}/applications/{application.pk}/segnatura.xml")
    assert response.status_code == 200
    assert validation_errors(response.content, require_signature=True) == []

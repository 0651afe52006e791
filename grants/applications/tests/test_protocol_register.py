"""The segnatura di protocollo (AgID, Allegato 6) of a submitted application: the XML validates against the
schema shipped in the repository (grants/applications/protocol/segnatura.xsd, our own rendering of the
guideline's structure), the register behind it is pluggable (every adapter passes the same contract), and the
officer downloads it from the application's page and the API."""

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
    not_sha256 = dataclasses.replace(good, documento=dataclasses.replace(good.documento, sha256_hex="abcd"))
    for wrong in (short_number, bad_fiscal_code, not_sha256):
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
    sender = "s:Intestazione/s:Origine/s:Mittente/s:PersonaGiuridica/s:"
    assert text(sender + "Denominazione") == application.applicant.name
    assert text(sender + "CodiceFiscale") == application.applicant.fiscal_code
    assert application.title in text("s:Intestazione/s:Oggetto")
    impronta = root.find("s:Descrizione/s:Documento/s:Impronta", namespaces=NS)
    assert impronta.get("algoritmo") == "SHA-256"
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

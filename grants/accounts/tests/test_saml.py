"""SPID/CIE sign-in end to end against a test identity provider running in the suite (tests/idp.py)."""

from urllib.parse import urlsplit
from xml.etree import ElementTree as etree

import pytest
from django.urls import reverse

from grants.accounts import mfa
from grants.accounts.models import User
from grants.accounts.saml_backend import fiscal_code_from_fiscal_number
from grants.accounts.saml_config import SPID_L1, SPID_L2

from .idp import TestIdentityProvider

# Valid codici fiscali (check character included).
MARIO = "RSSMRA80A01H501U"
GIULIA = "VRDGLI85M41L219G"

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SPID = "https://spid.gov.it/saml-extensions"


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory):
    return TestIdentityProvider(tmp_path_factory.mktemp("idp"))


@pytest.fixture
def idp(identity_provider, settings):
    settings.SAML_IDP_METADATA = [str(identity_provider.metadata_path)]
    return identity_provider


def identity(fiscal_code=MARIO, email="mario.rossi@example.org", name="Mario", family_name="Rossi"):
    return {"fiscalNumber": f"TINIT-{fiscal_code}", "name": name, "familyName": family_name, "email": email}


def start_login(client, idp, next_url="/organizzazioni/"):
    response = client.get(reverse("saml2_login"), {"next": next_url})
    assert response.status_code == 302, response.content[:500]
    return idp.receive(response["Location"])


def post_response(client, request, saml_response):
    acs_path = urlsplit(request.message.assertion_consumer_service_url).path
    return client.post(acs_path, {"SAMLResponse": saml_response, "RelayState": request.relay_state})


def test_fiscal_number_is_stripped_of_its_prefix_and_upper_cased():
    assert fiscal_code_from_fiscal_number(f"TINIT-{MARIO.lower()}") == MARIO
    assert fiscal_code_from_fiscal_number(MARIO) == MARIO
    assert fiscal_code_from_fiscal_number("TINIT-RSSMRA80A01H501X") is None  # wrong check character
    assert fiscal_code_from_fiscal_number("") is None


@pytest.mark.django_db
def test_metadata_is_signed_and_requests_the_spid_attributes(client):
    response = client.get("/saml2/metadata/")

    assert response.status_code == 200
    root = etree.fromstring(response.content)  # noqa: S314
    assert root.get("entityID") == "http://127.0.0.1:8000/saml2/metadata/"
    assert root.find(f"{{{DS}}}Signature") is not None
    sp = root.find(f"{{{MD}}}SPSSODescriptor")
    assert sp.get("AuthnRequestsSigned") == "true"
    assert sp.get("WantAssertionsSigned") == "true"
    service = sp.find(f"{{{MD}}}AttributeConsumingService")
    requested = {attr.get("Name") for attr in service.findall(f"{{{MD}}}RequestedAttribute")}
    assert requested == {"fiscalNumber", "name", "familyName", "email"}
    acs = sp.find(f"{{{MD}}}AssertionConsumerService")
    assert acs.get("Location") == "http://127.0.0.1:8000/saml2/acs/"


@pytest.mark.django_db
def test_metadata_has_one_default_assertion_consumer_service_with_index_0(client):
    root = etree.fromstring(client.get("/saml2/metadata/").content)  # noqa: S314

    services = root.findall(f"{{{MD}}}SPSSODescriptor/{{{MD}}}AssertionConsumerService")
    defaults = [acs for acs in services if acs.get("isDefault") == "true"]
    assert [(acs.get("index"), acs.get("Binding")) for acs in defaults] == [
        ("0", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
    ]


@pytest.mark.django_db
def test_metadata_names_the_public_administration_in_a_contact_of_type_other(client, settings):
    settings.SAML_IPA_CODE = "r_piemon"
    settings.SAML_CONTACT_EMAIL = "spid@regione.piemonte.example"
    settings.SAML_CONTACT_PHONE = "+390114321"

    root = etree.fromstring(client.get("/saml2/metadata/").content)  # noqa: S314

    others = [c for c in root.findall(f"{{{MD}}}ContactPerson") if c.get("contactType") == "other"]
    assert len(others) == 1
    contact = others[0]
    extensions = contact.find(f"{{{MD}}}Extensions")
    assert extensions.find(f"{{{SPID}}}IPACode").text == "r_piemon"
    public = extensions.find(f"{{{SPID}}}Public")
    assert public is not None and not public.text
    assert extensions.find(f"{{{SPID}}}Private") is None
    assert contact.find(f"{{{MD}}}EmailAddress").text == "spid@regione.piemonte.example"
    assert contact.find(f"{{{MD}}}TelephoneNumber").text == "+390114321"
    # Elements in the order of the metadata schema: Extensions before EmailAddress and TelephoneNumber.
    assert [child.tag.split("}")[1] for child in contact] == ["Extensions", "EmailAddress", "TelephoneNumber"]


@pytest.mark.django_db
def test_spid_extensions_are_covered_by_the_metadata_signature(settings):
    from saml2.sigver import SignatureError, security_context

    from grants.accounts.saml_config import load_sp_config
    from grants.accounts.saml_views import signed_metadata_xml

    settings.SAML_IPA_CODE = "r_piemon"
    conf = load_sp_config()
    xml = signed_metadata_xml(conf)
    with pytest.raises(SignatureError):
        security_context(conf).verify_signature(
            xml.replace("r_piemon", "c_l219", 1),
            cert_file=settings.SAML_CERT_FILE,
            node_name=f"{MD}:EntityDescriptor",
        )


@pytest.mark.django_db
def test_metadata_signature_verifies_with_the_sp_certificate(tmp_path, settings):
    """The IdP-side pysaml2 loads our metadata only through xmlsec; a tampered copy is refused."""
    from saml2.sigver import SignatureError, security_context

    from grants.accounts.saml_config import load_sp_config
    from grants.accounts.saml_views import signed_metadata_xml

    conf = load_sp_config()
    xml = signed_metadata_xml(conf)
    context = security_context(conf)

    assert context.verify_signature(
        xml, cert_file=settings.SAML_CERT_FILE, node_name=f"{MD}:EntityDescriptor"
    )
    tampered = xml.replace("fiscalNumber", "spidCode", 1)
    with pytest.raises(SignatureError):
        context.verify_signature(
            tampered, cert_file=settings.SAML_CERT_FILE, node_name=f"{MD}:EntityDescriptor"
        )


@pytest.mark.django_db
def test_login_request_is_signed_and_asks_for_spid_level_2(client, idp):
    request = start_login(client, idp)

    assert request.authn_context_class_refs == [SPID_L2]
    assert request.message.requested_authn_context.comparison == "minimum"
    assert request.message.force_authn == "true"
    assert request.message.attribute_consuming_service_index == "1"
    assert request.message.issuer.text == "http://127.0.0.1:8000/saml2/metadata/"
    assert request.message.issuer.name_qualifier == "http://127.0.0.1:8000/saml2/metadata/"
    assert request.relay_state == "/organizzazioni/"


@pytest.mark.django_db
def test_new_person_is_created_from_the_fiscal_number_and_signed_in(client, idp):
    request = start_login(client, idp)

    response = post_response(client, request, idp.respond(request, identity()))

    assert response.status_code == 302
    assert response["Location"] == "/organizzazioni/"
    user = User.objects.get(fiscal_code=MARIO)
    assert (user.email, user.first_name, user.last_name) == ("mario.rossi@example.org", "Mario", "Rossi")
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_existing_person_is_matched_by_fiscal_code_not_by_email(client, idp):
    existing = User.objects.create_user(email="m.rossi@coop.example", fiscal_code=MARIO, first_name="M.")

    request = start_login(client, idp)
    response = post_response(client, request, idp.respond(request, identity(email="altra@example.org")))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(existing.pk)
    existing.refresh_from_db()
    assert existing.email == "m.rossi@coop.example"  # the account's e-mail is not rewritten
    assert existing.first_name == "Mario"  # the name comes from the identity provider
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_email_of_an_account_without_fiscal_code_is_not_merged_silently(client, idp):
    User.objects.create_user(email="mario.rossi@example.org", password="una-password-lunga-2026")

    request = start_login(client, idp)
    response = post_response(client, request, idp.respond(request, identity()))

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert "non vengono uniti automaticamente" in response.content.decode()
    assert not User.objects.filter(fiscal_code=MARIO).exists()


@pytest.mark.django_db
def test_email_of_another_fiscal_code_is_refused(client, idp):
    User.objects.create_user(email="mario.rossi@example.org", fiscal_code=GIULIA)

    request = start_login(client, idp)
    response = post_response(client, request, idp.respond(request, identity()))

    assert response.status_code == 403
    assert "altro codice fiscale" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_level_1_assertion_is_refused(client, idp):
    request = start_login(client, idp)

    response = post_response(client, request, idp.respond(request, identity(), level=SPID_L1))

    assert response.status_code == 400
    assert "livello 2" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_response_not_requested_by_this_browser_is_refused(client, idp):
    request = start_login(client, idp)
    saml_response = idp.respond(request, identity())
    client.cookies.clear()  # another browser: no pending request in its SAML session

    response = post_response(client, request, saml_response)

    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.django_db
def test_staff_signing_in_with_spid_level_2_have_passed_two_factors(client, idp, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    User.objects.create_user(email="funzionaria@regione.example", fiscal_code=GIULIA, is_staff=True)

    request = start_login(client, idp, next_url="/backoffice/")
    response = post_response(client, request, idp.respond(request, identity(GIULIA, "g@example.org")))
    assert response["Location"] == "/backoffice/"

    assert client.get("/backoffice/").status_code == 200
    assert client.session[mfa.SESSION_KEY]["method"] == "spid"


@pytest.mark.django_db
def test_login_without_configured_identity_providers_explains_it(client, settings):
    settings.SAML_IDP_METADATA = []

    response = client.get(reverse("saml2_login"))

    assert response.status_code == 503
    assert "non è ancora configurato" in response.content.decode()


@pytest.mark.django_db
def test_metadata_follows_the_saml_schema_and_spid_technical_rules(client):
    """Offline checks like those of spid-sp-test: XSD validity, SHA-256 signature, SPID elements present."""
    from importlib.resources import files

    import saml2.data.schemas
    from saml2.xml.schema import _create_xml_schema_validator, validate

    xml = client.get("/saml2/metadata/").content.decode()
    metadata_xsd = str(files(saml2.data.schemas).joinpath("saml-schema-metadata-2.0.xsd"))
    validate(xml, _create_xml_schema_validator(source=metadata_xsd))  # raises XMLSchemaError if invalid

    root = etree.fromstring(xml)  # noqa: S314
    signature = root.find(f"{{{DS}}}Signature")
    assert signature.find(f".//{{{DS}}}SignatureMethod").get("Algorithm").endswith("rsa-sha256")
    assert signature.find(f".//{{{DS}}}DigestMethod").get("Algorithm").endswith("sha256")
    sp = root.find(f"{{{MD}}}SPSSODescriptor")
    assert sp.find(f"{{{MD}}}KeyDescriptor").get("use") == "signing"
    assert sp.find(f"{{{MD}}}SingleLogoutService") is not None
    assert sp.find(f"{{{MD}}}NameIDFormat").text == "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    requested = sp.find(f"{{{MD}}}AttributeConsumingService").findall(f"{{{MD}}}RequestedAttribute")
    assert {attr.get("NameFormat") for attr in requested} == {
        "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
    }
    assert root.find(f"{{{MD}}}Organization") is not None
    assert root.find(f"{{{MD}}}ContactPerson") is not None

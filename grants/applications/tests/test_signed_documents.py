"""Documents the call wants signed: the signature is verified at upload and must be the organisation's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants.applications import services
from grants.core.signatures import P7M
from grants.core.tests import pki
from grants.programme.tests.factories import RequiredDocumentFactory
from grants.registry.tests.factories import MembershipFactory, UserFactory

from .factories import open_call, ready_application

DELEGATE_CF = "VRDGLI85M41L219G"
DECLARATION = pki.simple_pdf("Dichiarazione sostitutiva del legale rappresentante")

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ca():
    return pki.make_ca()


@pytest.fixture(scope="module")
def representative(ca):
    return pki.make_signer(ca)  # TINIT-RSSMRA85T10A562S


@pytest.fixture
def world(settings, tmp_path, ca):
    settings.MEDIA_ROOT = tmp_path / "media"
    roots = tmp_path / "roots"
    roots.mkdir()
    settings.SIGNATURE_TRUST_ROOTS = pki.write_trust_roots(roots, ca)
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="dichiarazione", requires_signature=True)
    application = ready_application(call=call)
    organisation = application.applicant
    organisation.legal_representative_fiscal_code = pki.SIGNER_CF
    organisation.save()
    return application, required


def attach(application, required, content, name="dichiarazione.pdf"):
    return services.attach_document(
        actor=application.created_by,
        application=application,
        required_document=required,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


def refusal(application, required, content, name="dichiarazione.pdf"):
    with pytest.raises(services.ApplicationError) as caught:
        attach(application, required, content, name)
    assert not application.documents.exists()  # nothing stored
    return caught.value


def test_a_pdf_signed_by_the_legal_representative_is_attached_with_its_signer(world, ca, representative):
    application, required = world

    document = attach(application, required, pki.pades(DECLARATION, representative, ca))

    assert (document.signature_format, document.signer_fiscal_code) == ("PAdES", pki.SIGNER_CF)
    assert document.signer_name == "Mario Rossi"
    assert abs(document.signed_at - timezone.now()).total_seconds() < 300


def test_a_p7m_signed_by_the_legal_representative_is_attached(world, ca, representative):
    application, required = world

    p7m = pki.cades(DECLARATION, representative, ca)

    document = attach(application, required, p7m, "dichiarazione.pdf.p7m")

    assert document.content_type == P7M
    assert (document.signature_format, document.signer_fiscal_code) == ("CAdES", pki.SIGNER_CF)


def test_an_active_delegate_may_sign_a_revoked_one_may_not(world, ca):
    application, required = world
    delegate = UserFactory(fiscal_code=DELEGATE_CF)
    membership = MembershipFactory(user=delegate, organisation=application.applicant)
    signed = pki.pades(DECLARATION, pki.make_signer(ca, fiscal_code=DELEGATE_CF, given_name="Giulia"), ca)

    assert attach(application, required, signed).signer_fiscal_code == DELEGATE_CF

    application.documents.all().delete()
    membership.revoked_at = timezone.now()
    membership.save()
    assert refusal(application, required, signed).code == "signature_signer_not_authorised"


def test_a_signature_of_someone_else_is_refused_naming_the_signer(world, ca):
    application, required = world
    stranger = pki.make_signer(ca, fiscal_code=DELEGATE_CF, given_name="Giulia", surname="Verdi")

    error = refusal(application, required, pki.cades(DECLARATION, stranger, ca))

    assert error.code == "signature_signer_not_authorised"
    assert "Giulia Verdi (codice fiscale VRDGLI85M41L219G)" in str(error)
    assert "legale rappresentante" in str(error)


def test_a_tampered_an_unsigned_and_an_untrusted_document_are_refused(world, ca, representative):
    application, required = world
    signed = pki.pades(DECLARATION, representative, ca)

    changed = signed.replace(b"legale rappresentante", b"legale rappresentantE")
    tampered = refusal(application, required, changed)
    assert tampered.code == "signature_tampered"
    assert str(tampered).startswith("Firma digitale non valida: ")
    assert refusal(application, required, DECLARATION).code == "signature_missing"
    other_ca = pki.make_ca("CA sconosciuta")
    untrusted = pki.pades(DECLARATION, pki.make_signer(other_ca), other_ca)
    assert refusal(application, required, untrusted).code == "signature_untrusted"


def test_a_p7m_wrapping_an_executable_is_refused(world, ca, representative):
    application, required = world

    p7m = pki.cades(b"MZ\x90\x00 programma", representative, ca)

    error = refusal(application, required, p7m, "a.pdf.p7m")

    assert error.code == "document_type"
    assert "file firmato .p7m" in str(error)


def test_documents_not_required_signed_keep_refusing_p7m(world, ca, representative):
    application, _ = world
    plain = RequiredDocumentFactory(call=application.call, code="curriculum")

    error = refusal(application, plain, pki.cades(DECLARATION, representative, ca), "cv.pdf.p7m")

    assert error.code == "document_type"

"""Signed documents verified against a test CA: CAdES (.p7m, DER and base64) and PAdES, and every refusal."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.core import signatures
from grants.core.uploads import PDF, UploadRefused, check_upload

from . import pki

DECLARATION = pki.simple_pdf("Dichiarazione sostitutiva di atto notorio")
LIMIT = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def ca():
    return pki.make_ca()


@pytest.fixture(scope="module")
def signer(ca):
    return pki.make_signer(ca)


@pytest.fixture(scope="module")
def roots(ca):
    return [ca.asn1]


def test_a_p7m_is_verified_and_its_document_extracted(ca, signer, roots):
    check = signatures.verify_signed_document(pki.cades(DECLARATION, signer, ca), roots=roots)

    assert check.valid, check.reason
    assert check.format == "CAdES"
    assert check.fiscal_code == pki.SIGNER_CF
    assert check.signer_name == "Mario Rossi"
    assert abs(check.signing_time - datetime.now(UTC)) < timedelta(minutes=5)
    assert check.content == DECLARATION
    assert "RSSMRA85T10A562S" in check.summary


def test_a_base64_p7m_is_read_as_well(ca, signer, roots):
    check = signatures.verify_signed_document(
        pki.cades(DECLARATION, signer, ca, encoding="base64"), roots=roots
    )

    assert check.valid, check.reason
    assert check.content == DECLARATION


def test_a_p7m_signed_twice_is_unwrapped_to_the_document(ca, signer, roots):
    second = pki.make_signer(ca, fiscal_code="VRDGLI85M41L219G", given_name="Giulia", surname="Verdi")
    twice = pki.cades(pki.cades(DECLARATION, signer, ca), second, ca)

    check = signatures.verify_signed_document(twice, roots=roots)

    assert check.valid, check.reason
    assert check.fiscal_code == "VRDGLI85M41L219G"
    assert check.content == DECLARATION


def test_a_p7m_whose_document_was_changed_is_refused(ca, signer, roots):
    p7m = pki.cades(DECLARATION, signer, ca)
    tampered = p7m.replace(b"atto notorio", b"atto notorIO", 1)
    assert tampered != p7m

    check = signatures.verify_signed_document(tampered, roots=roots)

    assert not check.valid
    assert check.code == "signature_tampered"
    assert "modificato dopo la firma" in check.reason


def test_a_certificate_expired_before_the_signature_is_refused(ca, roots):
    now = datetime.now(UTC)
    expired = pki.make_signer(ca, not_before=now - timedelta(days=400), not_after=now - timedelta(days=10))

    for signed in (pki.cades(DECLARATION, expired, ca), pki.pades(DECLARATION, expired, ca)):
        check = signatures.verify_signed_document(signed, roots=roots)

        assert not check.valid
        assert check.code == "signature_expired"
        assert "scaduto" in check.reason
        assert (now - timedelta(days=10)).strftime("%d/%m/%Y") in check.reason


def test_a_certificate_of_an_unknown_ca_is_refused(ca, signer):
    elsewhere = pki.make_ca("Altra CA non riconosciuta")

    for signed in (pki.cades(DECLARATION, signer, ca), pki.pades(DECLARATION, signer, ca)):
        check = signatures.verify_signed_document(signed, roots=[elsewhere.asn1])

        assert not check.valid
        assert check.code == "signature_untrusted"
        assert "autorità di certificazione riconosciuta" in check.reason


def test_a_ca_with_the_same_name_but_another_key_is_not_trusted(ca, signer):
    impostor = pki.make_ca(ca.certificate.subject.rfc4514_string().split("CN=")[1].split(",")[0])

    check = signatures.verify_signed_document(pki.cades(DECLARATION, signer, ca), roots=[impostor.asn1])

    assert check.code == "signature_untrusted"


def test_without_trust_roots_nothing_is_called_valid(ca, signer, settings):
    settings.SIGNATURE_TRUST_ROOTS = ""

    check = signatures.verify_signed_document(pki.cades(DECLARATION, signer, ca))

    assert not check.valid
    assert check.code == "signature_no_trust_roots"


def test_trust_roots_are_read_from_the_configured_directory(ca, signer, settings, tmp_path):
    (tmp_path / "LEGGIMI.txt").write_text("not a certificate")
    (tmp_path / "rotto.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    settings.SIGNATURE_TRUST_ROOTS = pki.write_trust_roots(tmp_path, pki.make_ca("Altra"), ca)

    assert len(signatures.trust_roots()) == 2
    assert signatures.verify_signed_document(pki.pades(DECLARATION, signer, ca)).valid


def test_a_signed_pdf_is_verified(ca, signer, roots):
    check = signatures.verify_signed_document(pki.pades(DECLARATION, signer, ca), roots=roots)

    assert check.valid, check.reason
    assert check.format == "PAdES"
    assert (check.fiscal_code, check.signer_name) == (pki.SIGNER_CF, "Mario Rossi")
    assert check.signing_time is not None


def test_a_signed_pdf_changed_afterwards_is_refused(ca, signer, roots):
    signed = pki.pades(DECLARATION, signer, ca)
    tampered = signed.replace(b"atto notorio", b"atto notorIO", 1)
    assert tampered != signed

    check = signatures.verify_signed_document(tampered, roots=roots)

    assert not check.valid
    assert check.code == "signature_tampered"
    assert "modificato" in check.reason


def test_an_unsigned_pdf_or_other_file_has_no_signature(roots):
    assert signatures.verify_signed_document(DECLARATION, roots=roots).code == "signature_missing"
    assert "non contiene una firma" in signatures.verify_signed_document(DECLARATION, roots=roots).reason
    assert signatures.verify_signed_document(b"MZ\x90\x00", roots=roots).code == "signature_missing"
    assert not signatures.has_pdf_signature(DECLARATION)


def test_the_fiscal_code_is_read_only_from_a_tinit_serial_number(ca):
    assert signatures.fiscal_code_of(pki.make_signer(ca).asn1) == pki.SIGNER_CF
    assert signatures.fiscal_code_of(pki.make_signer(ca, fiscal_code="12345").asn1) == ""
    assert signatures.fiscal_code_of(ca.asn1) == ""


# --- the upload check judges the document inside a .p7m by its content ------------------------------------


def upload(content: bytes, name="dichiarazione.pdf.p7m"):
    return SimpleUploadedFile(name, content, content_type="application/pkcs7-mime")


def test_a_p7m_carrying_a_pdf_is_accepted_where_signed_documents_are(ca, signer):
    p7m = pki.cades(DECLARATION, signer, ca)

    assert (
        check_upload(upload(p7m), allowed_types=[PDF], max_bytes=LIMIT, allow_signed=True) == signatures.P7M
    )
    with pytest.raises(UploadRefused):  # elsewhere a .p7m is not a PDF
        check_upload(upload(p7m), allowed_types=[PDF], max_bytes=LIMIT)


def test_a_p7m_wrapping_an_executable_is_refused(ca, signer):
    p7m = pki.cades(b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode", signer, ca)

    with pytest.raises(UploadRefused) as refusal:
        check_upload(upload(p7m), allowed_types=[PDF], max_bytes=LIMIT, allow_signed=True)

    assert refusal.value.code == "document_type"
    assert str(refusal.value).startswith("Documento contenuto nel file firmato .p7m: Formato non ammesso")


def test_a_p7m_wrapping_a_pdf_with_scripts_is_refused(ca, signer):
    active = DECLARATION.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /JS (app.alert(1)) >>", 1)

    with pytest.raises(UploadRefused) as refusal:
        check_upload(
            upload(pki.cades(active, signer, ca)), allowed_types=[PDF], max_bytes=LIMIT, allow_signed=True
        )

    assert refusal.value.code == "document_active_content"


def test_a_signed_pdf_passes_the_upload_check_as_a_pdf(ca, signer):
    signed = pki.pades(DECLARATION, signer, ca)

    assert (
        check_upload(upload(signed, "atto.pdf"), allowed_types=[PDF], max_bytes=LIMIT, allow_signed=True)
        == PDF
    )


# --- revocation (SIGNATURE_CRLS) ----------------------------------------------------------------------------
def _crls(settings, tmp_path, content: bytes) -> None:
    directory = tmp_path / "crls"
    directory.mkdir()
    (directory / "ca.crl").write_bytes(content)
    (directory / "broken.crl").write_bytes(b"not a list")  # skipped, never an error
    settings.SIGNATURE_CRLS = str(directory)


@pytest.mark.parametrize(
    "make", [pki.cades, lambda doc, s, ca: pki.pades(doc, s, ca)], ids=["CAdES", "PAdES"]
)
def test_a_certificate_revoked_before_the_signature_is_refused(ca, roots, settings, tmp_path, make):
    revoked = pki.make_signer(ca)
    _crls(settings, tmp_path, pki.revocation_list(ca, revoked))
    check = signatures.verify_signed_document(make(DECLARATION, revoked, ca), roots=roots)
    assert not check.valid and check.code == "signature_revoked", check
    assert "revocato" in check.reason


def test_a_list_that_does_not_name_the_signer_leaves_the_signature_valid(
    ca, signer, roots, settings, tmp_path
):
    _crls(settings, tmp_path, pki.revocation_list(ca, pki.make_signer(ca)))
    check = signatures.verify_signed_document(pki.cades(DECLARATION, signer, ca), roots=roots)
    assert check.valid, check.reason
    assert len(signatures.revocation_lists()) == 1

"""A call may want the grant agreement digitally signed by the beneficiary: verified at upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.core.signatures import P7M
from grants.core.tests import pki
from grants.projects import services
from grants.projects.models import CallProjectRules
from grants.projects.services import ProjectError
from grants.projects.states import ProjectStatus

from .factories import ProjectFactory, signed_pdf

pytestmark = pytest.mark.django_db

AGREEMENT = pki.simple_pdf("Atto di adesione e obbligo")


@pytest.fixture(scope="module")
def ca():
    return pki.make_ca()


@pytest.fixture
def project(settings, tmp_path, ca):
    settings.MEDIA_ROOT = tmp_path / "media"
    roots = tmp_path / "roots"
    roots.mkdir()
    settings.SIGNATURE_TRUST_ROOTS = pki.write_trust_roots(roots, ca)
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    CallProjectRules.objects.update_or_create(
        call=project.call, defaults={"agreement_requires_signature": True}
    )
    project.beneficiary.legal_representative_fiscal_code = pki.SIGNER_CF
    project.beneficiary.save()
    return project


def upload(project, content, name="atto.pdf"):
    return services.upload_signed_agreement(
        actor=project.application.created_by,
        project=project,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


def test_a_p7m_signed_by_the_legal_representative_accepts_the_grant(project, ca, client):
    accepted = upload(project, pki.cades(AGREEMENT, pki.make_signer(ca), ca), "atto.pdf.p7m")

    assert accepted.accepted_at is not None
    assert (accepted.signed_agreement_signature_format, accepted.signed_agreement_signer_fiscal_code) == (
        "CAdES",
        pki.SIGNER_CF,
    )
    client.force_login(project.application.created_by)
    response = client.get(reverse("projects:signed_agreement", args=[project.pk]))
    assert response["Content-Type"] == P7M


def test_an_unsigned_a_tampered_or_a_strangers_agreement_is_refused(project, ca):
    signed = pki.pades(AGREEMENT, pki.make_signer(ca), ca)
    stranger = pki.pades(AGREEMENT, pki.make_signer(ca, fiscal_code="VRDGLI85M41L219G"), ca)
    cases = {
        "signature_missing": AGREEMENT,
        "signature_tampered": signed.replace(b"obbligo", b"obblighi", 1),
        "signature_signer_not_authorised": stranger,
    }
    for code, content in cases.items():
        with pytest.raises(ProjectError) as caught:
            upload(project, content)
        assert caught.value.errors[0]["code"] == code, caught.value.errors
        assert caught.value.errors[0]["field"] == "file"
        project.refresh_from_db()
        assert not project.signed_agreement and project.accepted_at is None  # nothing stored


def test_without_the_rule_any_clean_pdf_is_accepted_as_before(project):
    CallProjectRules.objects.filter(call=project.call).update(agreement_requires_signature=False)

    accepted = upload(project, signed_pdf().read())

    assert accepted.accepted_at is not None and accepted.signed_agreement_signature_format == ""

"""Answers to an integration request carry documents (#17), and, when the officer asks for them, documents
signed digitally by the applicant's legal representative or an active delegate (#18): verified at the
answer, refused with the reason, nothing stored; the officer downloads them; the API takes multipart."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.applications.states import ApplicationStatus
from grants.core.tests import pki
from grants.evaluation import services
from grants.evaluation.models import IntegrationStatus

from .factories import officer, scored_call, submitted

pytestmark = pytest.mark.django_db
DECLARATION = pki.simple_pdf("Dichiarazione integrativa del legale rappresentante")


@pytest.fixture(scope="module")
def ca():
    return pki.make_ca()


@pytest.fixture(scope="module")
def representative(ca):
    return pki.make_signer(ca)  # TINIT-RSSMRA85T10A562S


@pytest.fixture(scope="module")
def stranger(ca):
    return pki.make_signer(ca, fiscal_code="BNCLRA80A41L219V", given_name="Laura", surname="Bianchi")


@pytest.fixture
def application(settings, tmp_path, ca):
    settings.MEDIA_ROOT = tmp_path / "media"
    roots = tmp_path / "roots"
    roots.mkdir()
    settings.SIGNATURE_TRUST_ROOTS = pki.write_trust_roots(roots, ca)
    application = submitted(call=scored_call())
    organisation = application.applicant
    organisation.legal_representative_fiscal_code = pki.SIGNER_CF
    organisation.save()
    return application


def ask(application, *, signed: bool):
    return services.request_integration(
        actor=officer(),
        application=application,
        items=["Dichiarazione sul partenariato"],
        signature_required=signed,
    )


def upload(content: bytes, name: str = "dichiarazione.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def answer(request, content=None, name="dichiarazione.pdf"):
    item = request.items.get()
    return services.answer_integration(
        actor=request.application.created_by,
        request=request,
        responses={item.pk: "Allegata."},
        documents={item.pk: upload(content, name)} if content is not None else None,
    )


def test_a_plain_pdf_answers_an_ordinary_request(application):
    request = ask(application, signed=False)
    answer(request, pki.simple_pdf("Statuto"), "statuto.pdf")
    item = request.items.get()
    assert item.original_name == "statuto.pdf" and item.document and not item.signer_fiscal_code
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_signed_answer_is_verified_and_its_signer_kept(application, ca, representative):
    request = ask(application, signed=True)
    answer(request, pki.cades(DECLARATION, representative, ca), "dichiarazione.pdf.p7m")
    item = request.items.get()
    assert (item.signature_format, item.signer_fiscal_code) == ("CAdES", pki.SIGNER_CF)
    request.refresh_from_db()
    assert request.status == IntegrationStatus.ANSWERED


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda ca, rep, other: None, "signed_document_required"),
        (lambda ca, rep, other: pki.simple_pdf("Non firmata"), "signature_missing"),
        (lambda ca, rep, other: pki.pades(DECLARATION, other, ca), "signature_signer_not_authorised"),
        (lambda ca, rep, other: b"MZ\x90\x00 eseguibile", "document_type"),
    ],
    ids=["missing", "unsigned", "not-the-representative", "not-a-pdf"],
)
def test_a_signed_request_refuses_what_is_not_signed_by_the_applicant(
    application, ca, representative, stranger, make, code
):
    request = ask(application, signed=True)
    with pytest.raises(services.EvaluationError) as refused:
        answer(request, make(ca, representative, stranger))
    item = request.items.get()
    errors = refused.value.errors
    assert [e["field"] for e in errors] == [f"documents.{item.pk}"]
    assert errors[0]["code"] == code, errors
    item.refresh_from_db()
    request.refresh_from_db()
    assert not item.document and not item.response and request.status == IntegrationStatus.OPEN


def test_the_applicant_answers_on_the_page_keeps_what_was_typed_and_the_officer_downloads(
    client, application, ca, representative
):
    request = ask(application, signed=True)
    item = request.items.get()
    url = reverse("evaluation:integration_answer", args=[request.pk])
    client.force_login(application.created_by)
    page = client.get(url).content.decode()
    assert 'data-testid="signature-required"' in page and f'name="document-{item.pk}"' in page

    refused = client.post(url, {f"item-{item.pk}": "Testo scritto con cura"})
    assert refused.status_code == 422
    html = refused.content.decode()
    assert "Testo scritto con cura" in html and f'id="document-{item.pk}-error"' in html

    signed = upload(pki.pades(DECLARATION, representative, ca))
    done = client.post(url, {f"item-{item.pk}": "Testo", f"document-{item.pk}": signed})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.signer_fiscal_code == pki.SIGNER_CF

    download = reverse("evaluation:integration_document", args=[item.pk])
    assert client.get(download).status_code == 200  # the applicant's own
    client.force_login(officer(calls=[application.call]))
    admissibility = client.get(
        reverse("evaluation:admissibility", args=[application.call.code, application.pk])
    )
    assert download in admissibility.content.decode()
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    client.force_login(submitted(call=application.call).created_by)  # another applicant
    assert client.get(download).status_code == 404


def test_the_api_takes_the_answer_with_documents_as_multipart(client, application, ca, representative):
    client.force_login(officer(calls=[application.call]))
    made = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/integration-requests",
        {"items": ["Dichiarazione"], "signature_required": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["signature_required"] is True
    request_id, item_id = made.json()["id"], made.json()["items"][0]["id"]
    url = f"/api/v1/integration-requests/{request_id}/answer-with-documents"

    client.force_login(application.created_by)
    bad = client.post(url, {"responses": "non json"})
    assert bad.status_code == 422 and "responses" in bad.content.decode()
    missing = client.post(url, {"responses": json.dumps({str(item_id): "Allegata"})})
    assert missing.status_code == 422 and f"documents.{item_id}" in missing.content.decode()
    done = client.post(
        url,
        {
            "responses": json.dumps({str(item_id): "Allegata"}),
            f"document-{item_id}": upload(pki.pades(DECLARATION, representative, ca)),
        },
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "answered" and body["items"][0]["signer_fiscal_code"] == pki.SIGNER_CF

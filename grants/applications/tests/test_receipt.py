"""The PDF receipt: rendered by WeasyPrint from what was sent, read back with pypdf."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from grants.applications import services
from grants.applications.receipt import ReceiptNotAvailable, receipt_filename, render_receipt_pdf
from grants.applications.services import PartnerInput
from grants.core.timeutils import in_rome
from grants.core.vocabulary import LegalForm

from .factories import ready_application

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def submitted(**kwargs):
    application = ready_application(**kwargs)
    services.set_partners(
        actor=application.created_by,
        application=application,
        partners=[PartnerInput(name="Comune di Prova", legal_form=LegalForm.PUBLIC_BODY, share_percent=25)],
    )
    application.call.requires_partner_confirmation = False
    application.call.save(update_fields=["requires_partner_confirmation"])
    result = services.submit(
        actor=application.created_by,
        application=application,
        idempotency_key="ricevuta",
        declarations_accepted=True,
    )
    return result.application


def test_the_receipt_carries_protocol_time_call_applicant_partners_budget_and_fingerprint():
    application = submitted(amount=Decimal("50000.00"))
    data = render_receipt_pdf(application)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert application.protocol in text
    moment = in_rome(application.submitted_at)
    assert f"Inviata il {moment:%d/%m/%Y} alle ore {moment:%H:%M:%S} (ora di Roma)" in text
    assert application.call.title in text
    assert application.applicant.name in text
    assert application.applicant.fiscal_code in text
    assert "Comune di Prova" in text and "25 %" in text
    assert "50.000,00 €" in text  # total cost and the real-cost category
    assert application.fingerprint in text.replace(" ", "")


def test_the_receipt_names_documents_by_their_title_and_labels_the_budget_total():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.programme.tests.factories import RequiredDocumentFactory

    application = ready_application(amount=Decimal("50000.00"))
    required = RequiredDocumentFactory(
        call=application.call,
        code="all-b-relazione",
        title="Relazione tecnica del progetto",
        is_mandatory=False,
    )
    services.attach_document(
        actor=application.created_by,
        application=application,
        required_document=required,
        uploaded_file=SimpleUploadedFile(
            "relazione.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
    )
    services.submit(
        actor=application.created_by,
        application=application,
        idempotency_key="titoli",
        declarations_accepted=True,
    )
    application.refresh_from_db()
    text = pdf_text(render_receipt_pdf(application))
    assert "Relazione tecnica del progetto" in text and "all-b-relazione" not in text
    assert "Totale delle voci di spesa 50.000,00 €" in text


def test_the_receipt_prints_what_was_sent_not_later_changes():
    application = submitted()
    application.title = "Titolo cambiato dopo l'invio"  # never saved by a service: a submitted one is frozen
    text = pdf_text(render_receipt_pdf(application))
    assert "Welfare di comunità" in text
    assert "Titolo cambiato" not in text


def test_no_receipt_before_submission():
    application = ready_application()
    with pytest.raises(ReceiptNotAvailable):
        render_receipt_pdf(application)


def test_receipt_filename_uses_the_protocol():
    application = submitted()
    assert (
        receipt_filename(application)
        == f"ricevuta-{application.protocol_year}-{application.protocol_number:07d}.pdf"
    )


def test_api_receipt_only_after_submission(client):
    application = ready_application()
    client.force_login(application.created_by)
    path = f"/api/v1/applications/{application.pk}/receipt.pdf"
    response = client.get(path)
    assert response.status_code == 409
    assert response.json()["code"] == "not_submitted"
    services.submit(
        actor=application.created_by,
        application=application,
        idempotency_key="api",
        declarations_accepted=True,
    )
    application.refresh_from_db()
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert application.protocol in pdf_text(response.content)


def test_api_receipt_of_another_organisation_is_not_found(client):
    from .factories import member_of

    application = submitted()
    stranger, _org = member_of()
    client.force_login(stranger)
    assert client.get(f"/api/v1/applications/{application.pk}/receipt.pdf").status_code == 404

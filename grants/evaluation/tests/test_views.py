"""Pages: the officer's formal check, the evaluator's declaration and score sheet, the ranking approval, the
applicant's answer to an integration request; staff-only pages refuse others."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.applications.states import ApplicationStatus
from grants.core.models import AuditEvent
from grants.core.timeutils import in_rome, now
from grants.evaluation import services
from grants.evaluation.models import AssignmentStatus, RankingStatus
from grants.programme.tests.factories import RequiredDocumentFactory

from .factories import (
    FULL_MARKS,
    close,
    evaluated_call,
    evaluator,
    manager,
    officer,
    panel_with,
    scored_call,
    submitted,
    without_pec,
)

pytestmark = pytest.mark.django_db


def test_staff_pages_refuse_applicants_and_evaluators(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(application.created_by)
    assert client.get(reverse("evaluation:call_overview", args=[call.code])).status_code == 403
    client.force_login(evaluator())
    assert (
        client.get(reverse("evaluation:admissibility", args=[call.code, application.pk])).status_code == 403
    )


def test_officer_marks_an_application_admissible(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(officer())
    overview = client.get(reverse("evaluation:call_overview", args=[call.code]))
    assert application.protocol in overview.content.decode()
    url = reverse("evaluation:admissibility", args=[call.code, application.pk])
    page = client.get(url)
    assert "Nessun problema rilevato" in page.content.decode()
    response = client.post(url, {"outcome": "not_admissible", "reasons": ""}, follow=True)
    assert "Indicare i motivi" in response.content.decode()
    client.post(url, {"outcome": "admissible"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMISSIBLE


def test_officer_requests_integration_and_applicant_answers(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(officer())
    url = reverse("evaluation:integration_request", args=[call.code, application.pk])
    client.post(url, {"items": "Documento d'identità\nVisura camerale", "deadline": ""})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INTEGRATION_REQUESTED
    integration = application.integration_requests.get()
    first, second = integration.items.all()
    # left empty: 10 days, counted from the delivery of the PEC to the organisation (not delivered yet)
    assert (integration.deadline, integration.term_days) == (None, 10)
    officer_page = client.get(reverse("evaluation:admissibility", args=[call.code, application.pk]))
    assert "termine dalla consegna della PEC" in officer_page.content.decode()
    client.force_login(application.created_by)
    answer_url = reverse("evaluation:integration_answer", args=[integration.pk])
    page = client.get(answer_url)
    assert "Visura camerale" in page.content.decode()
    assert "termine dalla consegna della PEC" in page.content.decode()
    detail = client.get(reverse("applications:application_detail", args=[application.pk]))
    assert "termine dalla consegna della PEC" in detail.content.decode()
    client.post(answer_url, {f"item-{first.pk}": "Allegato", f"item-{second.pk}": "Allegata"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.force_login(evaluator())
    assert client.get(answer_url).status_code == 404


def test_evaluator_declares_then_scores(client):
    call = scored_call()
    application = submitted(call=call)
    close(call)
    services.record_admissibility(actor=officer(), application=application, answers={}, outcome="admissible")
    _panel, (user,) = panel_with(call, members=1)
    services.auto_assign(actor=officer(), call=call)
    assignment = application.assignments.get()
    client.force_login(user)
    listed = client.get(reverse("evaluation:my_assignments")).content.decode()
    assert call.title in listed  # the call by its title, not its code (#17)
    url = reverse("evaluation:assignment_detail", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "conflitto di interessi" in page and "Welfare di comunità" not in page  # not seen before declaring
    lead = application.partners.get()
    client.post(reverse("evaluation:assignment_declare", args=[assignment.pk]), {f"party-{lead.pk}": "no"})
    page = client.get(url).content.decode()
    assert "Welfare di comunità" in page
    data = {f"points-{code}": value for code, value in FULL_MARKS.items()}
    data |= {f"justification-{code}": "Motivata" for code in FULL_MARKS}
    client.post(reverse("evaluation:assignment_submit", args=[assignment.pk]), data)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED
    application.refresh_from_db()
    assert application.consolidated.total_score == Decimal("95.00")
    client.force_login(evaluator())
    assert client.get(url).status_code == 404


def test_a_refused_score_sheet_keeps_what_was_typed_next_to_the_application(client, settings, tmp_path):
    """A validation error shows the sheet as typed with the message next to the criterion (#17: it used to
    erase the whole sheet); the evaluator reads the partners, the budget and the documents (downloaded,
    audited; not before the declaration, not by another evaluator) while scoring."""
    settings.MEDIA_ROOT = tmp_path
    call = scored_call()
    report = RequiredDocumentFactory(call=call, code="relazione", title="Relazione", is_mandatory=False)
    content = b"%PDF-1.4\n% relazione\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    application = submitted(
        call=call, partner="Comune di Asti", documents=[(report, "relazione tecnica.pdf", content)]
    )
    document = application.documents.get()
    close(call)
    services.record_admissibility(actor=officer(), application=application, answers={}, outcome="admissible")
    _panel, (user,) = panel_with(call, members=1)
    services.auto_assign(actor=officer(), call=call)
    assignment = application.assignments.get()
    client.force_login(user)
    download = reverse("evaluation:assignment_document", args=[assignment.pk, document.pk])
    assert client.get(download).status_code == 404  # not before the declaration of conflicts
    api_download = f"/api/v1/evaluation/assignments/{assignment.pk}/documents/{document.pk}"
    assert client.get(api_download).status_code == 404  # the API alike
    parties = {p.pk: False for p in application.partners.all()}
    services.declare_conflicts(actor=user, assignment=assignment, conflicts=parties)
    page = client.get(reverse("evaluation:assignment_detail", args=[assignment.pk])).content.decode()
    assert 'data-testid="partners-table"' in page and "Comune di Asti" in page
    assert "Piano finanziario" in page and f'href="{download}"' in page
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert AuditEvent.objects.filter(action="application_document.downloaded", actor=user).count() == 1
    by_api = client.get(api_download)
    assert by_api.status_code == 200 and b"".join(by_api.streaming_content) == content
    assert AuditEvent.objects.filter(action="application_document.downloaded", actor=user).count() == 2
    client.force_login(evaluator())  # another evaluator
    assert client.get(download).status_code == 404
    assert client.get(api_download).status_code == 404
    client.force_login(user)
    data = {f"points-{code}": value for code, value in FULL_MARKS.items()} | {"points-A1": "99"}
    data |= {f"justification-{code}": f"Motivazione scritta per {code}" for code in FULL_MARKS}
    refused = client.post(reverse("evaluation:assignment_submit", args=[assignment.pk]), data)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert 'id="points-A1-error"' in body and 'value="99"' in body and 'value="35"' in body
    assert "Motivazione scritta per B2" in body
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE


def test_manager_approves_the_ranking_from_the_page(client):
    call, (application,), _ = evaluated_call([("10000", FULL_MARKS)])
    client.force_login(officer())
    url = reverse("evaluation:ranking", args=[call.code])
    client.post(reverse("evaluation:ranking_compute", args=[call.code]))
    assert "Approva la graduatoria" not in client.get(url).content.decode()
    client.force_login(manager())
    assert "Approva e pubblica la graduatoria" in client.get(url).content.decode()
    approve = reverse("evaluation:ranking_approve", args=[call.code])
    refused = client.post(approve, {"determination_number": "DD 7/2026"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert 'id="err-determination_date"' in page and "Indicare la data della determinazione." in page
    assert 'value="DD 7/2026"' in page  # what was typed stays
    client.post(approve, {"determination_number": "DD 7/2026", "determination_date": "2026-01-20"})
    ranking = call.rankings.get()
    assert ranking.status == RankingStatus.APPROVED and ranking.determination_number == "DD 7/2026"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED


def test_an_integration_deadline_given_as_a_date_is_the_end_of_that_day_in_rome(client):
    call = scored_call()
    application = without_pec(submitted(call=call))  # no PEC: the term runs from the first reading
    client.force_login(officer())
    day = in_rome(now()).date() + timedelta(days=5)
    url = reverse("evaluation:integration_request", args=[call.code, application.pk])
    client.post(url, {"items": "Visura camerale", "deadline": day.isoformat()})
    request = application.integration_requests.get()
    assert request.deadline is None  # until the applicant reads it, today
    request = services.record_reading(actor=application.created_by, target=request)
    deadline = in_rome(request.deadline)
    assert (deadline.date(), deadline.time()) == (day, time(23, 59, 59))


def test_the_checklist_shows_the_signatures_verified_at_upload(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.applications.models import ApplicationDocument
    from grants.core.tests import pki
    from grants.programme.tests.factories import RequiredDocumentFactory

    settings.MEDIA_ROOT = tmp_path
    call = scored_call()
    application = submitted(call=call)  # documents asked after the submission, so as not to block it
    declaration = RequiredDocumentFactory(
        call=call, code="dichiarazione", title="Dichiarazione", requires_signature=True
    )
    RequiredDocumentFactory(
        call=call, code="adesione", title="Atto di adesione", requires_signature=True, is_mandatory=False
    )
    ApplicationDocument.objects.create(
        application=application,
        required_document=declaration,
        file=SimpleUploadedFile("d.pdf", b"%PDF-1"),
        original_name="d.pdf",
        content_type="application/pdf",
        size=6,
        sha256="0" * 64,
        uploaded_by=application.created_by,
        signature_format="PAdES",
        signer_name="Mario Rossi",
        signer_fiscal_code=pki.SIGNER_CF,
        signed_at=now(),
    )
    client.force_login(officer())

    page = client.get(reverse("evaluation:admissibility", args=[call.code, application.pk])).content.decode()

    assert 'data-testid="signed-documents"' in page
    assert "Dichiarazione: firma PAdES valida di Mario Rossi, codice fiscale RSSMRA85T10A562S" in " ".join(
        page.split()
    )
    assert "Atto di adesione" in page and "documento firmato mancante" in page

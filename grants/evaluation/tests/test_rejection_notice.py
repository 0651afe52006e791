"""The notice of intended rejection (preavviso di rigetto, art. 10-bis L. 241/1990): reasons by PEC, a term
for observations counted from the delivery, the decision only after it, required on first-come calls;
pages for the officer and the applicant, and the API."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.models import AuditEvent
from grants.core.timeutils import end_of_day, in_rome, now
from grants.evaluation import services
from grants.evaluation.models import (
    AdmissibilityOutcome,
    RejectionNotice,
    RejectionNoticeStatus,
)
from grants.notifications.pec.models import PecKind, PecNotice

from .factories import deliver_pec, officer, scored_call, submitted, without_pec

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sportello():
    return scored_call(first_come=True, budget=Decimal("100000.00"), min_grant=None, max_grant=None)


def _pec(notice: RejectionNotice) -> PecNotice:
    return PecNotice.objects.get(kind=PecKind.REJECTION_NOTICE, target_id=str(notice.pk))


def _not_admissible(actor, application, reasons="Manca la dichiarazione de minimis."):
    return services.record_admissibility(
        actor=actor, application=application, answers={}, outcome=AdmissibilityOutcome.NOT_ADMISSIBLE,
        reasons=reasons,
    )  # fmt: skip


def test_the_notice_goes_by_pec_and_the_term_for_observations_counts_from_the_delivery():
    application = submitted(call=scored_call())
    actor = officer()
    notice = services.notify_intended_rejection(
        actor=actor, application=application, reasons="Il partenariato non comprende un ente pubblico."
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTION_NOTIFIED
    assert notice.status == RejectionNoticeStatus.OPEN and notice.deadline is None and notice.term_days == 10
    pec = _pec(notice)
    assert pec.recipient == application.applicant.pec and pec.term_days == 10
    for text in ("10-bis", "Il partenariato non comprende un ente pubblico.", "10 giorni dalla consegna"):
        assert text in pec.body
    assert AuditEvent.objects.filter(action="rejection_notice.sent", object_id=str(notice.pk)).exists()

    # while the PEC is not delivered, the officer cannot decide
    with pytest.raises(services.WrongState) as refused:
        _not_admissible(actor, application)
    assert refused.value.code == "observation_term_running"

    deliver_pec(pec, moment=datetime(2026, 12, 9, 18, 30))
    notice.refresh_from_db()
    pec.refresh_from_db()
    assert notice.deadline == end_of_day(in_rome(pec.delivered_at).date() + timedelta(days=10))
    assert in_rome(notice.deadline).date().isoformat() == "2026-12-19"


def test_observations_in_time_then_the_officer_decides_and_the_refusal_states_why():
    application = submitted(call=scored_call())
    actor = officer()
    notice = without_pec_notice(application, actor)
    user = application.created_by
    document = SimpleUploadedFile("controdeduzioni.pdf", PDF, content_type="application/pdf")
    services.submit_observations(
        actor=user, notice=notice, text="L'ente pubblico è il Comune.", document=document
    )
    notice.refresh_from_db()
    assert notice.status == RejectionNoticeStatus.OBSERVED and notice.observed_by == user
    assert notice.observations_document.name.endswith(".pdf")

    # a second answer is refused
    with pytest.raises(services.WrongState):
        services.submit_observations(actor=user, notice=notice, text="Ancora.")

    review = _not_admissible(actor, application, reasons="Il Comune non ha firmato l'adesione.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    assert review.reasons == "Il Comune non ha firmato l'adesione."


def test_the_observations_may_overcome_the_reasons():
    application = submitted(call=scored_call())
    actor = officer()
    notice = without_pec_notice(application, actor)
    services.submit_observations(actor=application.created_by, notice=notice, text="Allegato ora.")
    application.refresh_from_db()
    application.mark_admissible()  # the transition is declared from the waiting state
    assert application.status == ApplicationStatus.ADMISSIBLE


def test_after_the_term_without_observations_the_notice_lapses_and_the_officer_decides():
    application = submitted(call=scored_call())
    actor = officer()
    notice = without_pec_notice(application, actor)
    late = notice.deadline + timedelta(seconds=1)
    with pytest.raises(services.WrongState) as refused:
        services.submit_observations(actor=application.created_by, notice=notice, text="Tardi.", moment=late)
    assert refused.value.code == "deadline_passed"
    assert [n.pk for n in services.lapse_rejection_notices(late)] == [notice.pk]
    assert services.lapse_rejection_notices(late) == []  # repeatable
    notice.refresh_from_db()
    assert notice.status == RejectionNoticeStatus.LAPSED
    _not_admissible(actor, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE


def test_a_first_come_call_cannot_fail_the_formal_check_without_the_notice_and_then_releases_the_booking():
    application = submitted(call=sportello())
    assert application.booking_outcome == BookingOutcome.BOOKED
    actor = officer()
    with pytest.raises(services.EvaluationError) as refused:
        _not_admissible(actor, application)
    assert refused.value.errors[0]["code"] == "rejection_notice_required"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    notice = without_pec_notice(application, actor)
    services.lapse_rejection_notices(notice.deadline + timedelta(seconds=1))
    _not_admissible(actor, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    assert application.booking_outcome == BookingOutcome.RELEASED


def test_a_ranking_call_may_still_decide_directly():
    application = submitted(call=scored_call())
    _not_admissible(officer(), application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE


@pytest.mark.parametrize(
    ("reasons", "term_days", "field"),
    [("  ", 10, "reasons"), ("Motivo", 5, "term_days"), ("Motivo", 61, "term_days")],
)
def test_bad_notices_are_refused_and_nothing_is_sent(reasons, term_days, field):
    application = submitted(call=scored_call())
    with pytest.raises(services.EvaluationError) as refused:
        services.notify_intended_rejection(
            actor=officer(), application=application, reasons=reasons, term_days=term_days
        )
    assert [e["field"] for e in refused.value.errors] == [field]
    assert not RejectionNotice.objects.exists() and not PecNotice.objects.exists()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_observations_need_text_and_a_real_pdf_and_store_nothing_when_refused():
    application = submitted(call=scored_call())
    notice = without_pec_notice(application, officer())
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(services.EvaluationError) as refused:
        services.submit_observations(actor=application.created_by, notice=notice, text=" ", document=fake)
    assert {e["field"] for e in refused.value.errors} == {"observations", "document"}
    notice.refresh_from_db()
    assert notice.status == RejectionNoticeStatus.OPEN and not notice.observations
    assert not notice.observations_document


def without_pec_notice(application, actor):
    """A notice to an organisation without PEC, read today by the applicant: its term runs from the reading
    (the reserved area is the notice)."""
    without_pec(application)
    notice = services.notify_intended_rejection(
        actor=actor, application=application, reasons="Manca l'adesione."
    )
    assert notice.deadline is None and notice.term_from_reading  # unread: no term yet
    notice = services.record_reading(actor=application.created_by, target=notice)
    assert in_rome(notice.deadline).date() == in_rome(now()).date() + timedelta(days=10)
    return notice


# --- pages ----------------------------------------------------------------------------------------------
def test_the_officer_sends_the_notice_from_the_formal_check_page_and_the_applicant_answers(client):
    call = sportello()
    application = submitted(call=call)
    actor = officer(calls=[call])
    client.force_login(actor)
    page = reverse("evaluation:admissibility", args=[call.code, application.pk])
    html = client.get(page).content.decode()
    assert 'data-testid="notice-required"' in html and "Invia il preavviso di rigetto" in html

    url = reverse("evaluation:rejection_notice", args=[call.code, application.pk])
    unconfirmed = client.post(url, {"reasons": "Manca lo statuto.", "term_days": "10"}, follow=True)
    assert "Spunta la conferma" in unconfirmed.content.decode()
    assert not RejectionNotice.objects.exists()

    client.post(url, {"reasons": "Manca lo statuto.", "term_days": "10", "confirm": "on"})
    notice = RejectionNotice.objects.get()
    html = client.get(page).content.decode()
    assert "Manca lo statuto." in html and "Invia il preavviso di rigetto" not in html

    client.force_login(application.created_by)
    detail = client.get(reverse("applications:application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="open-rejection-notice"' in detail
    answer_url = reverse("evaluation:rejection_observations", args=[notice.pk])
    assert answer_url in detail
    answer = client.get(answer_url).content.decode()
    assert "Manca lo statuto." in answer and 'name="observations"' in answer
    document = SimpleUploadedFile("statuto.pdf", PDF, content_type="application/pdf")
    client.post(answer_url, {"observations": "Lo statuto è allegato.", "document": document})
    notice.refresh_from_db()
    assert notice.status == RejectionNoticeStatus.OBSERVED and notice.observations == "Lo statuto è allegato."

    # someone else's notice answers like a missing one
    client.force_login(submitted(call=call).created_by)
    assert client.get(answer_url).status_code == 404


# --- API ------------------------------------------------------------------------------------------------
def test_the_api_sends_the_notice_lists_it_and_takes_the_observations_as_multipart(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(officer(calls=[call]))
    base = f"/api/v1/evaluation/applications/{application.pk}/rejection-notices"
    bad = client.post(base, {"reasons": "", "term_days": 10}, content_type="application/json")
    assert bad.status_code == 422 and bad["Content-Type"].startswith("application/problem+json")
    assert "reasons" in bad.content.decode()
    made = client.post(base, {"reasons": "Manca il bilancio."}, content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "open" and body["term_days"] == 10 and body["deadline"] is None
    assert [n["id"] for n in client.get(base).json()] == [body["id"]]

    client.force_login(application.created_by)
    url = f"/api/v1/rejection-notices/{body['id']}"
    assert client.get(url).json()["reasons"] == "Manca il bilancio."
    answered = client.post(
        f"{url}/observations",
        {"observations": "Il bilancio è allegato.", "document": SimpleUploadedFile("b.pdf", PDF)},
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "observed" and answered.json()["has_document"] is True

    client.force_login(submitted(call=call).created_by)
    assert client.get(url).status_code == 404

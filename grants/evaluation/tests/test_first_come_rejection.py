"""Art. 10-bis on first-come calls (sportello): no negative outcome without the notice of intended rejection.

An integration request left unanswered sends the application back to the formal check (the officers are
told to send the notice; ranking calls keep the immediate not admissible); a score below the minimum leaves
the application evaluated and flagged in the desk queue until the notice and the decision after it (not
eligible: the booking moves the waiting list; observations accepted: back to the panel)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.models import AuditEvent
from grants.core.timeutils import now
from grants.evaluation import queue, selectors, services
from grants.evaluation.models import (
    AdmissibilityOutcome,
    IntegrationRequest,
    IntegrationStatus,
    RejectionNoticeStatus,
    RejectionOutcome,
    RejectionStage,
)
from grants.evaluation.services import GrantInput
from grants.notifications.models import Notification
from grants.notifications.pec.models import PecKind, PecNotice
from grants.programme.models import CallStaff, CallStaffRole

from .factories import (
    FULL_MARKS,
    LOW_MARKS,
    admissible,
    deliver_pec,
    evaluate,
    manager,
    panel_with,
    scored_call,
    submitted,
    without_pec,
)

pytestmark = pytest.mark.django_db
DETERMINATION = {"determination_number": "DD 78/A1902A", "determination_date": now().date()}


def sportello(budget="100000.00"):
    return scored_call(first_come=True, budget=Decimal(budget), min_grant=None, max_grant=None)


@pytest.fixture
def boss():
    return manager()


def _expired(application, actor):
    """An integration request read (no PEC: the term runs from the reading) and left unanswered."""
    request = services.request_integration(actor=actor, application=application, items=["Visura camerale"])
    request = services.record_reading(actor=application.created_by, target=request)
    return request, services.expire_integration_requests(request.deadline + timedelta(seconds=1))


# --- 1. integration request expired ------------------------------------------------------------------------
def test_on_a_sportello_an_expired_integration_goes_back_to_the_check_and_needs_a_notice(boss, client):
    call = sportello()
    application = without_pec(submitted(call=call))
    CallStaff.objects.get_or_create(call=call, user=boss, defaults={"role": CallStaffRole.OFFICER})
    request, expired = _expired(application, boss)
    assert [a.pk for a in expired] == [application.pk]
    application.refresh_from_db()
    request.refresh_from_db()
    assert request.status == IntegrationStatus.EXPIRED
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.booking_outcome == BookingOutcome.BOOKED  # kept until the final decision
    assert selectors.review_of(application) is None or selectors.review_of(application).outcome == ""
    assert AuditEvent.objects.filter(action="integration.expired_to_check", object_id=str(application.pk))
    told = Notification.objects.get(user=boss, target_id=str(application.pk))
    assert "preavviso di rigetto" in told.subject and "Integrazione non pervenuta" in told.body

    # not admissible still needs the notice first
    with pytest.raises(services.EvaluationError) as refused:
        services.record_admissibility(
            actor=boss, application=application, answers={}, outcome=AdmissibilityOutcome.NOT_ADMISSIBLE,
            reasons="Integrazione mancante.",
        )  # fmt: skip
    assert refused.value.errors[0]["code"] == "rejection_notice_required"

    # the formal-check page offers the notice with its reasons prefilled
    client.force_login(boss)
    page = client.get(reverse("evaluation:admissibility", args=[call.code, application.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="integration-expired"' in html
    assert "Integrazione non pervenuta entro la scadenza del" in html

    # the notice, then (after observations) the not admissible decision releases the booking
    notice = services.notify_intended_rejection(
        actor=boss, application=application, reasons=selectors.rejection_reasons_draft(application)
    )
    assert notice.stage == RejectionStage.ADMISSIBILITY
    notice = services.record_reading(actor=application.created_by, target=notice)
    services.submit_observations(actor=application.created_by, notice=notice, text="Inviata per posta.")
    services.record_admissibility(
        actor=boss, application=application, answers={}, outcome=AdmissibilityOutcome.NOT_ADMISSIBLE,
        reasons="La visura non risulta pervenuta.",
    )  # fmt: skip
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    assert application.booking_outcome == BookingOutcome.RELEASED


def test_on_a_ranking_call_an_expired_integration_is_still_not_admissible_at_once(boss):
    application = without_pec(submitted(call=scored_call()))
    _request, expired = _expired(application, boss)
    assert [a.pk for a in expired] == [application.pk]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    assert selectors.review_of(application).outcome == AdmissibilityOutcome.NOT_ADMISSIBLE


# --- 2. score below the minimum -----------------------------------------------------------------------------
def _scored(applications, marks, actor):
    panel_with(applications[0].call, members=1, per_application=1, actor=actor)
    for application in applications:
        admissible(application, actor=actor)
    services.auto_assign(actor=actor, call=applications[0].call)
    for application, points in zip(applications, marks, strict=True):
        evaluate(application.assignments.get(), points)
        application.refresh_from_db()


def _row(call, application):
    return next(r for r in queue.queue_rows(call) if r.application.pk == application.pk)


def _observed(application, actor, reasons="Punteggio sotto il minimo."):
    notice = services.notify_intended_rejection(actor=actor, application=application, reasons=reasons)
    notice = services.record_reading(actor=application.created_by, target=notice)
    return services.submit_observations(
        actor=application.created_by, notice=notice, text="Il criterio A è stato frainteso."
    )


def test_below_the_minimum_stays_evaluated_and_flagged_then_not_eligible_moves_the_waiting_list(boss):
    call = sportello("60000.00")
    first = without_pec(submitted(call=call, amount=Decimal("50000.00")))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    assert waiting.booking_outcome == BookingOutcome.WAITING
    _scored([first], [LOW_MARKS], boss)
    assert first.status == ApplicationStatus.EVALUATED
    assert first.booking_outcome == BookingOutcome.BOOKED
    row = _row(call, first)
    assert row.rejection == "preavviso" and "inviare il preavviso di rigetto" in row.rejection_label
    assert services.below_minimum(first)

    # a grant decision still refuses it
    with pytest.raises(services.EvaluationError) as refused:
        services.decide_grants(
            actor=boss, call=call, grants=[GrantInput(first.pk, Decimal(50000))], **DETERMINATION
        )
    assert refused.value.errors[0]["code"] == "below_minimum"

    notice = services.notify_intended_rejection(
        actor=boss, application=first, reasons=selectors.rejection_reasons_draft(first)
    )
    assert notice.stage == RejectionStage.SCORE and "sotto" in notice.reasons
    first.refresh_from_db()
    assert first.status == ApplicationStatus.REJECTION_NOTIFIED
    assert _row(call, first).rejection == "osservazioni" and _row(call, first).step == "decisione"
    # the formal check does not decide on it
    with pytest.raises(services.WrongState):
        services.record_admissibility(actor=boss, application=first, answers={}, outcome="admissible")
    # nor before the term
    with pytest.raises(services.WrongState) as running:
        services.decide_below_minimum(actor=boss, application=first, outcome="not_eligible", reasons="No.")
    assert running.value.code == "observation_term_running"

    # without PEC the term waits for the applicant's first reading, and the queue says so
    assert "non ancora letto dal proponente" in _row(call, first).rejection_label
    notice = services.record_reading(actor=first.created_by, target=notice)
    assert "termine per le osservazioni in corso" in _row(call, first).rejection_label
    services.submit_observations(actor=first.created_by, notice=notice, text="Il punteggio è errato.")
    assert _row(call, first).rejection == "decisione_preavviso"
    with pytest.raises(services.EvaluationError) as missing:
        services.decide_below_minimum(actor=boss, application=first, outcome="not_eligible", reasons=" ")
    assert missing.value.errors[0]["field"] == "reasons"
    services.decide_below_minimum(
        actor=boss,
        application=first,
        outcome="not_eligible",
        reasons="Le osservazioni non riguardano i criteri sotto soglia.",
    )
    first.refresh_from_db()
    waiting.refresh_from_db()
    notice.refresh_from_db()
    assert first.status == ApplicationStatus.NOT_ELIGIBLE
    assert first.booking_outcome == BookingOutcome.RELEASED
    assert waiting.booking_outcome == BookingOutcome.BOOKED
    assert notice.outcome == RejectionOutcome.NOT_ELIGIBLE and notice.decided_by == boss
    assert [i.key for i in queue.queue_items(call)] == [waiting.pk]


def test_observations_accepted_send_it_back_to_the_panel(boss):
    call = sportello()
    application = without_pec(submitted(call=call))
    _scored([application], [LOW_MARKS], boss)
    _observed(application, boss)
    notice = services.decide_below_minimum(
        actor=boss, application=application, outcome="accepted", reasons="Il criterio A va rivisto."
    )
    application.refresh_from_db()
    assert notice.outcome == RejectionOutcome.ACCEPTED
    assert application.status == ApplicationStatus.EVALUATED
    assert application.booking_outcome == BookingOutcome.BOOKED
    assert services.rescore_pending(application) and not services.below_minimum(application)
    assert _row(call, application).rejection == "nuovo_punteggio"
    with pytest.raises(services.WrongState):  # no new notice before the new score
        services.notify_intended_rejection(actor=boss, application=application, reasons="Ancora.")
    with pytest.raises(services.WrongState):  # decided once
        services.decide_below_minimum(actor=boss, application=application, outcome="accepted", reasons="x")


def test_after_accepted_observations_the_presidents_consensus_rescores_and_a_grant_may_follow(boss):
    call = sportello()
    application = without_pec(submitted(call=call, amount=Decimal("40000.00")))
    _panel, [president] = panel_with(call, members=1, per_application=1, actor=boss)
    admissible(application, actor=boss)
    services.auto_assign(actor=boss, call=call)
    evaluate(application.assignments.get(), LOW_MARKS)
    application.refresh_from_db()
    _observed(application, boss)
    services.decide_below_minimum(
        actor=boss, application=application, outcome="accepted", reasons="Il criterio B va rivisto."
    )
    application.refresh_from_db()
    services.set_consensus(
        actor=president,
        application=application,
        points=FULL_MARKS,
        justifications={code: f"Rivisto {code}" for code in FULL_MARKS},
        note="Rivalutata dopo le osservazioni accolte.",
    )
    application.refresh_from_db()
    assert not services.rescore_pending(application)
    row = _row(call, application)
    assert row.rejection == "" and row.decidable
    services.decide_grants(
        actor=boss, call=call, grants=[GrantInput(application.pk, Decimal(40000))], **DETERMINATION
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED


def test_with_pec_the_queue_says_the_term_waits_for_the_delivery(boss):
    call = sportello()
    application = submitted(call=call)  # the organisation has a PEC
    _scored([application], [LOW_MARKS], boss)
    notice = services.notify_intended_rejection(actor=boss, application=application, reasons="Sotto.")
    assert "PEC non ancora consegnata" in _row(call, application).rejection_label
    deliver_pec(PecNotice.objects.get(kind=PecKind.REJECTION_NOTICE, target_id=str(notice.pk)))
    assert "termine per le osservazioni in corso" in _row(call, application).rejection_label


def test_only_first_come_evaluated_applications_below_the_minimum_get_a_score_notice(boss):
    call = sportello()
    above = submitted(call=call)
    _scored([above], [FULL_MARKS], boss)
    with pytest.raises(services.WrongState):
        services.notify_intended_rejection(actor=boss, application=above, reasons="No.")
    assert _row(call, above).rejection == ""


# --- pages --------------------------------------------------------------------------------------------------
def test_the_desk_pages_send_the_notice_and_confirm_the_not_eligible_decision(boss, client):
    call = sportello("60000.00")
    first = without_pec(submitted(call=call, amount=Decimal("50000.00")))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    _scored([first], [LOW_MARKS], boss)
    client.force_login(boss)
    queue_page = client.get(reverse("evaluation:desk_queue", args=[call.code])).content.decode()
    assert "Sotto il minimo: inviare il preavviso di rigetto" in queue_page
    url = reverse("evaluation:desk_notice", args=[call.code, first.pk])
    assert url in queue_page
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="desk-notice-form"' in page.content.decode()

    refused = client.post(url, {"reasons": "", "term_days": "10", "confirm": "on"})
    assert refused.status_code == 422
    assert "Indicare i motivi" in refused.content.decode()
    sent = client.post(url, {"reasons": "Punteggio 20 su 60.", "term_days": "10", "confirm": "on"})
    assert sent.status_code == 302
    first.refresh_from_db()
    assert first.status == ApplicationStatus.REJECTION_NOTIFIED
    assert 'data-testid="term-running"' in client.get(url).content.decode()

    notice = services.latest_notice(first)
    notice = services.record_reading(actor=first.created_by, target=notice)
    services.submit_observations(actor=first.created_by, notice=notice, text="Osservo.")
    decide = reverse("evaluation:desk_notice_decision", args=[call.code, first.pk])
    missing = client.post(decide, {"outcome": "not_eligible", "reasons": ""})
    assert missing.status_code == 422 and "Motivare la decisione" in missing.content.decode()
    confirm = client.post(decide, {"outcome": "not_eligible", "reasons": "Non superano i motivi."})
    assert confirm.status_code == 200 and 'data-testid="confirm-not-eligible"' in confirm.content.decode()
    first.refresh_from_db()
    assert first.status == ApplicationStatus.REJECTION_NOTIFIED  # nothing happened before the confirmation
    done = client.post(
        decide, {"outcome": "not_eligible", "reasons": "Non superano i motivi.", "confirm": "on"}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == ApplicationStatus.NOT_ELIGIBLE
    assert waiting.booking_outcome == BookingOutcome.BOOKED


def test_the_desk_notice_page_is_for_first_come_calls_only(boss, client):
    application = submitted(call=scored_call())
    client.force_login(boss)
    answer = client.get(reverse("evaluation:desk_notice", args=[application.call.code, application.pk]))
    assert answer.status_code == 404


# --- API ----------------------------------------------------------------------------------------------------
def test_the_api_flags_sends_and_decides(boss, client):
    call = sportello()
    application = without_pec(submitted(call=call))
    _scored([application], [LOW_MARKS], boss)
    client.force_login(boss)
    desk = client.get(f"/api/v1/evaluation/calls/{call.pk}/desk").json()
    (row,) = desk["applications"]
    assert row["rejection"] == "preavviso" and row["rejection_notice_id"] is None
    sent = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/rejection-notices",
        {"reasons": "Punteggio sotto il minimo."},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["stage"] == "score"
    early = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/rejection-decision",
        {"outcome": "accepted", "reasons": "Sì."},
        content_type="application/json",
    )
    assert early.status_code == 409
    notice = services.record_reading(actor=application.created_by, target=services.latest_notice(application))
    services.submit_observations(actor=application.created_by, notice=notice, text="Osservo.")
    decided = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/rejection-decision",
        {"outcome": "accepted", "reasons": "Le osservazioni sono fondate."},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["outcome"] == "accepted"
    assert decided.json()["status"] == RejectionNoticeStatus.OBSERVED
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EVALUATED
    row = client.get(f"/api/v1/evaluation/calls/{call.pk}/desk").json()["applications"][0]
    assert row["rejection"] == "nuovo_punteggio" and row["rejection_notice_id"] == notice.pk
    invalid = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/rejection-decision",
        {"outcome": "forse", "reasons": "x"},
        content_type="application/json",
    )
    assert invalid.status_code == 422


def test_the_api_decision_on_a_formal_check_notice_is_refused(boss, client):
    application = submitted(call=sportello())
    services.notify_intended_rejection(actor=boss, application=application, reasons="Manca la firma.")
    client.force_login(boss)
    answer = client.post(
        f"/api/v1/evaluation/applications/{application.pk}/rejection-decision",
        {"outcome": "not_eligible", "reasons": "x"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert not IntegrationRequest.objects.exists()

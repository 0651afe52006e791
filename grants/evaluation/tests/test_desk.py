"""The sportello valutativo (first-come calls): the order rule (pure), grant decisions that fund and create
the project, below-minimum scores, renunciations and revocations that release the booking and move the
waiting list up in protocol order."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from grants.applications.models import Application, CallBooking
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.evaluation import desk, queue, services
from grants.evaluation.models import DecisionGrant
from grants.evaluation.services import GrantInput
from grants.programme.models import AidInstrument

from .factories import (
    FULL_MARKS,
    LOW_MARKS,
    admissible,
    evaluate,
    manager,
    officer,
    panel_with,
    scored_call,
    submitted,
)

pytestmark = pytest.mark.django_db

DETERMINATION = {"determination_number": "DD 77/A1902A", "determination_date": date(2026, 1, 20)}


# --- the pure rules -----------------------------------------------------------------------------------------
def item(key, number, status=ApplicationStatus.SUBMITTED):
    return desk.QueueItem(key=key, protocol=(2026, number), status=status)


def test_an_application_waits_for_the_undecided_earlier_ones_only():
    queue_ = [
        item(1, 1, ApplicationStatus.FUNDED),
        item(2, 2, ApplicationStatus.ADMISSIBLE),
        item(3, 3, ApplicationStatus.EVALUATED),
    ]
    assert [i.key for i in desk.blockers(queue_, 3)] == [2]
    assert desk.blockers(queue_, 2) == []
    assert desk.blockers(queue_, 3, batch=[2]) == []


def test_a_batch_must_include_or_follow_every_earlier_pending_application():
    queue_ = [item(1, 1, ApplicationStatus.EVALUATED), item(2, 2, ApplicationStatus.EVALUATED), item(3, 3)]
    assert desk.out_of_order(queue_, [1, 2]) == {}
    assert list(desk.out_of_order(queue_, [2])) == [2]


def test_days_and_overdue_are_calendar_days():
    assert desk.days_elapsed(date(2026, 1, 1), date(2026, 4, 1)) == 90
    assert desk.days_overdue(date(2026, 1, 1), date(2026, 4, 1), 90) == 0
    assert desk.days_overdue(date(2026, 1, 1), date(2026, 4, 3), 90) == 2


# --- the services -------------------------------------------------------------------------------------------
def sportello(budget="100000.00", **kwargs):
    return scored_call(first_come=True, budget=Decimal(budget), min_grant=None, max_grant=None, **kwargs)


def scored(applications, marks, *, actor):
    """Admissible, assigned to the panel's single evaluator and scored with ``marks`` (one per app)."""
    panel_with(applications[0].call, members=1, per_application=1, actor=actor)
    for application in applications:
        admissible(application, actor=actor)
    services.auto_assign(actor=actor, call=applications[0].call)
    for application, points in zip(applications, marks, strict=True):
        evaluate(application.assignments.get(), points)
        application.refresh_from_db()


@pytest.fixture
def boss():
    return manager()


def test_a_decision_funds_the_application(boss):
    call = sportello()
    application = submitted(call=call, amount=Decimal("40000.00"))
    assert application.booking_outcome == BookingOutcome.BOOKED
    scored([application], [FULL_MARKS], actor=boss)
    assert application.status == ApplicationStatus.EVALUATED
    decision = services.decide_grants(
        actor=boss,
        call=call,
        grants=[GrantInput(application.pk, Decimal("40000.00"))],
        **DETERMINATION,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED
    assert decision.grants.get().amount == Decimal("40000.00")
    assert decision.number == DETERMINATION["determination_number"]


def test_decisions_follow_the_protocol_order(boss):
    call = sportello()
    first = submitted(call=call, amount=Decimal("30000.00"))
    second = submitted(call=call, amount=Decimal("30000.00"))
    scored([second], [FULL_MARKS], actor=boss)
    with pytest.raises(services.EvaluationError) as caught:
        services.decide_grants(
            actor=boss, call=call, grants=[GrantInput(second.pk, Decimal(30000))], **DETERMINATION
        )
    assert caught.value.errors[0]["code"] == "out_of_order"
    assert first.protocol in caught.value.errors[0]["message"]
    # Both evaluated: one determination funds them together, in protocol order.
    admissible(first, actor=boss)
    services.auto_assign(actor=boss, call=call)
    evaluate(first.assignments.get(), FULL_MARKS)
    services.decide_grants(
        actor=boss,
        call=call,
        grants=[GrantInput(second.pk, Decimal(30000)), GrantInput(first.pk, Decimal(30000))],
        **DETERMINATION,
    )
    assert set(Application.objects.filter(call=call).values_list("status", flat=True)) == {
        ApplicationStatus.FUNDED
    }


def test_below_the_minimum_keeps_the_booking_until_the_notice_of_rejection(boss):
    """Art. 10-bis: a score below the minimum is not a decision yet; the notice and the decision after it
    (test_first_come_rejection.py) release the booking."""
    call = sportello("60000.00")
    first = submitted(call=call, amount=Decimal("50000.00"))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    later = submitted(call=call, amount=Decimal("5000.00"))
    assert waiting.booking_outcome == BookingOutcome.WAITING
    assert later.booking_outcome == BookingOutcome.WAITING  # nobody jumps the queue
    scored([first], [LOW_MARKS], actor=boss)
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == ApplicationStatus.EVALUATED
    assert first.booking_outcome == BookingOutcome.BOOKED
    assert waiting.booking_outcome == BookingOutcome.WAITING
    assert [i.key for i in queue.queue_items(call)] == [first.pk]


def test_an_amount_over_the_booking_is_refused(boss):
    call = sportello()
    application = submitted(call=call, amount=Decimal("40000.00"))
    scored([application], [FULL_MARKS], actor=boss)
    with pytest.raises(services.EvaluationError) as caught:
        services.decide_grants(
            actor=boss, call=call, grants=[GrantInput(application.pk, Decimal("40000.01"))], **DETERMINATION
        )
    assert caught.value.errors[0]["code"] == "over_booking"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EVALUATED


def test_a_lower_grant_gives_the_rest_back_to_the_waiting_list(boss):
    call = sportello("60000.00")
    first = submitted(call=call, amount=Decimal("50000.00"))
    waiting = submitted(call=call, amount=Decimal("20000.00"))
    scored([first], [FULL_MARKS], actor=boss)
    services.decide_grants(
        actor=boss, call=call, grants=[GrantInput(first.pk, Decimal("40000.00"))], **DETERMINATION
    )
    waiting.refresh_from_db()
    assert waiting.booking_outcome == BookingOutcome.BOOKED
    assert CallBooking.objects.get(call=call).booked == Decimal("60000.00")


def test_a_mixed_call_splits_grant_and_loan(boss):
    call = sportello(aid_instrument=AidInstrument.MIXED)
    application = submitted(call=call, amount=Decimal("40000.00"))
    scored([application], [FULL_MARKS], actor=boss)
    services.decide_grants(
        actor=boss,
        call=call,
        grants=[GrantInput(application.pk, Decimal("40000.00"), loan_amount=Decimal("30000.00"))],
        **DETERMINATION,
    )
    grant = DecisionGrant.objects.get(application=application)
    assert (grant.grant_amount, grant.loan_amount) == (Decimal("10000.00"), Decimal("30000.00"))


def test_a_grant_only_call_refuses_a_loan_part(boss):
    call = sportello()
    application = submitted(call=call, amount=Decimal("40000.00"))
    scored([application], [FULL_MARKS], actor=boss)
    with pytest.raises(services.EvaluationError) as caught:
        services.decide_grants(
            actor=boss,
            call=call,
            grants=[GrantInput(application.pk, Decimal(40000), loan_amount=Decimal(1))],
            **DETERMINATION,
        )
    assert caught.value.errors[0]["code"] == "no_loan"


def test_an_application_of_another_call_is_as_missing(boss):
    call = sportello()
    other = submitted(call=sportello(), amount=Decimal("40000.00"))
    with pytest.raises(Application.DoesNotExist):
        services.decide_grants(
            actor=boss, call=call, grants=[GrantInput(other.pk, Decimal(1000))], **DETERMINATION
        )


def test_officers_do_not_sign_determinations():
    call = sportello()
    application = submitted(call=call)
    with pytest.raises(PermissionDenied):
        services.decide_grants(
            actor=officer(), call=call, grants=[GrantInput(application.pk, Decimal(1000))], **DETERMINATION
        )


def test_a_renunciation_releases_the_booking_and_funds_the_waiting(boss):
    call = sportello("60000.00")
    first = submitted(call=call, amount=Decimal("50000.00"))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    scored([first], [FULL_MARKS], actor=boss)
    services.decide_grants(
        actor=boss, call=call, grants=[GrantInput(first.pk, Decimal(50000))], **DETERMINATION
    )
    services.record_renunciation(actor=boss, application=first, reason="Rinuncia pervenuta via PEC")
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == ApplicationStatus.RENOUNCED
    assert first.booking_outcome == BookingOutcome.RELEASED
    assert waiting.booking_outcome == BookingOutcome.BOOKED


def test_the_queue_lists_booked_applications_with_their_step(boss):
    call = sportello()
    first = submitted(call=call, amount=Decimal("30000.00"))
    second = submitted(call=call, amount=Decimal("30000.00"))
    scored([second], [FULL_MARKS], actor=boss)
    rows = queue.queue_rows(call)
    assert [r.application.pk for r in rows] == [first.pk, second.pk]
    assert [r.step for r in rows] == ["istruttoria", "decisione"]
    assert rows[1].blocked_by == [first.protocol]
    assert not rows[1].decidable
    assert [r.application.pk for r in queue.queue_rows(call, step="decisione")] == [second.pk]

"""Reads of the sportello valutativo (first-come calls): the booked applications in protocol order with
their state, the days since submission against the call's days to decide, what holds each back, and the
next step; the filters of the queue page, its CSV and the API use the same rows."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallMode
from grants.programme.permissions import staff_calls

from . import desk
from .models import ConsolidatedScore, DecisionGrant

ARRIVAL_ORDER = ("protocol_year", "protocol_number")

# The filter of the queue page (``?stato=``): the step each application is at.
STEPS = {
    "istruttoria": (
        _("Istruttoria formale"),
        {
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.INTEGRATION_REQUESTED,
            ApplicationStatus.REJECTION_NOTIFIED,
        },
    ),
    "valutazione": (_("Valutazione tecnica"), {ApplicationStatus.ADMISSIBLE}),
    "decisione": (_("Da decidere"), {ApplicationStatus.EVALUATED}),
    "finanziate": (_("Finanziate"), {ApplicationStatus.FUNDED}),
}


def first_come_calls(user) -> QuerySet[Call]:
    """The first-come calls the user works on (RUP, officers, head of measure)."""
    return staff_calls(user, Call.objects.filter(mode=CallMode.FIRST_COME)).order_by("-opens_at", "code")


def booked(call: Call) -> QuerySet[Application]:
    """The applications that hold a booking of the call (funded ones keep theirs), in protocol order."""
    return (
        Application.objects.filter(
            call=call, booking_outcome=BookingOutcome.BOOKED, protocol_number__isnull=False
        )
        .select_related("applicant")
        .order_by(*ARRIVAL_ORDER)
    )


def queue_items(call: Call) -> list[desk.QueueItem]:
    return [
        desk.QueueItem(key=pk, protocol=(year, number), status=status)
        for pk, year, number, status in booked(call).values_list("pk", *ARRIVAL_ORDER, "status")
    ]


def waiting_count(call: Call) -> int:
    return Application.objects.filter(
        call=call, status=ApplicationStatus.SUBMITTED, booking_outcome=BookingOutcome.WAITING
    ).count()


@dataclass(frozen=True)
class QueueRow:
    application: Application
    step: str  # a key of STEPS
    days: int
    overdue_days: int
    blocked_by: list[str]  # protocols of the earlier undecided applications
    score: object  # the consolidated total, or None
    meets_thresholds: bool | None
    granted: object  # the amount of the grant decision, or None
    decision: str  # "n. X del d/m/Y", or ""

    @property
    def pending(self) -> bool:
        return self.application.status in desk.PENDING_STATUSES

    @property
    def overdue(self) -> bool:
        return self.pending and self.overdue_days > 0

    @property
    def decidable(self) -> bool:
        return self.step == "decisione" and bool(self.meets_thresholds) and not self.blocked_by


def _step(status: str) -> str:
    return next((key for key, (_label, states) in STEPS.items() if status in states), "")


def queue_rows(
    call: Call, *, step: str = "", overdue_only: bool = False, today: date | None = None
) -> list[QueueRow]:
    """The queue of ``call``; ``step`` (a key of STEPS) and ``overdue_only`` filter it."""
    today = today or in_rome(now()).date()
    applications = list(booked(call))
    items = [desk.QueueItem(a.pk, (a.protocol_year, a.protocol_number), a.status) for a in applications]
    scores = {
        row.application_id: row
        for row in ConsolidatedScore.objects.filter(application__in=[a.pk for a in applications])
    }
    grants = {
        g.application_id: g
        for g in DecisionGrant.objects.filter(application__in=[a.pk for a in applications]).select_related(
            "decision"
        )
    }
    rows = []
    for application in applications:
        submitted_on = in_rome(application.submitted_at).date() if application.submitted_at else today
        score = scores.get(application.pk)
        grant = grants.get(application.pk)
        row = QueueRow(
            application=application,
            step=_step(application.status),
            days=desk.days_elapsed(submitted_on, today),
            overdue_days=desk.days_overdue(submitted_on, today, call.decision_days),
            blocked_by=[
                Application(protocol_year=i.protocol[0], protocol_number=i.protocol[1]).protocol
                for i in desk.blockers(items, application.pk)
            ]
            if application.status in desk.PENDING_STATUSES
            else [],
            score=score.total_score if score else None,
            meets_thresholds=score.meets_thresholds if score else None,
            granted=grant.amount if grant else None,
            decision=f"n. {grant.decision.number} del {grant.decision.date:%d/%m/%Y}" if grant else "",
        )
        if step and row.step != step:
            continue
        if overdue_only and not row.overdue:
            continue
        rows.append(row)
    return rows


def decidable(call: Call) -> list[QueueRow]:
    """The applications a determination may fund now, or together in protocol order: evaluated above the
    minimum (the rows held back only by other evaluated ones are included, for a batch)."""
    rows = [r for r in queue_rows(call) if r.step == "decisione" and r.meets_thresholds]
    ready = {r.application.protocol for r in rows}
    return [r for r in rows if set(r.blocked_by) <= ready]


def decisions(call: Call) -> QuerySet:
    return call.grant_decisions.prefetch_related("grants__application").order_by("-date", "-pk")

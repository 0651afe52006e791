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
from .models import (
    ConsolidatedScore,
    DecisionGrant,
    RejectionNotice,
    RejectionNoticeStatus,
    RejectionOutcome,
    RejectionStage,
)

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


# What the queue tells the officer about an application below the minimum (grants.evaluation.desk).
REJECTION_LABELS = {
    desk.NOTICE_TO_SEND: _("Sotto il minimo: inviare il preavviso di rigetto"),
    desk.OBSERVATION_TERM: _("Preavviso di rigetto inviato: termine per le osservazioni in corso"),
    desk.DECISION_AFTER_NOTICE: _("Preavviso di rigetto: decidere (non idonea o osservazioni accolte)"),
    desk.RESCORE: _("Osservazioni accolte: il nucleo deve fissare il nuovo punteggio"),
}
# The notice sent, its term not started yet: it waits for the first reading (no PEC) or the PEC's delivery.
TERM_WAITING_LABELS = {
    "reading": _("Preavviso di rigetto inviato: non ancora letto dal proponente, il termine non è iniziato"),
    "pec": _("Preavviso di rigetto inviato: PEC non ancora consegnata, il termine non è iniziato"),
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
    rejection: str = ""  # below the minimum: a key of REJECTION_LABELS (grants.evaluation.desk), or ""
    notice_id: int | None = None  # the notice of intended rejection on the score, if any
    term_waits_for: str = ""  # the notice's term not started: a key of TERM_WAITING_LABELS, or ""

    @property
    def rejection_label(self) -> str:
        if self.rejection == desk.OBSERVATION_TERM and self.term_waits_for:
            return str(TERM_WAITING_LABELS[self.term_waits_for])
        return str(REJECTION_LABELS.get(self.rejection, ""))

    @property
    def pending(self) -> bool:
        return self.application.status in desk.PENDING_STATUSES

    @property
    def overdue(self) -> bool:
        return self.pending and self.overdue_days > 0

    @property
    def decidable(self) -> bool:
        return self.step == "decisione" and bool(self.meets_thresholds) and not self.blocked_by


def _step(status: str, rejection: str = "") -> str:
    if rejection:  # a notice on the score is the decision's business, not the formal check's
        return "decisione"
    return next((key for key, (_label, states) in STEPS.items() if status in states), "")


def _latest_notices(applications: list[Application]) -> dict[int, RejectionNotice]:
    latest: dict[int, RejectionNotice] = {}
    for notice in RejectionNotice.objects.filter(application__in=[a.pk for a in applications]).order_by(
        "application_id", "-created_at", "-pk"
    ):
        latest.setdefault(notice.application_id, notice)
    return latest


def _rejection(application: Application, score, notice: RejectionNotice | None, moment) -> str:
    on_score = notice is not None and notice.stage == RejectionStage.SCORE
    ready = None
    if on_score and application.status == ApplicationStatus.REJECTION_NOTIFIED:
        ready = notice.status != RejectionNoticeStatus.OPEN or (
            notice.deadline is not None and moment > notice.deadline
        )
    rescore = (
        on_score
        and notice.outcome == RejectionOutcome.ACCEPTED
        and (score is None or score.updated_at <= notice.decided_at)
    )
    return desk.rejection_step(
        application.status,
        score.meets_thresholds if score else None,
        score_notice_ready=ready,
        rescore_pending=rescore,
    )


def _term_waits_for(notice: RejectionNotice) -> str:
    if notice.deadline is not None:
        return ""
    return "reading" if notice.term_from_reading else "pec"


def queue_rows(
    call: Call, *, step: str = "", overdue_only: bool = False, today: date | None = None
) -> list[QueueRow]:
    """The queue of ``call``; ``step`` (a key of STEPS) and ``overdue_only`` filter it."""
    moment = now()
    today = today or in_rome(moment).date()
    applications = list(booked(call))
    notices = _latest_notices(applications)
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
        notice = notices.get(application.pk)
        rejection = _rejection(application, score, notice, moment)
        row = QueueRow(
            application=application,
            step=_step(application.status, rejection),
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
            rejection=rejection,
            notice_id=notice.pk if notice is not None and notice.stage == RejectionStage.SCORE else None,
            term_waits_for=_term_waits_for(notice) if rejection == desk.OBSERVATION_TERM else "",
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

"""The sportello valutativo of first-come calls: the queue of booked applications in protocol order and
the grant decisions (determinazione di concessione), singly or for several applications at once. Same
rules as the pages (grants.evaluation.services.desk); staff of the call only (another call: 404)."""

from django.http import Http404
from ninja import Status

from grants.evaluation import permissions, queue, services
from grants.evaluation.models import GrantDecision
from grants.programme.models import CallMode

from . import router
from .access import staff_call
from .desk_schemas import GrantDecisionIn, GrantDecisionOut, QueueOut


def _desk_call(request, call_id: int, check):
    call = staff_call(request, call_id, check)
    if call.mode != CallMode.FIRST_COME:
        raise Http404
    return call


def _decision(decision: GrantDecision) -> dict:
    return {
        "id": decision.pk,
        "call_id": decision.call_id,
        "determination_number": decision.number,
        "determination_date": decision.date,
        "decided_at": decision.decided_at,
        "grants": [
            {
                "application_id": grant.application_id,
                "protocol": grant.application.protocol,
                "amount": grant.amount,
                "grant_amount": grant.grant_amount,
                "loan_amount": grant.loan_amount,
            }
            for grant in decision.grants.select_related("application").order_by(
                "application__protocol_year", "application__protocol_number"
            )
        ],
    }


@router.get("/evaluation/calls/{call_id}/desk", response=QueueOut)
def get_desk_queue(request, call_id: int, step: str = "", overdue: bool = False):
    """The booked applications of a first-come call in protocol order, with their state, the days since
    submission against the call's days to decide, and the earlier applications that must be decided
    first. ``step``: istruttoria | valutazione | decisione | finanziate; ``overdue``: only the late ones.
    An application below the minimum is flagged (``rejection``): the notice of intended rejection is sent
    with ``POST /evaluation/applications/{id}/rejection-notices``, the decision after it with
    ``POST /evaluation/applications/{id}/rejection-decision``."""
    call = _desk_call(request, call_id, permissions.can_view_evaluation)
    rows = queue.queue_rows(call, step=step if step in queue.STEPS else "", overdue_only=overdue)
    return {
        "call_id": call.pk,
        "decision_days": call.decision_days,
        "waiting": queue.waiting_count(call),
        "applications": [
            {
                "application_id": row.application.pk,
                "protocol": row.application.protocol,
                "applicant": row.application.applicant.name,
                "status": row.application.status,
                "step": row.step,
                "submitted_at": row.application.submitted_at,
                "booked_amount": row.application.booked_amount,
                "days": row.days,
                "overdue_days": row.overdue_days if row.overdue else 0,
                "score": row.score,
                "meets_thresholds": row.meets_thresholds,
                "blocked_by": row.blocked_by,
                "decidable": row.decidable,
                "granted": row.granted,
                "rejection": row.rejection,
                "rejection_label": row.rejection_label,
                "rejection_notice_id": row.notice_id,
            }
            for row in rows
        ],
    }


@router.post("/evaluation/calls/{call_id}/desk/decisions", response={201: GrantDecisionOut})
def post_desk_decision(request, call_id: int, payload: GrantDecisionIn):
    """Record a determinazione di concessione funding one or several booked applications (in protocol
    order; each amount not above its booking; the loan part as the call's aid allows). Each application
    becomes funded and its project is created. Irreversible."""
    call = _desk_call(request, call_id, permissions.can_decide_grants)
    decision = services.decide_grants(
        actor=request.auth,
        call=call,
        determination_number=payload.determination_number,
        determination_date=payload.determination_date,
        grants=[services.GrantInput(g.application_id, g.amount, g.loan_amount) for g in payload.grants],
    )
    return Status(201, _decision(decision))

"""The ranking of a call (proposal, approval, renunciations) and the executive project of two-phase calls."""

from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Status

from grants.evaluation import permissions, selectors, services
from grants.evaluation.models import Ranking, RankingEntry

from . import router
from .access import staff_call
from .schemas import (
    ApproveRankingIn,
    ExecutiveCreatedOut,
    ExecutiveProjectOut,
    RankingOut,
    RenunciationIn,
    Stage,
)


def _entry(entry: RankingEntry, *, public: bool) -> dict:
    applicant = entry.application.applicant
    return {
        "position": entry.position,
        "application_id": entry.application_id,
        "protocol": entry.application.protocol,
        "applicant": selectors.public_applicant_name(applicant) if public else applicant.name,
        "title": entry.application.title,
        "score": entry.score,
        "outcome": entry.outcome,
        "requested": entry.requested,
        "granted": entry.granted,
        "funded_from": {code: Decimal(v) for code, v in (entry.funded_from or {}).items()},
        "reserves": list(entry.reserves or ()),
        "tie_break_note": entry.tie_break_note,
    }


def _ranking(ranking: Ranking, *, public: bool = False) -> dict:
    totals = selectors.ranking_totals(ranking)
    return {
        "id": ranking.pk,
        "call_id": ranking.call_id,
        "stage": ranking.stage,
        "status": ranking.status,
        "determination_number": ranking.determination_number,
        "determination_date": ranking.determination_date,
        "budget": ranking.budget,
        "granted": totals["granted"],
        "remaining": totals["remaining"],
        "computed_at": ranking.computed_at,
        "approved_at": ranking.approved_at,
        "ignored_tie_break_rules": ranking.ignored_tie_break_rules,
        "entries": [_entry(e, public=public) for e in selectors.ranking_entries(ranking)],
    }


@router.post("/evaluation/calls/{call_id}/ranking", response=RankingOut)
def post_ranking(request, call_id: int, stage: Stage = "final"):
    """Compute (or recompute) the proposed ranking of a stage (``?stage=preliminary``: the project ideas
    of a two-phase call; default: the final ranking)."""
    call = staff_call(request, call_id, permissions.can_prepare_ranking)
    return _ranking(services.compute_ranking(actor=request.auth, call=call, stage=stage))


@router.get("/evaluation/calls/{call_id}/ranking", response=RankingOut)
def get_ranking(request, call_id: int, stage: Stage = "final"):
    """Staff see the proposal; anyone signed in sees an approved ranking (public data)."""
    call = selectors.published_call(call_id)
    if call is None:
        raise Http404
    staff = permissions.can_view_evaluation(request.auth, call)  # staff of another call: the public view
    ranking = selectors.ranking_of(call, stage) if staff else selectors.published_ranking(call, stage)
    if ranking is None:
        raise Http404
    return _ranking(ranking, public=not staff)


@router.post("/evaluation/calls/{call_id}/ranking/approve", response=RankingOut)
def approve_ranking(request, call_id: int, payload: ApproveRankingIn):
    """Approve the proposed ranking with the determinazione (number and date): it is published and each
    applicant is told the outcome."""
    call = staff_call(request, call_id, permissions.can_approve_ranking)
    ranking = selectors.ranking_of(call, payload.stage)
    if ranking is None:
        raise Http404
    approved = services.approve_ranking(
        actor=request.auth,
        ranking=ranking,
        determination_number=payload.determination_number,
        determination_date=payload.determination_date,
    )
    return _ranking(approved)


@router.post("/evaluation/applications/{application_id}/renunciation", response={200: RankingOut, 204: None})
def post_renunciation(request, application_id: int, payload: RenunciationIn):
    """The applicant (or an officer) renounces a funded application; the ranking slides (200 with the
    ranking). On a first-come call the booking goes to the waiting list instead (204)."""
    application = selectors.submitted_application(application_id)
    if application is None or not permissions.can_renounce(request.auth, application):
        raise Http404
    services.record_renunciation(actor=request.auth, application=application, reason=payload.reason)
    ranking = selectors.ranking_of(application.call, "final")
    if ranking is None:
        return Status(204, None)
    return _ranking(ranking)


# --- two-phase calls: the executive project -----------------------------------------------------------------
def _idea(request, application_id: int):
    """One of the caller's ideas of a two-phase call, with its state (404 for anything else)."""
    idea = selectors.applicant_application(request.auth, application_id)  # DoesNotExist: 404
    state = selectors.executive_project_state(idea)
    if state.window is None:
        raise Http404
    return idea, state


@router.get("/evaluation/applications/{application_id}/executive-project", response=ExecutiveProjectOut)
def get_executive_project(request, application_id: int):
    """For the applicant: whether the idea is admitted to the second phase, the window's dates and the
    executive project once started."""
    idea, state = _idea(request, application_id)
    return {
        "application_id": idea.pk,
        "admitted": state.admitted,
        "window_title": state.window.title,
        "opens_at": state.window.opens_at,
        "closes_at": state.window.closes_at,
        "is_open": state.is_open(timezone.now()),
        "executive_application_id": state.executive.pk if state.executive else None,
    }


@router.post(
    "/evaluation/applications/{application_id}/executive-project", response={201: ExecutiveCreatedOut}
)
def post_executive_project(request, application_id: int):
    """Start the executive project of an admitted idea, only while the second window is open (422
    ``outside_executive_window`` with the dates otherwise; 409 for an idea not admitted or already
    developed). The new draft is then completed and sent through the applications API."""
    idea, _state = _idea(request, application_id)
    executive = services.create_executive_project(actor=request.auth, idea=idea)
    return Status(
        201,
        {
            "id": executive.pk,
            "preliminary_id": idea.pk,
            "call_code": idea.call.code,
            "status": executive.status,
            "title": executive.title,
        },
    )

"""API endpoints of the evaluation context (thin: input shapes here, rules in grants.evaluation.services).

Session authentication. Staff endpoints answer 403 to users without the permission; an evaluator reaches
only the assignments given to them (404 otherwise); applicants reach their own integration requests and
notices. Errors are application/problem+json with field-level ``errors``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from grants.applications import selectors as application_selectors
from grants.applications.models import Application
from grants.evaluation import permissions, selectors, services
from grants.evaluation.models import (
    Assignment,
    AssignmentStatus,
    IntegrationRequest,
    PanelMember,
    Ranking,
    RankingEntry,
)
from grants.evaluation.services import ChecklistAnswer, ChecklistItemInput, EvaluationError
from grants.programme.models import Call

from .applications import ViolationOut  # the same automatic checks, one schema in the OpenAPI document
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response

router = Router(tags=["evaluation"], auth=django_auth)


# --- shapes -------------------------------------------------------------------------------------------------
class ChecklistItemIn(Schema):
    code: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=40, description="Lettere, cifre, - e _")
    title: str = Field(min_length=1, max_length=255)
    description: str = ""


class ChecklistIn(Schema):
    items: list[ChecklistItemIn]


class ChecklistItemOut(Schema):
    id: int
    code: str
    title: str
    description: str


class AnswerIn(Schema):
    item_id: int
    satisfied: bool | None = None
    note: str = ""


class AdmissibilityIn(Schema):
    answers: list[AnswerIn] = []
    outcome: str | None = None
    reasons: str = ""
    project_lines: list[str] | None = Field(
        None,
        description="Codici delle linee di progetto del bando (riserve per tipologia di progetto) in cui "
        "rientra il progetto; sostituiscono le precedenti. Assente: invariate.",
    )


class ChecklistRowOut(Schema):
    item_id: int
    code: str
    title: str
    satisfied: bool | None
    note: str


class ProjectLineOut(Schema):
    code: str
    label: str
    amount: Decimal


class AdmissibilityOut(Schema):
    application_id: int
    status: str
    outcome: str
    reasons: str
    decided_at: datetime | None
    checklist: list[ChecklistRowOut]
    automatic_checks: list[ViolationOut]
    project_lines: list[str] = Field(description="Linee di progetto riconosciute")
    available_project_lines: list[ProjectLineOut] = Field(description="Linee di progetto del bando")


class IntegrationRequestIn(Schema):
    items: list[str]
    message: str = ""
    deadline: datetime | None = None


class IntegrationItemOut(Schema):
    id: int
    description: str
    response: str


class IntegrationRequestOut(Schema):
    id: int
    application_id: int
    status: str
    message: str
    deadline: datetime
    answered_at: datetime | None
    items: list[IntegrationItemOut]


class IntegrationAnswerIn(Schema):
    responses: dict[int, str]


class PanelIn(Schema):
    evaluators_per_application: int = Field(
        2, ge=1, le=services.MAX_EVALUATORS_PER_APPLICATION, description="Valutatori per ogni domanda"
    )
    disagreement_threshold: Decimal = Field(
        Decimal(10), ge=0, description="Scarto tra i punteggi oltre il quale serve il consenso"
    )


class MemberIn(Schema):
    user_id: int
    is_president: bool = False


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    is_president: bool
    is_active: bool
    load: int


class PanelOut(Schema):
    id: int
    call_id: int
    evaluators_per_application: int
    disagreement_threshold: Decimal
    members: list[MemberOut]


class AssignIn(Schema):
    application_id: int
    member_id: int


class AssignmentOut(Schema):
    id: int
    application_id: int
    call_code: str
    protocol: str
    member_id: int
    evaluator: str
    status: str
    automatic: bool


class AutoAssignOut(Schema):
    created: list[AssignmentOut]
    short_application_ids: list[int]


class PartyOut(Schema):
    partner_id: int
    name: str
    role: str


class DeclarationIn(Schema):
    conflicts: dict[int, bool]
    notes: dict[int, str] = {}


class DeclarationOut(Schema):
    assignment: AssignmentOut
    conflict: bool
    replacement: AssignmentOut | None


class ScoresIn(Schema):
    points: dict[str, Decimal | None]
    justifications: dict[str, str] = {}
    submit: bool = False


class ConsensusIn(Schema):
    points: dict[str, Decimal | None]
    justifications: dict[str, str] = {}
    note: str


class ScoreOut(Schema):
    criterion: str
    points: Decimal
    justification: str


class EvaluationOut(Schema):
    id: int
    application_id: int
    evaluator: str
    is_consensus: bool
    status: str
    total: Decimal
    bonus: Decimal
    scores: list[ScoreOut]


class ConsolidatedOut(Schema):
    application_id: int
    method: str
    base_score: Decimal
    bonus_score: Decimal
    total_score: Decimal
    meets_thresholds: bool
    threshold_failures: list[str]
    disagreement: bool
    spread: Decimal


class EntryOut(Schema):
    position: int | None
    application_id: int
    protocol: str
    applicant: str
    title: str
    score: Decimal
    outcome: str
    requested: Decimal
    granted: Decimal
    funded_from: dict[str, Decimal] = Field(
        default_factory=dict, description="Fonti del contributo: riserva (codice) o dotazione generale ('')"
    )
    reserves: list[str] = Field(default_factory=list, description="Riserve per cui la domanda concorre")
    tie_break_note: str


Stage = Literal["final", "preliminary"]


class RankingOut(Schema):
    id: int
    call_id: int
    stage: Stage
    status: str
    determination_number: str
    determination_date: date | None
    budget: Decimal
    granted: Decimal
    remaining: Decimal
    computed_at: datetime
    approved_at: datetime | None
    ignored_tie_break_rules: list[str]
    entries: list[EntryOut]


class RenunciationIn(Schema):
    reason: str


class ApproveRankingIn(Schema):
    stage: Stage = "final"
    determination_number: str = Field(..., max_length=40, description="Numero della determinazione")
    determination_date: date = Field(..., description="Data della determinazione (non futura)")


class ExecutiveProjectOut(Schema):
    application_id: int = Field(description="L'idea progettuale")
    admitted: bool = Field(description="Ammessa alla seconda fase dalla graduatoria approvata")
    window_title: str
    opens_at: datetime = Field(description="Apertura della seconda fase")
    closes_at: datetime = Field(description="Scadenza della seconda fase")
    is_open: bool
    executive_application_id: int | None = Field(description="Il progetto esecutivo, se avviato")


class ExecutiveCreatedOut(Schema):
    id: int
    preliminary_id: int
    call_code: str
    status: str
    title: str


class NoticeOut(Schema):
    id: int
    application_id: int
    subject: str
    body: str
    created_at: datetime


# --- helpers ------------------------------------------------------------------------------------------------
def _problem(exc: EvaluationError):
    return problem_response(exc.status, detail=exc.message, errors=exc.errors, code=exc.code)


def _forbidden(exc: PermissionDenied | None = None):
    return problem_response(403, detail=(str(exc) if exc else "") or "Operazione non consentita.")


def _staff_call(request, call_id: int, check) -> Call:
    if not check(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    call = selectors.published_call(call_id)
    if call is None:
        raise Http404
    return call


def _staff_application(request, application_id: int, check) -> Application:
    if not check(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    application = selectors.submitted_application(application_id)
    if application is None:
        raise Http404
    return application


def _run(action):
    """Call a service: (result, None), or (None, the problem response of a refusal)."""
    try:
        return action(), None
    except PermissionDenied as exc:
        return None, _forbidden(exc)
    except EvaluationError as exc:
        return None, _problem(exc)


def _admissibility(application: Application) -> dict:
    application.refresh_from_db()
    review = selectors.review_of(application)
    return {
        "application_id": application.pk,
        "status": application.status,
        "outcome": review.outcome if review else "pending",
        "reasons": review.reasons if review else "",
        "decided_at": review.decided_at if review else None,
        "checklist": [
            {
                "item_id": row.item.pk,
                "code": row.item.code,
                "title": row.item.title,
                "satisfied": row.satisfied,
                "note": row.note,
            }
            for row in selectors.checklist_rows(application)
        ],
        "automatic_checks": selectors.automatic_checks(application),
        "project_lines": list(review.project_lines or []) if review else [],
        "available_project_lines": [
            {"code": r.code, "label": r.label, "amount": r.amount}
            for r in selectors.project_lines(application.call)
        ],
    }


def _request(request_: IntegrationRequest) -> dict:
    return {
        "id": request_.pk,
        "application_id": request_.application_id,
        "status": request_.status,
        "message": request_.message,
        "deadline": request_.deadline,
        "answered_at": request_.answered_at,
        "items": [
            {"id": i.pk, "description": i.description, "response": i.response} for i in request_.items.all()
        ],
    }


def _panel(panel) -> dict:
    return {
        "id": panel.pk,
        "call_id": panel.call_id,
        "evaluators_per_application": panel.evaluators_per_application,
        "disagreement_threshold": panel.disagreement_threshold,
        "members": [
            {
                "id": m.pk,
                "user_id": m.user_id,
                "name": str(m),
                "is_president": m.is_president,
                "is_active": m.is_active,
                "load": m.load,
            }
            for m in selectors.panel_members(panel)
        ],
    }


def _assignment(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "application_id": assignment.application_id,
        "call_code": assignment.application.call.code,
        "protocol": assignment.application.protocol,
        "member_id": assignment.member_id,
        "evaluator": str(assignment.member),
        "status": assignment.status,
        "automatic": assignment.automatic,
    }


def _evaluation(evaluation) -> dict:
    return {
        "id": evaluation.pk,
        "application_id": evaluation.application_id,
        "evaluator": evaluation.evaluator.get_full_name() or evaluation.evaluator.email,
        "is_consensus": evaluation.is_consensus,
        "status": evaluation.status,
        "total": evaluation.total,
        "bonus": evaluation.bonus,
        "scores": [
            {"criterion": s.criterion.code, "points": s.points, "justification": s.justification}
            for s in evaluation.scores.all()
        ],
    }


def _consolidated(consolidated) -> dict:
    return {
        "application_id": consolidated.application_id,
        "method": consolidated.method,
        "base_score": consolidated.base_score,
        "bonus_score": consolidated.bonus_score,
        "total_score": consolidated.total_score,
        "meets_thresholds": consolidated.meets_thresholds,
        "threshold_failures": consolidated.threshold_failures,
        "disagreement": consolidated.disagreement,
        "spread": consolidated.spread,
    }


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


def _my_assignment(request, assignment_id: int) -> Assignment:
    try:
        assignment = selectors.assignment_for_evaluator(request.auth, assignment_id)
    except Assignment.DoesNotExist:
        raise Http404 from None
    if not permissions.is_assigned_evaluator(request.auth, assignment):  # e.g. no longer staff
        raise Http404
    return assignment


# --- admissibility ------------------------------------------------------------------------------------------
@router.get("/evaluation/calls/{call_id}/checklist", response=list[ChecklistItemOut])
def get_checklist(request, call_id: int):
    try:
        call = _staff_call(request, call_id, permissions.can_view_evaluation)
    except PermissionDenied as exc:
        return _forbidden(exc)
    return [
        {"id": i.pk, "code": i.code, "title": i.title, "description": i.description}
        for i in selectors.checklist(call)
    ]


@router.put("/evaluation/calls/{call_id}/checklist", response=list[ChecklistItemOut])
def put_checklist(request, call_id: int, payload: ChecklistIn):
    try:
        call = _staff_call(request, call_id, permissions.can_configure_checklist)
    except PermissionDenied as exc:
        return _forbidden(exc)
    result, problem = _run(
        lambda: services.save_checklist(
            actor=request.auth,
            call=call,
            items=[
                ChecklistItemInput(code=i.code, title=i.title, description=i.description)
                for i in payload.items
            ],
        )
    )
    if problem is not None:
        return problem
    return [{"id": i.pk, "code": i.code, "title": i.title, "description": i.description} for i in result]


@router.get("/evaluation/applications/{application_id}/admissibility", response=AdmissibilityOut)
def get_admissibility(request, application_id: int):
    try:
        application = _staff_application(request, application_id, permissions.can_check_admissibility)
    except PermissionDenied as exc:
        return _forbidden(exc)
    return _admissibility(application)


@router.post("/evaluation/applications/{application_id}/admissibility", response=AdmissibilityOut)
def post_admissibility(request, application_id: int, payload: AdmissibilityIn):
    try:
        application = _staff_application(request, application_id, permissions.can_check_admissibility)
    except PermissionDenied as exc:
        return _forbidden(exc)
    _result, problem = _run(
        lambda: services.record_admissibility(
            actor=request.auth,
            application=application,
            answers={a.item_id: ChecklistAnswer(satisfied=a.satisfied, note=a.note) for a in payload.answers},
            outcome=payload.outcome or None,
            reasons=payload.reasons,
            project_lines=payload.project_lines,
        )
    )
    if problem is not None:
        return problem
    return _admissibility(application)


# --- integration requests -----------------------------------------------------------------------------------
@router.post(
    "/evaluation/applications/{application_id}/integration-requests", response={201: IntegrationRequestOut}
)
def post_integration_request(request, application_id: int, payload: IntegrationRequestIn):
    try:
        application = _staff_application(request, application_id, permissions.can_check_admissibility)
    except PermissionDenied as exc:
        return _forbidden(exc)
    result, problem = _run(
        lambda: services.request_integration(
            actor=request.auth,
            application=application,
            items=payload.items,
            message=payload.message,
            deadline=payload.deadline,
        )
    )
    if problem is not None:
        return problem
    return Status(201, _request(result))


@router.get("/integration-requests/{request_id}", response=IntegrationRequestOut)
def get_integration_request(request, request_id: int):
    """For the applicant: a request addressed to one of their organisations."""
    try:
        return _request(selectors.integration_request_for_user(request.auth, request_id))
    except IntegrationRequest.DoesNotExist:
        raise Http404 from None


@router.post("/integration-requests/{request_id}/answer", response=IntegrationRequestOut)
def answer_integration_request(request, request_id: int, payload: IntegrationAnswerIn):
    try:
        integration = selectors.integration_request_for_user(request.auth, request_id)
    except IntegrationRequest.DoesNotExist:
        raise Http404 from None
    result, problem = _run(
        lambda: services.answer_integration(
            actor=request.auth, request=integration, responses=payload.responses
        )
    )
    if problem is not None:
        return problem
    return _request(result)


NOTICE_ORDERING = Ordering("-created_at", created_at="created_at")


class NoticeFilters(Schema):
    ordering: NOTICE_ORDERING.choices = NOTICE_ORDERING.field()


def _notice(notice) -> dict:
    return {
        "id": notice.pk,
        "application_id": notice.application_id,
        "subject": notice.subject,
        "body": notice.body,
        "created_at": notice.created_at,
    }


@router.get("/applications/{application_id}/notices", response=list[NoticeOut])
@paginate(Pagination, page_size=20)
def list_notices(request, application_id: int, filters: Query[NoticeFilters]):
    """For the applicant: the communications about one of their applications (404 for anyone else's)."""
    if not application_selectors.applications_for_user(request.auth).filter(pk=application_id).exists():
        raise Http404
    notices = selectors.notices_for_user(request.auth).filter(application_id=application_id)
    return LazyRows(NOTICE_ORDERING.apply(notices, filters.ordering), _notice)


# --- panel and assignments ----------------------------------------------------------------------------------
@router.put("/evaluation/calls/{call_id}/panel", response=PanelOut)
def put_panel(request, call_id: int, payload: PanelIn):
    try:
        call = _staff_call(request, call_id, permissions.can_manage_panel)
    except PermissionDenied as exc:
        return _forbidden(exc)
    result, problem = _run(
        lambda: services.set_panel(
            actor=request.auth,
            call=call,
            evaluators_per_application=payload.evaluators_per_application,
            disagreement_threshold=payload.disagreement_threshold,
        )
    )
    if problem is not None:
        return problem
    return _panel(result)


@router.get("/evaluation/calls/{call_id}/panel", response=PanelOut)
def get_panel(request, call_id: int):
    try:
        call = _staff_call(request, call_id, permissions.can_view_evaluation)
    except PermissionDenied as exc:
        return _forbidden(exc)
    panel = selectors.panel_of(call)
    if panel is None:
        raise Http404
    return _panel(panel)


@router.post("/evaluation/calls/{call_id}/panel/members", response={201: PanelOut})
def post_panel_member(request, call_id: int, payload: MemberIn):
    try:
        call = _staff_call(request, call_id, permissions.can_manage_panel)
    except PermissionDenied as exc:
        return _forbidden(exc)
    panel = selectors.panel_of(call)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if panel is None or user is None:
        raise Http404
    _result, problem = _run(
        lambda: services.add_panel_member(
            actor=request.auth, panel=panel, user=user, is_president=payload.is_president
        )
    )
    if problem is not None:
        return problem
    return Status(201, _panel(panel))


@router.post("/evaluation/calls/{call_id}/assignments", response={201: AssignmentOut})
def post_assignment(request, call_id: int, payload: AssignIn):
    try:
        call = _staff_call(request, call_id, permissions.can_manage_panel)
    except PermissionDenied as exc:
        return _forbidden(exc)
    application = Application.objects.filter(call=call, pk=payload.application_id).first()
    member = PanelMember.objects.filter(panel__call=call, pk=payload.member_id).select_related("user").first()
    if application is None or member is None:
        raise Http404
    result, problem = _run(
        lambda: services.assign(actor=request.auth, application=application, member=member)
    )
    if problem is not None:
        return problem
    return Status(201, _assignment(result))


@router.post("/evaluation/calls/{call_id}/assignments/auto", response=AutoAssignOut)
def post_auto_assign(request, call_id: int):
    try:
        call = _staff_call(request, call_id, permissions.can_manage_panel)
    except PermissionDenied as exc:
        return _forbidden(exc)
    result, problem = _run(lambda: services.auto_assign(actor=request.auth, call=call))
    if problem is not None:
        return problem
    return {
        "created": [_assignment(a) for a in result.created],
        "short_application_ids": [a.pk for a in result.short],
    }


# --- evaluator ----------------------------------------------------------------------------------------------
ASSIGNMENT_ORDERING = Ordering(
    "call",
    call=("application__call__code", "application__protocol_year", "application__protocol_number"),
    created_at="created_at",
)
AssignmentStatusFilter = Literal[tuple(AssignmentStatus.values)]  # type: ignore[valid-type]


class AssignmentFilters(Schema):
    call: str | None = Field(None, description="Codice del bando")
    status: AssignmentStatusFilter | None = None
    ordering: ASSIGNMENT_ORDERING.choices = ASSIGNMENT_ORDERING.field()


@router.get("/evaluation/assignments", response=list[AssignmentOut])
@paginate(Pagination, page_size=50)
def my_assignments(request, filters: Query[AssignmentFilters]):
    """The evaluator's live assignments (to declare, in progress, submitted), across calls."""
    assignments = selectors.assignments_for_evaluator(request.auth).select_related("member__user")
    if filters.call:
        assignments = assignments.filter(application__call__code=filters.call)
    if filters.status:
        assignments = assignments.filter(status=filters.status)
    return LazyRows(ASSIGNMENT_ORDERING.apply(assignments, filters.ordering), _assignment)


@router.get("/evaluation/assignments/{assignment_id}/parties", response=list[PartyOut])
def assignment_parties(request, assignment_id: int):
    """Only the names of the lead and partners: what the evaluator needs to declare on conflicts."""
    assignment = _my_assignment(request, assignment_id)
    return [
        {"partner_id": p.pk, "name": p.display_name, "role": p.role}
        for p in selectors.lead_first(selectors.parties(assignment.application))
    ]


@router.post("/evaluation/assignments/{assignment_id}/declaration", response=DeclarationOut)
def post_declaration(request, assignment_id: int, payload: DeclarationIn):
    assignment = _my_assignment(request, assignment_id)
    result, problem = _run(
        lambda: services.declare_conflicts(
            actor=request.auth, assignment=assignment, conflicts=payload.conflicts, notes=payload.notes
        )
    )
    if problem is not None:
        return problem
    return {
        "assignment": _assignment(result.assignment),
        "conflict": result.conflict,
        "replacement": _assignment(result.replacement) if result.replacement else None,
    }


@router.put("/evaluation/assignments/{assignment_id}/scores", response=EvaluationOut)
def put_scores(request, assignment_id: int, payload: ScoresIn):
    assignment = _my_assignment(request, assignment_id)
    result, problem = _run(
        lambda: services.save_scores(
            actor=request.auth,
            assignment=assignment,
            points=payload.points,
            justifications=payload.justifications,
            submit=payload.submit,
        )
    )
    if problem is not None:
        return problem
    return _evaluation(result)


@router.get("/evaluation/applications/{application_id}/evaluations", response=list[EvaluationOut])
def list_evaluations(request, application_id: int):
    """What the user may see: an evaluator sees others' scores only after submitting their own."""
    application = selectors.submitted_application(application_id)
    if application is None or not permissions.can_see_evaluations(request.auth, application):
        raise Http404
    return [_evaluation(e) for e in selectors.visible_evaluations(request.auth, application)]


@router.put("/evaluation/applications/{application_id}/consensus", response=ConsolidatedOut)
def put_consensus(request, application_id: int, payload: ConsensusIn):
    """Only the president of the application's panel, not in conflict on it: 404 for anyone else, whether or
    not the call has a panel yet (the refusal does not tell an outsider which applications exist)."""
    application = selectors.submitted_application(application_id)
    if application is None or not permissions.can_set_consensus(request.auth, application):
        raise Http404
    result, problem = _run(
        lambda: services.set_consensus(
            actor=request.auth,
            application=application,
            points=payload.points,
            justifications=payload.justifications,
            note=payload.note,
        )
    )
    if problem is not None:
        return problem
    return _consolidated(result)


@router.get("/evaluation/applications/{application_id}/consolidated", response=ConsolidatedOut)
def get_consolidated(request, application_id: int):
    try:
        application = _staff_application(request, application_id, permissions.can_view_evaluation)
    except PermissionDenied as exc:
        return _forbidden(exc)
    consolidated = getattr(application, "consolidated", None)
    if consolidated is None:
        raise Http404
    return _consolidated(consolidated)


# --- ranking ------------------------------------------------------------------------------------------------
@router.post("/evaluation/calls/{call_id}/ranking", response=RankingOut)
def post_ranking(request, call_id: int, stage: Stage = "final"):
    """Compute (or recompute) the proposed ranking of a stage (``?stage=preliminary``: the project ideas
    of a two-phase call; default: the final ranking)."""
    try:
        call = _staff_call(request, call_id, permissions.can_prepare_ranking)
    except PermissionDenied as exc:
        return _forbidden(exc)
    result, problem = _run(lambda: services.compute_ranking(actor=request.auth, call=call, stage=stage))
    if problem is not None:
        return problem
    return _ranking(result)


@router.get("/evaluation/calls/{call_id}/ranking", response=RankingOut)
def get_ranking(request, call_id: int, stage: Stage = "final"):
    """Staff see the proposal; anyone signed in sees an approved ranking (public data)."""
    call = selectors.published_call(call_id)
    if call is None:
        raise Http404
    staff = permissions.can_view_evaluation(request.auth)
    ranking = selectors.ranking_of(call, stage) if staff else selectors.published_ranking(call, stage)
    if ranking is None:
        raise Http404
    return _ranking(ranking, public=not staff)


@router.post("/evaluation/calls/{call_id}/ranking/approve", response=RankingOut)
def approve_ranking(request, call_id: int, payload: ApproveRankingIn):
    """Approve the proposed ranking with the determinazione (number and date): it is published and each
    applicant is told the outcome."""
    try:
        call = _staff_call(request, call_id, permissions.can_approve_ranking)
    except PermissionDenied as exc:
        return _forbidden(exc)
    ranking = selectors.ranking_of(call, payload.stage)
    if ranking is None:
        raise Http404
    result, problem = _run(
        lambda: services.approve_ranking(
            actor=request.auth,
            ranking=ranking,
            determination_number=payload.determination_number,
            determination_date=payload.determination_date,
        )
    )
    if problem is not None:
        return problem
    return _ranking(result)


@router.post("/evaluation/applications/{application_id}/renunciation", response=RankingOut)
def post_renunciation(request, application_id: int, payload: RenunciationIn):
    """The applicant (or an officer) renounces a funded application; the ranking slides."""
    application = selectors.submitted_application(application_id)
    if application is None or not permissions.can_renounce(request.auth, application):
        raise Http404
    _result, problem = _run(
        lambda: services.record_renunciation(
            actor=request.auth, application=application, reason=payload.reason
        )
    )
    if problem is not None:
        return problem
    return _ranking(selectors.ranking_of(application.call, "final"))


# --- two-phase calls: the executive project -----------------------------------------------------------------
def _idea(request, application_id: int):
    """One of the caller's ideas of a two-phase call, with its state (404 for anything else)."""
    try:
        idea = selectors.applicant_application(request.auth, application_id)
    except Application.DoesNotExist:
        raise Http404 from None
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
    result, problem = _run(lambda: services.create_executive_project(actor=request.auth, idea=idea))
    if problem is not None:
        return problem
    return Status(
        201,
        {
            "id": result.pk,
            "preliminary_id": idea.pk,
            "call_code": idea.call.code,
            "status": result.status,
            "title": result.title,
        },
    )

"""The evaluator's work: their assignments, the conflict declaration, the scores; the president's
consensus and the consolidated score."""

from typing import Literal

from django.http import Http404
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from grants.applications import document_access
from grants.applications.models import ApplicationDocument
from grants.evaluation import permissions, selectors, services
from grants.evaluation.models import AssignmentStatus

from ..applications.schemas import DOCUMENT_FILE
from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .access import assignment_out, my_assignment, staff_application
from .schemas import (
    AssignmentOut,
    ConsensusIn,
    ConsolidatedOut,
    DeclarationIn,
    DeclarationOut,
    EvaluationOut,
    PartyOut,
    ScoresIn,
)

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


@router.get("/evaluation/assignments", response=list[AssignmentOut])
@paginate(Pagination, page_size=50)
def my_assignments(request, filters: Query[AssignmentFilters]):
    """The evaluator's live assignments (to declare, in progress, submitted), across calls."""
    assignments = selectors.assignments_for_evaluator(request.auth).select_related("member__user")
    if filters.call:
        assignments = assignments.filter(application__call__code=filters.call)
    if filters.status:
        assignments = assignments.filter(status=filters.status)
    return LazyRows(ASSIGNMENT_ORDERING.apply(assignments, filters.ordering), assignment_out)


@router.get("/evaluation/assignments/{assignment_id}/parties", response=list[PartyOut])
def assignment_parties(request, assignment_id: int):
    """Only the names of the lead and partners: what the evaluator needs to declare on conflicts."""
    assignment = my_assignment(request, assignment_id)
    return [
        {"partner_id": p.pk, "name": p.display_name, "role": p.role}
        for p in selectors.lead_first(selectors.parties(assignment.application))
    ]


@router.get(
    "/evaluation/assignments/{assignment_id}/documents/{document_id}",
    openapi_extra={
        "responses": {
            **DOCUMENT_FILE["responses"],
            404: {
                "description": "Documento non trovato, o domanda non ancora leggibile (prima della "
                "dichiarazione)."
            },
        }
    },
)
def assignment_document(request, assignment_id: int, document_id: int):
    """Un documento della domanda da valutare, per il valutatore dopo la dichiarazione senza conflitti; ogni
    download è registrato, come per i funzionari."""
    assignment = my_assignment(request, assignment_id)
    try:
        document = selectors.assigned_document(request.auth, assignment, document_id)
    except ApplicationDocument.DoesNotExist:
        raise Http404 from None
    handle = document_access.open_document_checked_above(
        actor=request.auth, document=document, request=request
    )
    return document_access.download_response(handle, document)


@router.post("/evaluation/assignments/{assignment_id}/declaration", response=DeclarationOut)
def post_declaration(request, assignment_id: int, payload: DeclarationIn):
    assignment = my_assignment(request, assignment_id)
    result = services.declare_conflicts(
        actor=request.auth, assignment=assignment, conflicts=payload.conflicts, notes=payload.notes
    )
    return {
        "assignment": assignment_out(result.assignment),
        "conflict": result.conflict,
        "replacement": assignment_out(result.replacement) if result.replacement else None,
    }


@router.put("/evaluation/assignments/{assignment_id}/scores", response=EvaluationOut)
def put_scores(request, assignment_id: int, payload: ScoresIn):
    evaluation = services.save_scores(
        actor=request.auth,
        assignment=my_assignment(request, assignment_id),
        points=payload.points,
        justifications=payload.justifications,
        submit=payload.submit,
    )
    return _evaluation(evaluation)


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
    return services.set_consensus(
        actor=request.auth,
        application=application,
        points=payload.points,
        justifications=payload.justifications,
        note=payload.note,
    )


@router.get("/evaluation/applications/{application_id}/consolidated", response=ConsolidatedOut)
def get_consolidated(request, application_id: int):
    application = staff_application(request, application_id, permissions.can_view_evaluation)
    consolidated = getattr(application, "consolidated", None)
    if consolidated is None:
        raise Http404
    return consolidated

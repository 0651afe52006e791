"""The knowledge base: the beneficiary's experiment sheets, their review, the interest in replicating them."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from grants.core.timeutils import in_rome
from grants.projects.models import Project
from grants.registry import selectors as registry_selectors
from grants.transparency import permissions, services
from grants.transparency import public_projects as pp
from grants.transparency.knowledge_selectors import SheetFilters, search_sheets
from grants.transparency.models import ExperimentSheet
from grants.transparency.states import SheetStatus

from ..auth import API_AUTH
from ..pagination import LazyRows, Ordering, Pagination
from ..problems import problem_response, problem_responses
from . import router
from .common import PAGE_SIZE


# --- knowledge base ----------------------------------------------------------------------------------------
class SheetOut(Schema):
    id: int
    project_id: int
    title: str
    beneficiary: str
    status: str
    need: str
    solution: str
    themes: list[str]
    target_groups: list[str]
    results: str
    costs: str
    replication_requirements: str
    sustainability: str
    review_note: str
    published_at: datetime | None


def _sheet_out(sheet: ExperimentSheet, *, show_note: bool) -> dict:
    return {
        "id": sheet.pk,
        "project_id": sheet.project_id,
        "title": sheet.project.title,
        "beneficiary": pp.beneficiary_name(sheet.project),
        "status": sheet.status,
        **{name: getattr(sheet, name) for name in services.SHEET_TEXT_FIELDS},
        "themes": sheet.themes,
        "target_groups": sheet.target_groups,
        "review_note": sheet.review_note if show_note else "",
        "published_at": in_rome(sheet.published_at) if sheet.published_at else None,
    }


SHEET_ORDERING = Ordering("-published_at", published_at="published_at", title="project__title")


class SheetQuery(Schema):
    q: str = ""
    theme: str = ""
    target_group: str = ""
    province: str = ""
    district: str = ""
    ordering: SHEET_ORDERING.choices = SHEET_ORDERING.field()


@router.get(
    "/public/experiences", response=list[SheetOut], summary="Banca delle conoscenze: esperienze pubblicate"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_experiences(request, filters: Query[SheetQuery]):
    sheets = search_sheets(
        SheetFilters(
            query=filters.q[:100],
            theme=filters.theme,
            target_group=filters.target_group,
            province=filters.province,
            district=filters.district,
        )
    )
    return LazyRows(
        SHEET_ORDERING.apply(sheets, filters.ordering), lambda sheet: _sheet_out(sheet, show_note=False)
    )


def _readable_sheet(user, sheet_id: int) -> ExperimentSheet:
    sheet = get_object_or_404(ExperimentSheet.objects.select_related("project__beneficiary"), pk=sheet_id)
    if not permissions.can_read_sheet(user, sheet):
        raise Http404
    return sheet


@router.get(
    "/public/experiences/{sheet_id}",
    response={200: SheetOut, **problem_responses(404)},
    summary="Scheda di un'esperienza (pubblicata; il beneficiario e lo staff vedono anche le altre)",
)
def get_experience(request, sheet_id: int):
    user = getattr(request, "user", None)
    sheet = _readable_sheet(user, sheet_id)
    show_note = permissions.can_write_sheet(user, sheet.project) or permissions.can_review_sheets(user, sheet)
    return _sheet_out(sheet, show_note=show_note)


class SheetIn(Schema):
    need: str = ""
    solution: str = ""
    themes: list[str] = []
    target_groups: list[str] = []
    results: str = ""
    costs: str = ""
    replication_requirements: str = ""
    sustainability: str = ""


@router.put(
    "/experiences/projects/{project_id}/sheet",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Scrive la scheda dell'esperienza del progetto (beneficiario; bozza)",
)
def save_sheet(request, project_id: int, payload: SheetIn):
    project = get_object_or_404(Project.objects.select_related("beneficiary"), pk=project_id)
    if not permissions.can_write_sheet(request.auth, project):
        raise Http404
    return _sheet_out(
        services.save_sheet(actor=request.auth, project=project, data=services.SheetInput(**payload.dict())),
        show_note=True,
    )


@router.post(
    "/experiences/{sheet_id}/submit",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Invia la scheda in revisione (beneficiario)",
)
def submit_sheet(request, sheet_id: int):
    sheet = _readable_sheet(request.auth, sheet_id)
    if not permissions.can_write_sheet(request.auth, sheet.project):
        raise Http404
    return _sheet_out(services.submit_sheet(actor=request.auth, sheet=sheet), show_note=True)


class SheetReviewIn(Schema):
    decision: str = Field(description="publish | return")
    note: str = ""


@router.post(
    "/experiences/{sheet_id}/review",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Pubblica la scheda o la rimanda al beneficiario (staff)",
)
def review_sheet(request, sheet_id: int, payload: SheetReviewIn):
    if not permissions.can_review_sheets(request.auth):
        raise PermissionDenied("Non sei abilitato a revisionare le schede.")
    sheet = get_object_or_404(ExperimentSheet, pk=sheet_id)
    if not permissions.can_review_sheets(request.auth, sheet):
        raise Http404
    if payload.decision == "publish":
        return _sheet_out(
            services.publish_sheet(actor=request.auth, sheet=sheet, note=payload.note), show_note=True
        )
    if payload.decision == "return":
        return _sheet_out(
            services.return_sheet(actor=request.auth, sheet=sheet, note=payload.note), show_note=True
        )
    return problem_response(
        422,
        detail="I dati inviati non sono validi.",
        errors=[{"field": "decision", "message": "Indica «publish» o «return»."}],
    )


class InterestIn(Schema):
    organisation_id: int
    message: str


class InterestOut(Schema):
    id: int
    sheet_id: int
    organisation: str
    message: str
    created_at: datetime


@router.post(
    "/experiences/{sheet_id}/interests",
    auth=API_AUTH,
    response={201: InterestOut, **problem_responses(403, 404, 409, 422)},
    summary="Dichiara l'interesse a replicare un'esperienza pubblicata (i titolari sono avvisati)",
)
def declare_interest(request, sheet_id: int, payload: InterestIn):
    sheet = get_object_or_404(
        ExperimentSheet.objects.select_related("project"), pk=sheet_id, status=SheetStatus.PUBLISHED
    )
    # Only the caller's organisations are looked up: another's answers exactly as one that does not exist.
    organisation = registry_selectors.acting_organisation(request.auth, payload.organisation_id)
    if organisation is None:
        return problem_response(
            422,
            detail="I dati inviati non sono validi.",
            errors=[
                {
                    "field": "organisation_id",
                    "code": "not_found",
                    "message": "Organizzazione non trovata tra quelle per cui agisci.",
                }
            ],
        )

    interest = services.declare_replication_interest(
        actor=request.auth, sheet=sheet, organisation=organisation, message=payload.message
    )
    return Status(
        201,
        {
            "id": interest.pk,
            "sheet_id": sheet.pk,
            "organisation": organisation.name,
            "message": interest.message,
            "created_at": in_rome(interest.created_at),
        },
    )

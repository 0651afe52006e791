"""API endpoints of the projects context (thin: input shapes here, rules in grants.projects.services).

A beneficiary's members reach their organisations' projects; staff with ``projects.view_project`` read every
project and those with ``projects.manage_project`` decide. Another organisation's project answers 404.
Errors are application/problem+json with field-level ``errors``; a request the project's state does not
allow answers 409.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.applications.models import Application
from grants.core.audit import record_event
from grants.programme.models import Call
from grants.projects import permissions, selectors, services
from grants.projects.agreement import agreement_filename, render_agreement_pdf
from grants.projects.export import projects_xlsx
from grants.projects.models import Project, ProjectChange
from grants.projects.services import ProjectError
from grants.projects.states import ProjectStatus
from grants.registry.models import Organisation
from grants.territory.models import Province

from .auth import API_AUTH
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response

router = Router(tags=["projects"], auth=API_AUTH)


# --- shapes -------------------------------------------------------------------------------------------------
class ProjectPartnerOut(Schema):
    id: int
    name: str
    organisation_id: int | None
    role: str
    budget_share: Decimal
    withdrawn_on: date | None


class ProjectBudgetLineOut(Schema):
    id: int
    category: str
    category_title: str
    partner_id: int | None
    cost_option: str
    requested_amount: Decimal
    approved_amount: Decimal


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date
    achieved_on: date | None


class PhaseOut(Schema):
    title: str
    planned_start_date: date
    planned_end_date: date
    milestones: list[MilestoneOut]


class VariationItemOut(Schema):
    budget_line_id: int
    previous_amount: Decimal
    new_amount: Decimal


class ChangeOut(Schema):
    id: int
    kind: str
    status: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    moved_amount: Decimal | None
    moved_percent: Decimal | None
    previous_end_date: date | None
    new_end_date: date | None
    previous_grant: Decimal | None
    new_grant: Decimal | None
    partner_action: str
    partner_id: int | None
    organisation_id: int | None
    items: list[VariationItemOut]


class ProjectSummaryOut(Schema):
    id: int
    application_id: int
    call: str
    beneficiary_id: int
    beneficiary: str
    cup: str
    title: str
    status: str
    grant: Decimal
    cofinancing: Decimal
    total_eligible_cost: Decimal


class ProjectOut(ProjectSummaryOut):
    summary: str
    original_grant: Decimal
    planned_start_date: date
    planned_end_date: date
    actual_start_date: date | None
    actual_end_date: date | None
    acceptance_deadline: datetime
    accepted_at: datetime | None
    signed_agreement_sha256: str
    can_receive_payments: bool
    payment_block_reason: str
    partners: list[ProjectPartnerOut]
    budget_lines: list[ProjectBudgetLineOut]
    phases: list[PhaseOut]
    changes: list[ChangeOut]


class CupIn(Schema):
    cup: str


class StartIn(Schema):
    start_date: date


class VariationIn(Schema):
    amounts: dict[int, Decimal]
    reason: str


class PartnerChangeIn(Schema):
    action: str
    reason: str
    organisation_id: int | None = None
    partner_id: int | None = None


class ExtensionIn(Schema):
    new_end_date: date
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class MilestoneIn(Schema):
    achieved_on: date


class ReasonIn(Schema):
    reason: str


class RevocationIn(Schema):
    new_grant: Decimal
    reason: str


class ConcludeIn(Schema):
    end_date: date
    reason: str = ""


# --- helpers ------------------------------------------------------------------------------------------------
def _problem(exc: ProjectError):
    return problem_response(exc.status, detail=exc.message, errors=exc.errors, code=exc.code)


def _forbidden(exc: PermissionDenied | None = None):
    return problem_response(403, detail=(str(exc) if exc else "") or "Operazione non consentita.")


def _project(request, project_id: int) -> Project:
    project = (
        permissions.visible_projects(request.auth)
        .select_related("call", "beneficiary", "application")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def _run(request, project: Project, action):
    try:
        action()
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return _detail(Project.objects.get(pk=project.pk))


def _summary(project: Project) -> dict:
    return {
        "id": project.pk,
        "application_id": project.application_id,
        "call": project.call.code,
        "beneficiary_id": project.beneficiary_id,
        "beneficiary": project.beneficiary.name,
        "cup": project.cup,
        "title": project.title,
        "status": project.status,
        "grant": project.grant,
        "cofinancing": project.cofinancing,
        "total_eligible_cost": project.total_eligible_cost,
    }


def _change(change: ProjectChange) -> dict:
    return {
        "id": change.pk,
        "kind": change.kind,
        "status": change.status,
        "reason": change.reason,
        "requested_at": change.created_at,
        "decided_at": change.decided_at,
        "decision_note": change.decision_note,
        "moved_amount": change.moved_amount,
        "moved_percent": change.moved_percent,
        "previous_end_date": change.previous_end_date,
        "new_end_date": change.new_end_date,
        "previous_grant": change.previous_grant,
        "new_grant": change.new_grant,
        "partner_action": change.partner_action,
        "partner_id": change.partner_id,
        "organisation_id": change.organisation_id,
        "items": [
            {
                "budget_line_id": i.budget_line_id,
                "previous_amount": i.previous_amount,
                "new_amount": i.new_amount,
            }
            for i in change.variation_items.all()
        ],
    }


def _detail(project: Project) -> dict:
    allowed, reason = selectors.can_receive_payments(project)
    return {
        **_summary(project),
        "summary": project.summary,
        "original_grant": project.original_grant,
        "planned_start_date": project.planned_start_date,
        "planned_end_date": project.planned_end_date,
        "actual_start_date": project.actual_start_date,
        "actual_end_date": project.actual_end_date,
        "acceptance_deadline": project.acceptance_deadline,
        "accepted_at": project.accepted_at,
        "signed_agreement_sha256": project.signed_agreement_sha256,
        "can_receive_payments": allowed,
        "payment_block_reason": reason,
        "partners": [
            {
                "id": p.pk,
                "name": p.name,
                "organisation_id": p.organisation_id,
                "role": p.role,
                "budget_share": p.budget_share,
                "withdrawn_on": p.withdrawn_on,
            }
            for p in project.partners.order_by("order", "pk")
        ],
        "budget_lines": [
            {
                "id": line.pk,
                "category": line.category.code,
                "category_title": line.category.title,
                "partner_id": line.partner_id,
                "cost_option": line.cost_option,
                "requested_amount": line.requested_amount,
                "approved_amount": line.approved_amount,
            }
            for line in project.budget_lines.select_related("category").order_by("order", "pk")
        ],
        "phases": [
            {
                "title": phase.title,
                "planned_start_date": phase.planned_start_date,
                "planned_end_date": phase.planned_end_date,
                "milestones": [
                    {"id": m.pk, "title": m.title, "due_date": m.due_date, "achieved_on": m.achieved_on}
                    for m in phase.milestones.all()
                ],
            }
            for phase in project.phases.prefetch_related("milestones").order_by("order", "pk")
        ],
        "changes": [_change(c) for c in selectors.changes_of(project)],
    }


# --- reads --------------------------------------------------------------------------------------------------
PROJECT_ORDERING = Ordering(
    "call",
    call=("call__code", "title"),
    title="title",
    cup="cup",
    beneficiary="beneficiary__name",
    grant="grant",
    created_at="created_at",
)
ProjectStatusFilter = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]


class ProjectFilters(Schema):
    call: str | None = Field(None, description="Codice del bando")
    measure: str | None = Field(None, description="Codice della misura")
    status: ProjectStatusFilter | None = None
    province: str | None = Field(None, description="Codice ISTAT della provincia della sede del beneficiario")
    q: str = Field(
        "", max_length=100, description="Testo nel titolo o nel beneficiario, CUP o codice fiscale"
    )
    ordering: PROJECT_ORDERING.choices = PROJECT_ORDERING.field()


@router.get("/projects", response=list[ProjectSummaryOut])
@paginate(Pagination, page_size=50)
def list_projects(request, filters: Query[ProjectFilters]):
    """The caller's organisations' projects; for staff who read every project, all of them. Filters: call
    code, measure code, status, ISTAT code of the province of the beneficiary's seat, text (unknown codes
    match none)."""
    call = Call.objects.filter(code=filters.call).first() if filters.call else None
    province = Province.objects.filter(istat_code=filters.province).first() if filters.province else None
    if (filters.call and call is None) or (filters.province and province is None):
        return []
    projects = selectors.filtered_projects(
        permissions.visible_projects(request.auth),
        call=call,
        status=filters.status,
        province=province,
        search=filters.q,
    )
    if filters.measure:
        projects = projects.filter(call__measure__code=filters.measure)
    return LazyRows(PROJECT_ORDERING.apply(projects, filters.ordering), _summary)


@router.get("/projects/export.xlsx")
def export_projects(request, call: str | None = None, status: str | None = None):
    if not permissions.can_view_all_projects(request.auth):
        return _forbidden()
    projects = selectors.filtered_projects(
        permissions.visible_projects(request.auth),
        call=Call.objects.filter(code=call).first() if call else None,
        status=status or None,
    )
    response = HttpResponse(
        projects_xlsx(projects),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="progetti.xlsx"'
    return response


@router.get("/projects/{project_id}", response=ProjectOut)
def get_project(request, project_id: int):
    return _detail(_project(request, project_id))


@router.get("/projects/{project_id}/agreement.pdf")
def get_agreement(request, project_id: int):
    project = _project(request, project_id)
    pdf = render_agreement_pdf(project)
    record_event(actor=request.auth, action="project.agreement_downloaded", obj=project, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement_filename(project)}"'
    return response


# --- the beneficiary ----------------------------------------------------------------------------------------
@router.post("/projects/{project_id}/agreement", response=ProjectOut)
def upload_agreement(request, project_id: int, file: File[UploadedFile]):
    project = _project(request, project_id)
    return _run(
        request,
        project,
        lambda: services.upload_signed_agreement(actor=request.auth, project=project, uploaded_file=file),
    )


@router.post("/projects/{project_id}/start", response=ProjectOut)
def communicate_start(request, project_id: int, payload: StartIn):
    project = _project(request, project_id)
    return _run(
        request,
        project,
        lambda: services.communicate_start(
            actor=request.auth, project=project, start_date=payload.start_date
        ),
    )


@router.post("/projects/{project_id}/variations", response={201: ChangeOut})
def request_variation(request, project_id: int, payload: VariationIn):
    project = _project(request, project_id)
    try:
        change = services.request_budget_variation(
            actor=request.auth, project=project, amounts=payload.amounts, reason=payload.reason
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return Status(201, _change(change))


@router.post("/projects/{project_id}/partner-changes", response={201: ChangeOut})
def request_partner_change(request, project_id: int, payload: PartnerChangeIn):
    project = _project(request, project_id)
    organisation = (
        Organisation.objects.filter(pk=payload.organisation_id).first() if payload.organisation_id else None
    )
    if payload.organisation_id and organisation is None:
        return problem_response(
            422,
            detail="Organizzazione inesistente.",
            errors=[
                {"field": "organisation_id", "message": "Organizzazione inesistente.", "code": "unknown"}
            ],
        )
    partner = project.partners.filter(pk=payload.partner_id).first() if payload.partner_id else None
    if payload.partner_id and partner is None:
        return problem_response(
            422,
            detail="Partner inesistente.",
            errors=[{"field": "partner_id", "message": "Partner inesistente.", "code": "unknown"}],
        )
    try:
        change = services.request_partner_change(
            actor=request.auth,
            project=project,
            action=payload.action,
            reason=payload.reason,
            organisation=organisation,
            partner=partner,
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return Status(201, _change(change))


@router.post("/projects/{project_id}/extensions", response={201: ChangeOut})
def request_extension(request, project_id: int, payload: ExtensionIn):
    project = _project(request, project_id)
    try:
        change = services.request_extension(
            actor=request.auth, project=project, new_end_date=payload.new_end_date, reason=payload.reason
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return Status(201, _change(change))


@router.post("/projects/{project_id}/milestones/{milestone_id}/achieved", response=ProjectOut)
def mark_milestone_achieved(request, project_id: int, milestone_id: int, payload: MilestoneIn):
    project = _project(request, project_id)
    milestone = project.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return _run(
        request,
        project,
        lambda: services.mark_milestone_achieved(
            actor=request.auth, milestone=milestone, achieved_on=payload.achieved_on
        ),
    )


@router.post("/projects/{project_id}/renunciation", response=ProjectOut)
def renounce(request, project_id: int, payload: ReasonIn):
    project = _project(request, project_id)
    return _run(
        request,
        project,
        lambda: services.renounce(actor=request.auth, project=project, reason=payload.reason),
    )


# --- officers -----------------------------------------------------------------------------------------------
@router.put("/projects/{project_id}/cup", response=ProjectOut)
def assign_cup(request, project_id: int, payload: CupIn):
    project = _project(request, project_id)
    return _run(
        request, project, lambda: services.assign_cup(actor=request.auth, project=project, cup=payload.cup)
    )


@router.post("/projects/{project_id}/changes/{change_id}/decision", response=ChangeOut)
def decide_change(request, project_id: int, change_id: int, payload: DecisionIn):
    project = _project(request, project_id)
    change = project.changes.filter(pk=change_id).first()
    if change is None:
        raise Http404
    try:
        change = services.decide_change(
            actor=request.auth, change=change, approve=payload.approve, note=payload.note
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return _change(change)


@router.post("/projects/{project_id}/suspension", response=ProjectOut)
def suspend(request, project_id: int, payload: ReasonIn):
    project = _project(request, project_id)
    return _run(
        request, project, lambda: services.suspend(actor=request.auth, project=project, reason=payload.reason)
    )


@router.post("/projects/{project_id}/resumption", response=ProjectOut)
def resume(request, project_id: int, payload: ReasonIn):
    project = _project(request, project_id)
    return _run(
        request, project, lambda: services.resume(actor=request.auth, project=project, reason=payload.reason)
    )


@router.post("/projects/{project_id}/revocation", response=ProjectOut)
def revoke(request, project_id: int, payload: RevocationIn):
    project = _project(request, project_id)
    return _run(
        request,
        project,
        lambda: services.revoke(
            actor=request.auth, project=project, new_grant=payload.new_grant, reason=payload.reason
        ),
    )


@router.post("/projects/{project_id}/conclusion", response=ProjectOut)
def conclude(request, project_id: int, payload: ConcludeIn):
    project = _project(request, project_id)
    return _run(
        request,
        project,
        lambda: services.conclude(
            actor=request.auth, project=project, end_date=payload.end_date, reason=payload.reason
        ),
    )


@router.post("/applications/{application_id}/project", response={201: ProjectOut})
def create_missing_project(request, application_id: int):
    """Officer action: the project of a funded application that has none (idempotent: 201 with the
    existing project as well)."""
    if not permissions.can_manage_projects(request.auth):
        return _forbidden()
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise Http404
    try:
        project = services.create_missing_projects(actor=request.auth, application=application)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ProjectError as exc:
        return _problem(exc)
    return Status(201, _detail(project))

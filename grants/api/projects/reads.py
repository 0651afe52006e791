"""Reading projects: the list, the XLSX export, one project, its agreement."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from grants.core.audit import record_event
from grants.programme.models import Call
from grants.projects import permissions, selectors
from grants.projects.agreement import agreement_filename, render_agreement_pdf
from grants.projects.export import projects_xlsx
from grants.projects.states import ProjectStatus
from grants.territory.models import Province

from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .common import detail, project_for, summary
from .schemas import (
    ProjectOut,
    ProjectSummaryOut,
)

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
    return LazyRows(PROJECT_ORDERING.apply(projects, filters.ordering), summary)


@router.get("/projects/export.xlsx")
def export_projects(request, call: str | None = None, status: str | None = None):
    if not permissions.can_view_all_projects(request.auth):
        raise PermissionDenied("Operazione non consentita.")
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
    return detail(project_for(request, project_id))


@router.get("/projects/{project_id}/agreement.pdf")
def get_agreement(request, project_id: int):
    project = project_for(request, project_id)
    pdf = render_agreement_pdf(project)
    record_event(actor=request.auth, action="project.agreement_downloaded", obj=project, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement_filename(project)}"'
    return response

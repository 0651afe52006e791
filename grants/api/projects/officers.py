"""The officers' acts on a project: CUP, decisions on changes, suspension, revocation, conclusion."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status

from grants.applications.models import Application
from grants.projects import permissions, services

from . import router
from .common import change_out, detail, fresh_detail, project_for
from .schemas import (
    ChangeOut,
    ConcludeIn,
    CupIn,
    DecisionIn,
    ProjectOut,
    ReasonIn,
    RevocationIn,
)


# --- officers -----------------------------------------------------------------------------------------------
@router.put("/projects/{project_id}/cup", response=ProjectOut)
def assign_cup(request, project_id: int, payload: CupIn):
    project = project_for(request, project_id)
    services.assign_cup(actor=request.auth, project=project, cup=payload.cup)
    return fresh_detail(project)


@router.post("/projects/{project_id}/changes/{change_id}/decision", response=ChangeOut)
def decide_change(request, project_id: int, change_id: int, payload: DecisionIn):
    project = project_for(request, project_id)
    change = project.changes.filter(pk=change_id).first()
    if change is None:
        raise Http404
    change = services.decide_change(
        actor=request.auth, change=change, approve=payload.approve, note=payload.note
    )
    return change_out(change)


@router.post("/projects/{project_id}/suspension", response=ProjectOut)
def suspend(request, project_id: int, payload: ReasonIn):
    project = project_for(request, project_id)
    services.suspend(actor=request.auth, project=project, reason=payload.reason)
    return fresh_detail(project)


@router.post("/projects/{project_id}/resumption", response=ProjectOut)
def resume(request, project_id: int, payload: ReasonIn):
    project = project_for(request, project_id)
    services.resume(actor=request.auth, project=project, reason=payload.reason)
    return fresh_detail(project)


@router.post("/projects/{project_id}/revocation", response=ProjectOut)
def revoke(request, project_id: int, payload: RevocationIn):
    project = project_for(request, project_id)
    services.revoke(actor=request.auth, project=project, new_grant=payload.new_grant, reason=payload.reason)
    return fresh_detail(project)


@router.post("/projects/{project_id}/conclusion", response=ProjectOut)
def conclude(request, project_id: int, payload: ConcludeIn):
    project = project_for(request, project_id)
    services.conclude(actor=request.auth, project=project, end_date=payload.end_date, reason=payload.reason)
    return fresh_detail(project)


@router.post("/applications/{application_id}/project", response={201: ProjectOut})
def create_missing_project(request, application_id: int):
    """Officer action: the project of a funded application that has none (idempotent: 201 with the
    existing project as well)."""
    if not permissions.can_manage_projects(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not permissions.can_manage_projects(request.auth, application.call_id):
        raise Http404
    project = services.create_missing_projects(actor=request.auth, application=application)
    return Status(201, detail(project))

"""The controllers of a funded project: the officer who assigns the claims on the project's call lists,
assigns and removes them (``grants.finance.services``). A project outside one's reach answers 404; one the
caller reads but may not assign, 403."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status

from grants.core.timeutils import in_rome
from grants.finance import permissions, selectors, services
from grants.finance.models import ProjectController
from grants.projects.models import Project

from . import router
from .common import project_for
from .schemas import ProjectControllerIn, ProjectControllerOut

_REFUSED = "Solo chi assegna i controlli sul bando del progetto ne assegna i controllori."


def _assigning(request, project_id: int) -> Project:
    project = project_for(request, project_id)
    if not permissions.can_assign_project_controllers(request.auth, project.call_id):
        raise PermissionDenied(_REFUSED)
    return project


def _out(assignment: ProjectController) -> dict:
    return {
        "project_id": assignment.project_id,
        "user_id": assignment.user_id,
        "name": assignment.user.get_full_name() or assignment.user.email,
        "email": assignment.user.email,
        "assigned_at": in_rome(assignment.assigned_at),
    }


@router.get(
    "/projects/{project_id}/controllers",
    response=list[ProjectControllerOut],
    summary="Controllori di I livello del progetto",
)
def list_project_controllers(request, project_id: int):
    project = _assigning(request, project_id)
    return [_out(row) for row in selectors.project_controllers(project)]


@router.post(
    "/projects/{project_id}/controllers",
    response={201: ProjectControllerOut},
    summary="Assegna un controllore di I livello al progetto (idempotente)",
)
def assign_project_controller(request, project_id: int, payload: ProjectControllerIn):
    project = _assigning(request, project_id)
    user = get_user_model().objects.filter(pk=payload.user_id, is_active=True).first()
    assignment = services.assign_project_controller(actor=request.auth, project=project, controller=user)
    return Status(201, _out(assignment))


@router.delete(
    "/projects/{project_id}/controllers/{user_id}",
    response={204: None},
    summary="Toglie un controllore dal progetto",
)
def remove_project_controller(request, project_id: int, user_id: int):
    project = _assigning(request, project_id)
    assignment = selectors.project_controllers(project).filter(user_id=user_id).first()
    if assignment is None:
        raise Http404
    services.remove_project_controller(actor=request.auth, assignment=assignment)
    return Status(204, None)

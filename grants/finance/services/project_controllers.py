"""The officer who assigns claims assigns the controllers of a funded project, and removes them (audited).

A project's controllers reach its sent claims, controls and payments (grants/finance/permissions.py); the
claims assigned to a controller one by one keep working whether or not they control the project.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.projects.models import Project

from .. import permissions
from ..models import ProjectController
from .common import FinanceError, _require

_NOT_ALLOWED = _("Solo chi assegna i controlli sul bando del progetto ne assegna i controllori.")


def assign_project_controller(*, actor, project: Project, controller) -> ProjectController:
    """Make ``controller`` (active staff with ``finance.check_claim``) a controller of ``project``;
    assigning twice returns the same row and writes the audit once."""
    _require(permissions.can_assign_project_controllers(actor, project.call_id), str(_NOT_ALLOWED))
    if controller is None or not permissions.can_be_controller(controller):
        raise FinanceError(
            _("L'utente scelto non è un controllore di I livello."), field="user_id", code="not_controller"
        )
    with transaction.atomic():
        assignment, created = ProjectController.objects.get_or_create(
            project=project, user=controller, defaults={"assigned_by": actor}
        )
        if created:
            record_event(
                actor=actor,
                action="project_controller.assigned",
                obj=project,
                after={"user": controller.email},
            )
    return assignment


def remove_project_controller(*, actor, assignment: ProjectController) -> None:
    """The controller no longer reaches the project (its claims assigned to them one by one stay theirs)."""
    _require(permissions.can_assign_project_controllers(actor, assignment.project.call_id), str(_NOT_ALLOWED))
    with transaction.atomic():
        record_event(
            actor=actor,
            action="project_controller.removed",
            obj=assignment.project,
            before={"user": assignment.user.email},
        )
        assignment.delete()

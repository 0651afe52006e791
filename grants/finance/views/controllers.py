"""The controllers of a funded project: who they are, add one, remove one (after a confirmation). For the
officer who assigns the claims on the project's call; the rules are in ``grants.finance.services``.

A project the user may not read does not exist (404); one they read but may not assign answers 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.core.forms import run_form

from .. import permissions, selectors, services
from ..forms import ProjectControllerForm, ProjectControllerRemoveForm
from .common import project_or_404


def _forbidden(request):
    return render(request, "finance/forbidden.html", status=403)


def _assigning_project(request, pk: int):
    """The project (404 outside one's reach), and whether the user may assign its controllers."""
    project = project_or_404(request, pk)
    return project, permissions.can_assign_project_controllers(request.user, project.call_id)


def _person(user) -> str:
    return user.get_full_name() or user.email


def _page(request, project, form=None, status=200):
    assigned = selectors.project_controllers(project)
    taken = {row.user_id for row in assigned}
    return render(
        request,
        "finance/project_controllers.html",
        {
            "project": project,
            "assigned": assigned,
            "candidates": [u for u in selectors.assignable_controllers() if u.pk not in taken],
            "form": form or ProjectControllerForm(),
        },
        status=status,
    )


@login_required
def project_controllers(request, pk: int):
    project, allowed = _assigning_project(request, pk)
    if not allowed:
        return _forbidden(request)
    return _page(request, project)


@login_required
@require_POST
def project_controller_add(request, pk: int):
    project, allowed = _assigning_project(request, pk)
    if not allowed:
        return _forbidden(request)

    def add(data):
        assignment = services.assign_project_controller(
            actor=request.user, project=project, controller=data["user_id"]
        )
        messages.success(
            request,
            _("%(person)s ora controlla le domande di rimborso del progetto.")
            % {"person": _person(assignment.user)},
        )
        return redirect("finance:project_controllers", pk=project.pk)

    return run_form(
        request,
        ProjectControllerForm(request.POST),
        add,
        refused=lambda form: _page(request, project, form, status=400),
    )


@login_required
def project_controller_remove(request, pk: int, user_pk: int):
    """GET: the confirmation; POST with the box ticked: the removal."""
    project, allowed = _assigning_project(request, pk)
    if not allowed:
        return _forbidden(request)
    assignment = selectors.project_controllers(project).filter(user_id=user_pk).first()
    if assignment is None:
        raise Http404(_("Assegnazione non trovata."))

    def page(form, status=200):
        return render(
            request,
            "finance/project_controller_remove.html",
            {"project": project, "assignment": assignment, "form": form},
            status=status,
        )

    if request.method != "POST":
        return page(ProjectControllerRemoveForm())

    def remove(data):
        person = _person(assignment.user)
        services.remove_project_controller(actor=request.user, assignment=assignment)
        messages.success(request, _("%(person)s non controlla più il progetto.") % {"person": person})
        return redirect("finance:project_controllers", pk=project.pk)

    return run_form(
        request, ProjectControllerRemoveForm(request.POST), remove, refused=lambda form: page(form, 400)
    )


__all__ = ["project_controller_add", "project_controller_remove", "project_controllers"]

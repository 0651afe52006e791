"""Officers' decisions on a project: CUP, requests for changes, suspension, revocation, conclusion."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..forms import (
    ConcludeForm,
    CupForm,
    DecisionForm,
    ReasonForm,
    RevocationForm,
)
from ..models import Project, ProjectChange
from ..states import ProjectStatus
from .beneficiary import _detail_context, _run
from .common import _forbidden, _project_or_404


# --- officers' decisions ------------------------------------------------------------------------------------
def _manager_project(request, pk: int) -> Project:
    project = _project_or_404(request.user, pk)
    if not permissions.can_manage_projects(request.user):
        raise PermissionDenied
    return project


@require_POST
@login_required
def assign_cup(request, pk: int):
    try:
        project = _manager_project(request, pk)
    except PermissionDenied:
        return _forbidden(request)
    return _run(
        request,
        project,
        form=CupForm(request.POST),
        form_key="cup_form",
        action=lambda f: services.assign_cup(actor=request.user, project=project, cup=f.cleaned_data["cup"]),
        mapping={"cup": "cup"},
        anchor="cup",
        done=_("CUP assegnato."),
    )


@require_POST
@login_required
def decide_change(request, pk: int, change_pk: int):
    try:
        project = _manager_project(request, pk)
    except PermissionDenied:
        return _forbidden(request)
    change = ProjectChange.objects.filter(project=project, pk=change_pk).first()
    if change is None:
        raise Http404(_("Richiesta non trovata."))
    form = DecisionForm(request.POST, change_id=change.pk)
    response = _run(
        request,
        project,
        form=form,
        form_key="decision_form",
        action=lambda f: services.decide_change(
            actor=request.user,
            change=change,
            approve=f.cleaned_data["decision"] == "approve",
            note=f.cleaned_data["note"],
        ),
        mapping={"note": "note"},
        anchor=f"richiesta-{change.pk}",
        done=_("Decisione registrata."),
    )
    if response.status_code == 422:
        context = _detail_context(request, project, decision_form=form, decision_change=change.pk)
        return render(request, "projects/project_detail.html", context, status=422)
    return response


@require_POST
@login_required
def suspend_or_resume(request, pk: int):
    try:
        project = _manager_project(request, pk)
    except PermissionDenied:
        return _forbidden(request)
    resume = project.status == ProjectStatus.SUSPENDED
    operation = services.resume if resume else services.suspend
    return _run(
        request,
        project,
        form=ReasonForm(request.POST, prefix="suspend"),
        form_key="suspend_form",
        action=lambda f: operation(actor=request.user, project=project, reason=f.cleaned_data["reason"]),
        mapping={"reason": "reason"},
        anchor="decisioni",
        done=_("Sospensione revocata: il progetto riprende.") if resume else _("Progetto sospeso."),
    )


@require_POST
@login_required
def revoke(request, pk: int):
    try:
        project = _manager_project(request, pk)
    except PermissionDenied:
        return _forbidden(request)
    return _run(
        request,
        project,
        form=RevocationForm(request.POST),
        form_key="revoke_form",
        action=lambda f: services.revoke(
            actor=request.user,
            project=project,
            new_grant=f.cleaned_data["new_grant"],
            reason=f.cleaned_data["reason"],
        ),
        mapping={"new_grant": "new_grant", "reason": "reason"},
        anchor="decisioni",
        done=_("Revoca registrata."),
    )


@require_POST
@login_required
def conclude(request, pk: int):
    try:
        project = _manager_project(request, pk)
    except PermissionDenied:
        return _forbidden(request)
    return _run(
        request,
        project,
        form=ConcludeForm(request.POST),
        form_key="conclude_form",
        action=lambda f: services.conclude(
            actor=request.user,
            project=project,
            end_date=f.cleaned_data["end_date"],
            reason=f.cleaned_data["reason"],
        ),
        mapping={"end_date": "end_date"},
        anchor="decisioni",
        done=_("Conclusione del progetto registrata."),
    )

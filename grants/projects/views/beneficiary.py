"""The beneficiary: the list of projects, the project page and its actions (agreement, start, requests
for changes, renunciation, milestones)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.core.timeutils import now

from .. import permissions, selectors, services
from ..forms import (
    AgreementUploadForm,
    ConcludeForm,
    CupForm,
    DecisionForm,
    ExtensionForm,
    MilestoneForm,
    PartnerChangeForm,
    ReasonForm,
    RevocationForm,
    StartForm,
    VariationForm,
)
from ..models import Project, ProjectMilestone, rules_for
from ..services import ProjectError, WrongState
from ..states import LIVE_STATUSES, RUNNING_STATUSES, ProjectStatus
from .common import _detail_url, _forbidden, _project_or_404


# --- the beneficiary's list ---------------------------------------------------------------------------------
@login_required
def project_list(request):
    """I miei progetti: the projects of every organisation the user acts for."""
    projects = (
        permissions.beneficiary_projects(request.user)
        .select_related("call", "beneficiary")
        .order_by("beneficiary__name", "-created_at")
    )
    return render(
        request,
        "projects/project_list.html",
        {"projects": projects, "officer": permissions.can_view_all_projects(request.user)},
    )


# --- the project page ---------------------------------------------------------------------------------------
def _detail_context(request, project: Project, **forms) -> dict:
    user = request.user
    is_member = permissions.is_beneficiary_member(user, project)
    is_manager = permissions.can_manage_projects(user)
    lines = list(project.budget_lines.select_related("category", "partner").order_by("order", "pk"))
    changes = list(selectors.changes_of(project))
    allowed, payment_reason = selectors.can_receive_payments(project)
    context = {
        "project": project,
        "rules": rules_for(project.call),
        "lines": lines,
        "partners": list(project.partners.order_by("order", "pk")),
        "phases": list(project.phases.prefetch_related("milestones").order_by("order", "pk")),
        "changes": changes,
        "pending": [c for c in changes if c.is_pending],
        "is_member": is_member,
        "is_manager": is_manager,
        "can_pay": allowed,
        "payment_reason": payment_reason,
        "running": project.status in RUNNING_STATUSES,
        "live": project.status in LIVE_STATUSES,
        "deadline_passed": project.status == ProjectStatus.TO_ACCEPT and now() > project.acceptance_deadline,
    }
    if is_member:
        context.update(
            upload_form=forms.get("upload_form") or AgreementUploadForm(),
            start_form=forms.get("start_form") or StartForm(),
            variation_form=forms.get("variation_form") or VariationForm(lines=lines),
            partner_form=forms.get("partner_form") or PartnerChangeForm(project=project),
            extension_form=forms.get("extension_form") or ExtensionForm(),
            renounce_form=forms.get("renounce_form") or ReasonForm(prefix="renounce"),
            milestone_forms={
                m.pk: (forms.get("milestone_form") if forms.get("milestone_id") == m.pk else None)
                or MilestoneForm(milestone_id=m.pk)
                for m in project.milestones.filter(achieved_on__isnull=True)
            },
        )
    if is_manager:
        context.update(
            cup_form=forms.get("cup_form") or CupForm(initial={"cup": project.cup}),
            suspend_form=forms.get("suspend_form") or ReasonForm(prefix="suspend"),
            revoke_form=forms.get("revoke_form") or RevocationForm(),
            conclude_form=forms.get("conclude_form") or ConcludeForm(),
            decision_forms={
                c.pk: (forms.get("decision_form") if forms.get("decision_change") == c.pk else None)
                or DecisionForm(change_id=c.pk)
                for c in changes
                if c.is_pending
            },
        )
    return context


@login_required
def project_detail(request, pk: int):
    project = _project_or_404(request.user, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


def _run(request, project: Project, *, form, form_key: str, action, mapping: dict, anchor: str, done: str):
    """Validate ``form``, call ``action(form)``; errors next to the fields, state conflicts as a message."""
    if form.is_valid():
        try:
            action(form)
        except WrongState as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(project, anchor))
        except ProjectError as exc:
            form.apply_service_errors(exc.errors or [{"field": "", "message": exc.message}], mapping)
        except PermissionDenied:
            return _forbidden(request)
        else:
            messages.success(request, done)
            return redirect(_detail_url(project, anchor))
    context = _detail_context(request, project, **{form_key: form})
    context["focus"] = anchor
    return render(request, "projects/project_detail.html", context, status=422)


@require_POST
@login_required
def upload_agreement(request, pk: int):
    project = _project_or_404(request.user, pk)
    form = AgreementUploadForm(request.POST, request.FILES)
    return _run(
        request,
        project,
        form=form,
        form_key="upload_form",
        action=lambda f: services.upload_signed_agreement(
            actor=request.user, project=project, uploaded_file=f.cleaned_data["file"]
        ),
        mapping={"file": "file"},
        anchor="adesione",
        done=_("Atto di adesione firmato caricato. Ora comunica la data di avvio."),
    )


@require_POST
@login_required
def communicate_start(request, pk: int):
    project = _project_or_404(request.user, pk)
    return _run(
        request,
        project,
        form=StartForm(request.POST),
        form_key="start_form",
        action=lambda f: services.communicate_start(
            actor=request.user, project=project, start_date=f.cleaned_data["start_date"]
        ),
        mapping={"start_date": "start_date"},
        anchor="adesione",
        done=_("Avvio comunicato: il progetto è avviato."),
    )


@require_POST
@login_required
def request_variation(request, pk: int):
    project = _project_or_404(request.user, pk)
    lines = list(project.budget_lines.select_related("category", "partner").order_by("order", "pk"))
    form = VariationForm(request.POST, lines=lines)
    result = {}

    def act(f):
        result["change"] = services.request_budget_variation(
            actor=request.user, project=project, amounts=f.amounts(), reason=f.cleaned_data["reason"]
        )

    response = _run(
        request,
        project,
        form=form,
        form_key="variation_form",
        action=act,
        mapping={**form.error_mapping(), "reason": "reason"},
        anchor="richieste",
        done=_("Variazione registrata."),
    )
    change = result.get("change")
    if change is not None and change.is_pending:
        messages.info(request, _("La variazione supera la tolleranza del bando: decide il funzionario."))
    return response


@require_POST
@login_required
def request_partner_change(request, pk: int):
    project = _project_or_404(request.user, pk)
    return _run(
        request,
        project,
        form=PartnerChangeForm(request.POST, project=project),
        form_key="partner_form",
        action=lambda f: services.request_partner_change(
            actor=request.user,
            project=project,
            action=f.cleaned_data["action"],
            reason=f.cleaned_data["reason"],
            organisation=f.cleaned_data.get("organisation"),
            partner=f.cleaned_data.get("partner"),
        ),
        mapping={
            "organisation": "organisation",
            "partner": "partner",
            "action": "action",
            "reason": "reason",
        },
        anchor="richieste",
        done=_("Richiesta di modifica del partenariato inviata al funzionario."),
    )


@require_POST
@login_required
def request_extension(request, pk: int):
    project = _project_or_404(request.user, pk)
    return _run(
        request,
        project,
        form=ExtensionForm(request.POST),
        form_key="extension_form",
        action=lambda f: services.request_extension(
            actor=request.user,
            project=project,
            new_end_date=f.cleaned_data["new_end_date"],
            reason=f.cleaned_data["reason"],
        ),
        mapping={"new_end_date": "new_end_date", "reason": "reason"},
        anchor="richieste",
        done=_("Richiesta di proroga inviata al funzionario."),
    )


@require_POST
@login_required
def renounce(request, pk: int):
    project = _project_or_404(request.user, pk)
    return _run(
        request,
        project,
        form=ReasonForm(request.POST, prefix="renounce"),
        form_key="renounce_form",
        action=lambda f: services.renounce(
            actor=request.user, project=project, reason=f.cleaned_data["reason"]
        ),
        mapping={"reason": "reason"},
        anchor="rinuncia",
        done=_("Rinuncia registrata: la graduatoria scorre."),
    )


@require_POST
@login_required
def mark_milestone_achieved(request, pk: int, milestone_pk: int):
    project = _project_or_404(request.user, pk)
    milestone = ProjectMilestone.objects.filter(project=project, pk=milestone_pk).first()
    if milestone is None:
        raise Http404(_("Traguardo non trovato."))
    form = MilestoneForm(request.POST, milestone_id=milestone.pk)
    response = _run(
        request,
        project,
        form=form,
        form_key="milestone_form",
        action=lambda f: services.mark_milestone_achieved(
            actor=request.user, milestone=milestone, achieved_on=f.cleaned_data["achieved_on"]
        ),
        mapping={"achieved_on": "achieved_on"},
        anchor="fasi",
        done=_("Traguardo registrato."),
    )
    if response.status_code == 422:
        context = _detail_context(request, project, milestone_form=form, milestone_id=milestone.pk)
        return render(request, "projects/project_detail.html", context, status=422)
    return response

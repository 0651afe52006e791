"""Pages of the projects context: the beneficiary's projects and project page (agreement, start, requests for
changes, renunciation); for officers, the list of projects with filters and XLSX export, the project page with
the decisions (CUP, requests, suspension, revocation, conclusion) and the creation of missing projects.

Thin: forms collect the data, ``services`` decide (field-level errors next to the field, state conflicts as
a message), ``selectors`` read. Another organisation's project answers 404, like one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.applications.models import Application
from grants.core.audit import record_event
from grants.core.money import format_eur
from grants.core.timeutils import now

from . import permissions, selectors, services
from .agreement import agreement_filename, render_agreement_pdf
from .export import projects_xlsx
from .forms import (
    AgreementUploadForm,
    ConcludeForm,
    CupForm,
    DecisionForm,
    ExtensionForm,
    MilestoneForm,
    OfficerFilterForm,
    PartnerChangeForm,
    ReasonForm,
    RevocationForm,
    StartForm,
    VariationForm,
)
from .models import Project, ProjectChange, ProjectMilestone, rules_for
from .services import ProjectError, WrongState
from .states import LIVE_STATUSES, RUNNING_STATUSES, ProjectStatus


def _project_or_404(user, pk: int) -> Project:
    project = (
        permissions.visible_projects(user)
        .select_related("call__measure__programme__region", "beneficiary__seat__province", "application")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404(_("Progetto non trovato."))
    return project


def _forbidden(request) -> HttpResponse:
    return render(request, "projects/forbidden.html", status=403)


def _detail_url(project: Project, anchor: str = "") -> str:
    url = reverse("projects:project_detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url


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


# --- documents ----------------------------------------------------------------------------------------------
@login_required
def agreement_pdf(request, pk: int):
    """The agreement to sign, generated now from the project (beneficiary's members and staff readers)."""
    project = _project_or_404(request.user, pk)
    pdf = render_agreement_pdf(project)
    record_event(actor=request.user, action="project.agreement_downloaded", obj=project, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement_filename(project)}"'
    return response


@login_required
def signed_agreement(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not project.signed_agreement:
        raise Http404(_("L'atto firmato non è ancora stato caricato."))
    record_event(
        actor=request.user, action="project.signed_agreement_downloaded", obj=project, request=request
    )
    return FileResponse(
        project.signed_agreement.open("rb"),
        as_attachment=True,
        filename=project.signed_agreement_name or "atto-firmato.pdf",
        content_type="application/pdf",
    )


# --- officers' list -----------------------------------------------------------------------------------------
def _officer_filters(request) -> tuple[OfficerFilterForm, dict]:
    form = OfficerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {
        "call": filters.get("bando"),
        "measure": filters.get("misura"),
        "status": filters.get("stato") or None,
        "province": filters.get("provincia"),
        "search": filters.get("q") or "",
    }


@login_required
def officer_project_list(request):
    if not permissions.can_view_all_projects(request.user):
        return _forbidden(request)
    form, filters = _officer_filters(request)
    projects = selectors.filtered_projects(permissions.visible_projects(request.user), **filters)
    page = Paginator(projects, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "projects/officer_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "missing": list(selectors.funded_applications_without_project(filters["call"])[:50]),
            "pending": list(selectors.pending_changes(projects)[:50]),
            "is_manager": permissions.can_manage_projects(request.user),
        },
    )


@login_required
def officer_project_export(request):
    if not permissions.can_view_all_projects(request.user):
        return _forbidden(request)
    _form, filters = _officer_filters(request)
    projects = selectors.filtered_projects(permissions.visible_projects(request.user), **filters)
    record_event(actor=request.user, action="project.list_exported", after={"rows": projects.count()})
    response = HttpResponse(
        projects_xlsx(projects),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="progetti.xlsx"'
    return response


@require_POST
@login_required
def create_missing_project(request, application_pk: int):
    if not permissions.can_manage_projects(request.user):
        return _forbidden(request)
    application = Application.objects.filter(pk=application_pk).first()
    if application is None:
        raise Http404(_("Domanda non trovata."))
    try:
        project = services.create_missing_projects(actor=request.user, application=application)
    except ProjectError as exc:
        messages.error(request, exc.message)
        return redirect("projects:officer_project_list")
    messages.success(
        request,
        _("Progetto «%(title)s» creato con un contributo di %(grant)s.")
        % {"title": project.title, "grant": format_eur(project.grant)},
    )
    return redirect(_detail_url(project))

"""Pages of monitoring: a project's indicators, targets and monitoring reports; its participants (one by one
or imported from CSV/XLSX, with the import's progress polled by htmx); the call's targets; the dashboards
with their XLSX/CSV export.

Thin: each action has its URL and binds its form (``forms.py``), ``services`` decide (their refusals are put
on the form by ``refusal_to_form``, field errors next to the fields), ``selectors`` and ``dashboard`` read.
Another organisation's project does not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants.core.forms import action_view, error_messages, refusal_message, refusal_to_form
from grants.programme.models import Call
from grants.programme.permissions import scope_to_staff_calls
from grants.projects.models import Project
from grants.projects.permissions import beneficiary_projects

from . import dashboard, exports, forms, permissions, selectors, services
from .models import Indicator, MonitoringReport, Participant, ParticipantImport
from .participant_data import COLUMNS, EMPLOYMENT_BY_STATUS
from .services import MonitoringError
from .states import EDITABLE_REPORT_STATUSES, EducationLevel, EmploymentStatus, ReportStatus, Sex


def _forbidden(request):
    return render(request, "monitoring/forbidden.html", status=403)


def _project_or_404(user, pk: int) -> Project:
    project = Project.objects.select_related("call__measure__fund", "beneficiary").filter(pk=pk).first()
    if project is None or not permissions.can_read_monitoring(user, project):
        raise Http404(_("Progetto non trovato."))
    return project


def _action(*, find, form_class, owner: str, allowed, perform, page):
    """``grants.core.forms.action_view`` on the object ``find(user, pk)`` reads (403 page if not allowed)."""
    return action_view(
        find=lambda request, pk: find(request.user, pk),
        form_class=form_class,
        owner=owner,
        perform=perform,
        page=page,
        allowed=allowed,
        forbidden=_forbidden,
    )


def _save_targets(request, form: forms.TargetsForm, save) -> dict[str, list[str]]:
    """Save each target sent with ``save(indicator, target)``; the refused ones by input name."""
    errors: dict[str, list[str]] = {}
    for indicator, target in form.submitted():
        try:
            save(indicator, target)
        except MonitoringError as exc:
            errors[f"target-{indicator.pk}"] = [exc.message]
    return errors


# --- lists ----------------------------------------------------------------------------------------------
@login_required
def project_list(request):
    """The user's organisations' projects; staff who may read monitoring see every project."""
    if permissions.can_view_all_participants(request.user):
        projects = scope_to_staff_calls(request.user, Project.objects.all())
    else:
        projects = beneficiary_projects(request.user)
    projects = projects.select_related("call", "beneficiary").order_by("call__code", "title", "pk")
    return render(request, "monitoring/project_list.html", {"projects": projects[:500]})


# --- one project ------------------------------------------------------------------------------------------
@login_required
@require_GET
def project_monitoring(request, pk: int):
    project = _project_or_404(request.user, pk)
    return _project_page(request, project)


def _project_page(request, project, form=None, status=200):
    sensitive = permissions.can_view_sensitive(request.user)
    rows = selectors.project_indicator_rows(project, include_sensitive=sensitive)
    return render(
        request,
        "monitoring/project_monitoring.html",
        {
            "project": project,
            "rows": rows,
            "reports": selectors.project_reports(project),
            "can_write": permissions.can_write_monitoring(request.user, project),
            "can_set_targets": permissions.can_set_targets(request.user, project.call_id),
            "participant_count": Participant.objects.filter(project=project).count(),
            "errors": forms.errors_by_input(form),
            "form_data": form.data if form is not None else {},
        },
        status=status,
    )


def create_report(request, project, data):
    """Open the project's next monitoring report."""
    report = services.create_report(
        actor=request.user,
        project=project,
        period_end=data["period_end"],
        sal_reference=data["sal_reference"],
    )
    messages.success(request, _("Relazione di monitoraggio n. %(n)s aperta.") % {"n": report.number})
    return redirect("monitoring:report_detail", pk=report.pk)


report_create = _action(
    find=_project_or_404,
    form_class=forms.NewReportForm,
    owner="project",
    allowed=permissions.can_write_monitoring,
    perform=create_report,
    page=lambda request, project, form, status: _project_page(request, project, form, status),
)


@login_required
@require_POST
def project_targets(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not permissions.can_set_targets(request.user, project.call_id):
        return _forbidden(request)
    form = forms.TargetsForm(request.POST, indicators=selectors.applicable_indicators(project))
    form.is_valid()
    errors = _save_targets(
        request,
        form,
        lambda indicator, target: services.set_project_target(
            actor=request.user, project=project, indicator=indicator, target=target
        ),
    )
    indicators = {f"target-{i.pk}": i for i in form.indicators}
    for name, field_errors in errors.items():
        messages.error(request, f"{indicators[name].code}: {field_errors[0]}")
    if not errors:
        messages.success(request, _("Target del progetto salvati."))
    return redirect("monitoring:project", pk=project.pk)


# --- participants -----------------------------------------------------------------------------------------
def _participant_context(request, project, **extra):
    return {
        "project": project,
        "participants": selectors.visible_participants(request.user, project)[:1000],
        "participant_total": Participant.objects.filter(project=project).count(),
        "imports": selectors.project_imports(project),
        "can_write": permissions.can_write_monitoring(request.user, project),
        "sensitive": permissions.can_view_sensitive(request.user),
        "sex_choices": Sex.choices,
        "employment_choices": [(EMPLOYMENT_BY_STATUS[v], label) for v, label in EmploymentStatus.choices],
        "education_choices": EducationLevel.choices,
        "columns": COLUMNS,
        "errors": {},
        "form_data": {},
        **extra,
    }


@login_required
@require_GET
def participants(request, pk: int):
    project = _project_or_404(request.user, pk)
    return render(request, "monitoring/participants.html", _participant_context(request, project))


@login_required
@require_POST
def participant_add(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not permissions.can_write_monitoring(request.user, project):
        return _forbidden(request)
    form = forms.ParticipantForm(request.POST, project=project)
    form.is_valid()
    try:
        services.add_participant(actor=request.user, project=project, data=form.cleaned_data)
    except MonitoringError as exc:
        refusal_to_form(form, exc)
        messages.error(request, _("Il partecipante non è stato registrato: correggere i campi indicati."))
        return render(
            request,
            "monitoring/participants.html",
            _participant_context(request, project, errors=forms.errors_by_input(form), form_data=form.data),
            status=422,
        )
    messages.success(request, _("Partecipante registrato."))
    return redirect("monitoring:participants", pk=project.pk)


def _participant_or_404(user, project_pk: int, pk: int) -> Participant:
    project = _project_or_404(user, project_pk)
    return get_object_or_404(Participant.objects.select_related("project"), pk=pk, project=project)


@login_required
@require_POST
def participant_exit(request, pk: int, participant_pk: int):
    participant = _participant_or_404(request.user, pk, participant_pk)
    form = forms.ParticipantExitForm(request.POST, participant=participant)
    form.is_valid()
    try:
        services.record_exit(actor=request.user, participant=participant, data=form.cleaned_data)
        messages.success(request, _("Uscita registrata."))
    except (MonitoringError, PermissionDenied) as exc:
        messages.error(request, refusal_message(exc))
        refusal_to_form(form, exc)
        if isinstance(exc, MonitoringError):
            for message in error_messages(form):
                messages.error(request, message)
    return redirect("monitoring:participants", pk=pk)


@login_required
@require_POST
def participant_remove(request, pk: int, participant_pk: int):
    participant = _participant_or_404(request.user, pk, participant_pk)
    form = forms.ParticipantRemoveForm(request.POST, participant=participant)
    form.is_valid()
    try:
        services.remove_participant(actor=request.user, participant=participant)
        messages.success(request, _("Partecipante eliminato."))
    except PermissionDenied as exc:
        messages.error(request, refusal_message(exc))
    return redirect("monitoring:participants", pk=pk)


@login_required
@require_POST
def participant_import(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not permissions.can_write_monitoring(request.user, project):
        return _forbidden(request)
    form = forms.ImportForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        try:
            job = services.start_import(actor=request.user, project=project, upload=form.cleaned_data["file"])
        except MonitoringError as exc:
            refusal_to_form(form, exc)
        else:
            return redirect("monitoring:import_detail", pk=job.pk)
    return render(
        request,
        "monitoring/participants.html",
        _participant_context(request, project, import_errors=forms.errors_by_input(form)),
        status=422,
    )


def _import_or_404(user, pk: int) -> ParticipantImport:
    job = (
        ParticipantImport.objects.select_related("project__call", "project__beneficiary")
        .filter(pk=pk)
        .first()
    )
    if job is None or not permissions.can_read_monitoring(user, job.project):
        raise Http404(_("Importazione non trovata."))
    return job


@login_required
def import_detail(request, pk: int):
    job = _import_or_404(request.user, pk)
    template = (
        "monitoring/_import_status.html"
        if request.headers.get("HX-Request")
        else "monitoring/import_detail.html"
    )
    return render(request, template, {"job": job, "project": job.project})


@login_required
def participant_template(request):
    """An empty CSV with the expected header (and one example line) for the beneficiaries."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modello-partecipanti.csv"'
    response.write("\ufeff" + ";".join(COLUMNS) + "\r\n")
    response.write("RSSMRA85T10A562S;M;2026-01-15;;disoccupato;3;no;no;no;no;no;no;no;no;no;sì;sì;no;no\r\n")
    return response


# --- reports ----------------------------------------------------------------------------------------------
def _report_or_404(user, pk: int) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_related("project__call__measure__fund", "project__beneficiary")
        .filter(pk=pk)
        .first()
    )
    if report is None or not permissions.can_read_monitoring(user, report.project):
        raise Http404(_("Relazione non trovata."))
    return report


@login_required
@require_GET
def report_detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    return _report_page(request, report)


def _report_page(request, report, form=None, status=200):
    if form is not None:
        report.refresh_from_db()
    project = report.project
    sensitive = permissions.can_view_sensitive(request.user)
    errors = forms.errors_by_input(form)
    typed = form.data if isinstance(form, forms.ReportValuesForm) else None
    actuals = {a.indicator_id: a for a in selectors.report_actuals(report, include_sensitive=sensitive)}
    indicators = [i for i in selectors.applicable_indicators(project) if sensitive or not i.is_sensitive]
    rows = []
    for indicator in indicators:
        actual = actuals.get(indicator.pk)
        if typed is not None:
            shown = typed.get(f"indicator-{indicator.pk}", "")
        else:
            shown = f"{actual.value.normalize():f}" if actual else ""
        rows.append((indicator, actual, errors.get(f"indicator-{indicator.pk}", []), shown))
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "project": project,
            "rows": rows,
            "editable": report.status in EDITABLE_REPORT_STATUSES
            and permissions.can_write_monitoring(request.user, project),
            "can_review": report.status == ReportStatus.SUBMITTED
            and permissions.can_review_reports(request.user),
            "errors": errors,
            "form_data": form.data if form is not None else {},
        },
        status=status,
    )


def _back(report):
    return redirect("monitoring:report_detail", pk=report.pk)


def save_report(request, report, data):
    """Save the values typed in the report."""
    services.set_reported_values(actor=request.user, report=report, values=data["values"])
    messages.success(request, _("Valori salvati."))
    return _back(report)


def submit_report(request, report, data):
    """Save the values typed in the report and send it."""
    services.set_reported_values(actor=request.user, report=report, values=data["values"])
    services.submit_report(actor=request.user, report=report)
    messages.success(request, _("Relazione inviata."))
    return _back(report)


def approve_report(request, report, data):
    """Approve a submitted report."""
    services.review_report(actor=request.user, report=report, approve=True, note=data["note"])
    messages.success(request, _("Relazione approvata."))
    return _back(report)


def return_report(request, report, data):
    """Send a submitted report back for corrections (a note says what to correct)."""
    services.review_report(actor=request.user, report=report, approve=False, note=data["note"])
    messages.success(request, _("Relazione restituita."))
    return _back(report)


def _may_write_report(user, report) -> bool:
    return permissions.can_write_monitoring(user, report.project)


def _may_review_report(user, report) -> bool:
    return permissions.can_review_reports(user, report.project.call_id)


def _report_action(form_class, allowed, perform):
    return _action(
        find=_report_or_404,
        form_class=form_class,
        owner="report",
        allowed=allowed,
        perform=perform,
        page=_report_page,
    )


report_save = _report_action(forms.ReportValuesForm, _may_write_report, save_report)
report_submit = _report_action(forms.ReportValuesForm, _may_write_report, submit_report)
report_approve = _report_action(forms.ReviewForm, _may_review_report, approve_report)
report_return = _report_action(forms.ReviewForm, _may_review_report, return_report)


# --- call targets -----------------------------------------------------------------------------------------
@login_required
def call_targets(request, code: str):
    if not permissions.can_set_targets(request.user):
        return _forbidden(request)
    call = Call.objects.select_related("measure__fund").filter(code=code).first()
    if call is None or not permissions.can_set_targets(request.user, call):
        raise Http404(_("Bando non trovato."))
    indicators = [i for i in Indicator.objects.filter(is_active=True) if i.applies_to(call.measure)]
    errors: dict = {}
    form = None
    if request.method == "POST":
        form = forms.TargetsForm(request.POST, indicators=indicators)
        form.is_valid()
        errors = _save_targets(
            request,
            form,
            lambda indicator, target: services.set_call_target(
                actor=request.user, call=call, indicator=indicator, target=target
            ),
        )
        if not errors:
            messages.success(request, _("Target del bando salvati."))
            return redirect("monitoring:call_targets", code=call.code)
        messages.error(request, _("Alcuni target non sono stati salvati: correggere i campi indicati."))
    targets = selectors.call_targets(call)
    rows = [
        (
            i,
            form.data.get(f"target-{i.pk}", "")
            if errors
            else (f"{targets[i.pk].normalize():f}" if i.pk in targets else ""),
            errors.get(f"target-{i.pk}", []),
        )
        for i in indicators
    ]
    return render(
        request, "monitoring/call_targets.html", {"call": call, "rows": rows}, status=422 if errors else 200
    )


# --- dashboards -------------------------------------------------------------------------------------------
@login_required
def dashboard_view(request):
    if not permissions.can_view_dashboard(request.user):
        return _forbidden(request)
    filters = dashboard.Filters.from_query(request.GET, viewer=request.user)
    data = dashboard.build(filters, include_sensitive=permissions.can_view_sensitive(request.user))
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "data": data,
            "filters": filters,
            "fields": dashboard.filter_fields(filters),
            "dimensions": dashboard.DIMENSIONS,
            "per_label": dashboard.DIMENSIONS[filters.per],
            "chart_data": exports.chart_data(data),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def dashboard_export(request, fmt: str):
    if not permissions.can_view_dashboard(request.user):
        return _forbidden(request)
    filters = dashboard.Filters.from_query(request.GET, viewer=request.user)
    data = dashboard.build(filters, include_sensitive=permissions.can_view_sensitive(request.user))
    if fmt == "xlsx":
        return exports.xlsx_response(data)
    if fmt == "csv":
        return exports.csv_response(data)
    raise Http404

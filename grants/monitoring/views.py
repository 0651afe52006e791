"""Pages of monitoring: a project's indicators, targets and monitoring reports; its participants (one by one
or imported from CSV/XLSX, with the import's progress polled by htmx); the call's targets; the dashboards
with their XLSX/CSV export.

Thin: the POST data is read here, ``services`` decide (their field errors are shown next to the fields),
``selectors`` and ``dashboard`` read. Another organisation's project does not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.programme.models import Call
from grants.projects.models import Project
from grants.projects.permissions import beneficiary_projects

from . import dashboard, exports, permissions, selectors, services
from .models import Indicator, MonitoringReport, Participant, ParticipantImport
from .participant_data import COLUMNS, EMPLOYMENT_BY_STATUS
from .rules import REPORTED
from .services import MonitoringError, ReportedValue
from .states import EDITABLE_REPORT_STATUSES, EducationLevel, EmploymentStatus, ReportStatus, Sex


def _forbidden(request):
    return render(request, "monitoring/forbidden.html", status=403)


def _project_or_404(user, pk: int) -> Project:
    project = Project.objects.select_related("call__measure__fund", "beneficiary").filter(pk=pk).first()
    if project is None or not permissions.can_read_monitoring(user, project):
        raise Http404(_("Progetto non trovato."))
    return project


def _errors_by_field(exc: MonitoringError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(error.get("field") or "general", []).append(error["message"])
    return errors


def _refused(request, exc) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("Operazione non consentita."))
    else:
        messages.error(request, exc.message)


# --- lists ----------------------------------------------------------------------------------------------
@login_required
def project_list(request):
    """The user's organisations' projects; staff who may read monitoring see every project."""
    if permissions.can_view_all_participants(request.user):
        projects = Project.objects.all()
    else:
        projects = beneficiary_projects(request.user)
    projects = projects.select_related("call", "beneficiary").order_by("call__code", "title", "pk")
    return render(request, "monitoring/project_list.html", {"projects": projects[:500]})


# --- one project ------------------------------------------------------------------------------------------
@login_required
def project_monitoring(request, pk: int):
    project = _project_or_404(request.user, pk)
    sensitive = permissions.can_view_sensitive(request.user)
    can_write = permissions.can_write_monitoring(request.user, project)
    if request.method == "POST":
        if not can_write:
            return _forbidden(request)
        from .forms import parse_date

        period_end, date_error = parse_date(request.POST.get("period_end"))
        try:
            if date_error:
                raise services._field_error("period_end", "invalid", date_error)
            report = services.create_report(
                actor=request.user,
                project=project,
                period_end=period_end,
                sal_reference=request.POST.get("sal_reference", ""),
            )
        except (MonitoringError, PermissionDenied) as exc:
            _refused(request, exc)
            errors = _errors_by_field(exc) if isinstance(exc, MonitoringError) else {}
            return _render_project(request, project, sensitive, can_write, errors=errors, status=422)
        messages.success(request, _("Relazione di monitoraggio n. %(n)s aperta.") % {"n": report.number})
        return redirect("monitoring:report_detail", pk=report.pk)
    return _render_project(request, project, sensitive, can_write)


def _render_project(request, project, sensitive, can_write, *, errors=None, status=200):
    rows = selectors.project_indicator_rows(project, include_sensitive=sensitive)
    return render(
        request,
        "monitoring/project_monitoring.html",
        {
            "project": project,
            "rows": rows,
            "reports": selectors.project_reports(project),
            "can_write": can_write,
            "can_set_targets": permissions.can_set_targets(request.user),
            "participant_count": Participant.objects.filter(project=project).count(),
            "errors": errors or {},
            "form_data": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


@login_required
@require_POST
def project_targets(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not permissions.can_set_targets(request.user):
        return _forbidden(request)
    failed = 0
    for indicator in selectors.applicable_indicators(project):
        name = f"target-{indicator.pk}"
        if name not in request.POST:
            continue
        try:
            services.set_project_target(
                actor=request.user, project=project, indicator=indicator, target=request.POST[name]
            )
        except MonitoringError as exc:
            failed += 1
            messages.error(request, f"{indicator.code}: {exc.message}")
    if not failed:
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
def participants(request, pk: int):
    project = _project_or_404(request.user, pk)
    if request.method == "POST":
        if not permissions.can_write_monitoring(request.user, project):
            return _forbidden(request)
        data = {column: request.POST.get(column, "") for column in COLUMNS}
        try:
            services.add_participant(actor=request.user, project=project, data=data)
        except MonitoringError as exc:
            messages.error(request, _("Il partecipante non è stato registrato: correggere i campi indicati."))
            return render(
                request,
                "monitoring/participants.html",
                _participant_context(request, project, errors=_errors_by_field(exc), form_data=data),
                status=422,
            )
        messages.success(request, _("Partecipante registrato."))
        return redirect("monitoring:participants", pk=project.pk)
    return render(request, "monitoring/participants.html", _participant_context(request, project))


def _participant_or_404(user, project_pk: int, pk: int) -> Participant:
    project = _project_or_404(user, project_pk)
    return get_object_or_404(Participant.objects.select_related("project"), pk=pk, project=project)


@login_required
@require_POST
def participant_exit(request, pk: int, participant_pk: int):
    participant = _participant_or_404(request.user, pk, participant_pk)
    data = {
        k: request.POST.get(k, "")
        for k in (
            "data_uscita",
            "cerca_lavoro_uscita",
            "in_formazione_uscita",
            "qualifica_uscita",
            "occupato_uscita",
        )
    }
    try:
        services.record_exit(actor=request.user, participant=participant, data=data)
        messages.success(request, _("Uscita registrata."))
    except (MonitoringError, PermissionDenied) as exc:
        _refused(request, exc)
        if isinstance(exc, MonitoringError):
            for error in exc.errors:
                messages.error(request, error["message"])
    return redirect("monitoring:participants", pk=pk)


@login_required
@require_POST
def participant_remove(request, pk: int, participant_pk: int):
    participant = _participant_or_404(request.user, pk, participant_pk)
    try:
        services.remove_participant(actor=request.user, participant=participant)
        messages.success(request, _("Partecipante eliminato."))
    except PermissionDenied as exc:
        _refused(request, exc)
    return redirect("monitoring:participants", pk=pk)


@login_required
@require_POST
def participant_import(request, pk: int):
    project = _project_or_404(request.user, pk)
    if not permissions.can_write_monitoring(request.user, project):
        return _forbidden(request)
    upload = request.FILES.get("file")
    if upload is None:
        errors = {"file": [_("Scegliere un file CSV o XLSX.")]}
        return render(
            request,
            "monitoring/participants.html",
            _participant_context(request, project, import_errors=errors),
            status=422,
        )
    try:
        job = services.start_import(actor=request.user, project=project, upload=upload)
    except MonitoringError as exc:
        return render(
            request,
            "monitoring/participants.html",
            _participant_context(request, project, import_errors=_errors_by_field(exc)),
            status=422,
        )
    return redirect("monitoring:import_detail", pk=job.pk)


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
def report_detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    project = report.project
    sensitive = permissions.can_view_sensitive(request.user)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                reported = [i for i in selectors.applicable_indicators(project) if i.rule == REPORTED]
                values = [
                    ReportedValue(
                        i.pk, request.POST.get(f"indicator-{i.pk}", ""), request.POST.get(f"note-{i.pk}", "")
                    )
                    for i in reported
                    if f"indicator-{i.pk}" in request.POST
                ]
                services.set_reported_values(actor=request.user, report=report, values=values)
                if action == "submit":
                    services.submit_report(actor=request.user, report=report)
                    messages.success(request, _("Relazione inviata."))
                else:
                    messages.success(request, _("Valori salvati."))
            elif action in ("approve", "return"):
                services.review_report(
                    actor=request.user,
                    report=report,
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                )
                messages.success(
                    request, _("Relazione approvata.") if action == "approve" else _("Relazione restituita.")
                )
            else:
                raise Http404
            return redirect("monitoring:report_detail", pk=report.pk)
        except PermissionDenied as exc:
            _refused(request, exc)
            return _forbidden(request)
        except MonitoringError as exc:
            _refused(request, exc)
            errors = _errors_by_field(exc)
            status = exc.status
            report.refresh_from_db()
    actuals = {a.indicator_id: a for a in selectors.report_actuals(report, include_sensitive=sensitive)}
    indicators = [i for i in selectors.applicable_indicators(project) if sensitive or not i.is_sensitive]
    rows = []
    for indicator in indicators:
        actual = actuals.get(indicator.pk)
        if request.method == "POST":
            shown = request.POST.get(f"indicator-{indicator.pk}", "")
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
            "form_data": request.POST if request.method == "POST" else {},
        },
        status=status,
    )


# --- call targets -----------------------------------------------------------------------------------------
@login_required
def call_targets(request, code: str):
    if not permissions.can_set_targets(request.user):
        return _forbidden(request)
    call = Call.objects.select_related("measure__fund").filter(code=code).first()
    if call is None:
        raise Http404(_("Bando non trovato."))
    indicators = [i for i in Indicator.objects.filter(is_active=True) if i.applies_to(call.measure)]
    errors: dict = {}
    if request.method == "POST":
        for indicator in indicators:
            name = f"target-{indicator.pk}"
            if name not in request.POST:
                continue
            try:
                services.set_call_target(
                    actor=request.user, call=call, indicator=indicator, target=request.POST[name]
                )
            except MonitoringError as exc:
                errors[name] = [exc.message]
        if not errors:
            messages.success(request, _("Target del bando salvati."))
            return redirect("monitoring:call_targets", code=call.code)
        messages.error(request, _("Alcuni target non sono stati salvati: correggere i campi indicati."))
    targets = selectors.call_targets(call)
    rows = [
        (
            i,
            request.POST.get(f"target-{i.pk}", "")
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
    filters = dashboard.Filters.from_query(request.GET)
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
    filters = dashboard.Filters.from_query(request.GET)
    data = dashboard.build(filters, include_sensitive=permissions.can_view_sensitive(request.user))
    if fmt == "xlsx":
        return exports.xlsx_response(data)
    if fmt == "csv":
        return exports.csv_response(data)
    raise Http404

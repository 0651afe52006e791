"""A project's monitoring reports: opened, filled in, submitted, reviewed."""

from django.http import Http404
from ninja import Status

from grants.monitoring import permissions, selectors, services
from grants.monitoring.models import MonitoringReport
from grants.monitoring.services import ReportedValue

from . import router
from .common import project_for
from .schemas import (
    ReportIn,
    ReportOut,
    ReportValuesIn,
    ReviewIn,
)


def _report(report: MonitoringReport, user) -> dict:
    sensitive = permissions.can_view_sensitive(user)
    return {
        "id": report.pk,
        "project_id": report.project_id,
        "number": report.number,
        "period_end": report.period_end,
        "sal_reference": report.sal_reference,
        "status": report.status,
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "review_note": report.review_note,
        "actuals": [
            {
                "indicator_id": a.indicator_id,
                "code": a.indicator.code,
                "value": a.value,
                "women": a.women,
                "men": a.men,
                "non_binary": a.non_binary,
                "note": a.note,
            }
            for a in selectors.report_actuals(report, include_sensitive=sensitive)
        ],
    }


def _report_or_404(user, report_id: int) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_related("project__call__measure__fund", "project__beneficiary")
        .filter(pk=report_id)
        .first()
    )
    if report is None or not permissions.can_read_monitoring(user, report.project):
        raise Http404
    return report


# --- monitoring reports -------------------------------------------------------------------------------------
@router.post(
    "/monitoring/projects/{project_id}/reports",
    response={201: ReportOut},
    summary="Apre una relazione di monitoraggio",
)
def create_report(request, project_id: int, payload: ReportIn):
    project = project_for(request.auth, project_id)
    report = services.create_report(
        actor=request.auth,
        project=project,
        period_end=payload.period_end,
        sal_reference=payload.sal_reference,
    )
    return Status(201, _report(report, request.auth))


@router.get("/monitoring/reports/{report_id}", response=ReportOut, summary="Una relazione di monitoraggio")
def get_report(request, report_id: int):
    return _report(_report_or_404(request.auth, report_id), request.auth)


@router.put(
    "/monitoring/reports/{report_id}/values", response=ReportOut, summary="Valori dichiarati della relazione"
)
def put_report_values(request, report_id: int, payload: ReportValuesIn):
    report = _report_or_404(request.auth, report_id)
    values = [ReportedValue(v.indicator_id, v.value, v.note) for v in payload.values]
    services.set_reported_values(actor=request.auth, report=report, values=values)
    return _report(report, request.auth)


@router.post(
    "/monitoring/reports/{report_id}/submit",
    response=ReportOut,
    summary="Invia la relazione (congela i valori)",
)
def submit_report(request, report_id: int):
    report = _report_or_404(request.auth, report_id)
    report = services.submit_report(actor=request.auth, report=report)
    return _report(report, request.auth)


@router.post(
    "/monitoring/reports/{report_id}/review", response=ReportOut, summary="Approva o restituisce la relazione"
)
def review_report(request, report_id: int, payload: ReviewIn):
    report = _report_or_404(request.auth, report_id)
    report = services.review_report(
        actor=request.auth, report=report, approve=payload.approve, note=payload.note
    )
    return _report(report, request.auth)

"""What the monitoring endpoints share: the project the caller may read (404 otherwise), an indicator's
answer."""

from django.http import Http404

from grants.monitoring import permissions
from grants.monitoring.models import Indicator
from grants.projects.models import Project


def project_for(user, project_id: int) -> Project:
    project = (
        Project.objects.select_related("call__measure__fund", "beneficiary").filter(pk=project_id).first()
    )
    if project is None or not permissions.can_read_monitoring(user, project):
        raise Http404
    return project


def indicator_out(indicator: Indicator) -> dict:
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "title": indicator.display_title,
        "kind": indicator.kind,
        "subject": indicator.subject,
        "unit": indicator.unit,
        "rule": indicator.rule,
        "measure_code": indicator.measure.code if indicator.measure_id else None,
        "fund_codes": list(indicator.fund_codes or []),
        "is_sensitive": indicator.is_sensitive,
    }


def indicator_row(row) -> dict:
    return {
        "indicator": indicator_out(row.indicator),
        "actual": row.actual.__dict__,
        "call_target": row.call_target,
        "project_target": row.project_target,
    }

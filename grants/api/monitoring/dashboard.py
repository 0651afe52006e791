"""The dashboard of the staff: resources, applications, projects, indicators."""

from django.core.exceptions import PermissionDenied

from grants.monitoring import dashboard, permissions

from ..problems import problem_response
from . import router
from .common import indicator_row
from .schemas import (
    DashboardOut,
)


# --- dashboard ----------------------------------------------------------------------------------------------
@router.get(
    "/monitoring/dashboard",
    response=DashboardOut,
    summary="Cruscotto: risorse, domande, progetti, indicatori",
)
def get_dashboard(
    request,
    programme: int | None = None,
    fund: int | None = None,
    measure: int | None = None,
    call: int | None = None,
    province: int | None = None,
    district: int | None = None,
    per: str = "measure",
):
    if not permissions.can_view_dashboard(request.auth):
        raise PermissionDenied("Il cruscotto è riservato al personale abilitato.")
    if per not in dashboard.DIMENSIONS:
        return problem_response(
            422,
            detail="Dimensione non valida.",
            errors=[{"field": "per", "message": f"Usare una di: {', '.join(dashboard.DIMENSIONS)}."}],
        )
    filters = dashboard.Filters(
        programme=programme,
        fund=fund,
        measure=measure,
        call=call,
        province=province,
        district=district,
        per=per,
        viewer=request.auth,
    )
    data = dashboard.build(filters, include_sensitive=permissions.can_view_sensitive(request.auth))
    outcome_codes = [code for code, _label in data.outcomes]
    return {
        "per": per,
        "money": [row.__dict__ for row in data.money],
        "money_total": data.money_total.__dict__,
        "projects_by_status": [{"status": c, "label": label, "projects": n} for c, label, n in data.statuses],
        "applications_by_month": [{"month": m, "applications": n} for m, n in data.applications_by_month],
        "applications_by_call": [
            {
                "call_id": row["call"].pk,
                "call_code": row["call"].code,
                "counts": dict(zip(outcome_codes, row["counts"], strict=True)),
                "total": row["total"],
            }
            for row in data.applications_by_call
        ],
        "indicators": [indicator_row(row) for row in data.indicators],
        "refreshed_at": data.refreshed_at,
    }

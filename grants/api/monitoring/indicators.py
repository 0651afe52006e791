"""The catalogue of indicators, a project's indicators and the targets of projects and calls."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from grants.monitoring import permissions, proposals, selectors, services
from grants.monitoring.models import Indicator
from grants.programme.models import Call

from ..applications.common import application_of
from . import router
from .common import indicator_out, indicator_row, project_for
from .schemas import (
    IndicatorOut,
    IndicatorValueOut,
    ProposedTargetOut,
    ProposedTargetsIn,
    TargetIn,
    TargetOut,
)


# --- catalogue ----------------------------------------------------------------------------------------------
@router.get("/monitoring/indicators", response=list[IndicatorOut], summary="Catalogo degli indicatori in uso")
def list_indicators(request):
    indicators = Indicator.objects.filter(is_active=True).select_related("measure")
    return [indicator_out(i) for i in indicators.order_by("order", "code", "pk")]


# --- a project's indicators and targets -------------------------------------------------------------------
@router.get(
    "/monitoring/projects/{project_id}/indicators",
    response=list[IndicatorValueOut],
    summary="Indicatori del progetto",
)
def project_indicators(request, project_id: int):
    project = project_for(request.auth, project_id)
    sensitive = permissions.can_view_sensitive(request.auth)
    return [
        indicator_row(row) for row in selectors.project_indicator_rows(project, include_sensitive=sensitive)
    ]


@router.put(
    "/monitoring/projects/{project_id}/targets/{indicator_id}",
    response={200: TargetOut},
    summary="Fissa (o toglie, con target vuoto) il target del progetto per un indicatore",
)
def put_project_target(request, project_id: int, indicator_id: int, payload: TargetIn):
    project = project_for(request.auth, project_id)
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404
    row = services.set_project_target(
        actor=request.auth, project=project, indicator=indicator, target=payload.target or ""
    )
    return {"indicator_id": indicator.pk, "target": row.target if row else None}


@router.put(
    "/monitoring/calls/{call_id}/targets/{indicator_id}",
    response={200: TargetOut},
    summary="Fissa (o toglie) il target del bando per un indicatore (funzionari)",
)
def put_call_target(request, call_id: int, indicator_id: int, payload: TargetIn):
    if not permissions.can_set_targets(request.auth):
        raise PermissionDenied("Solo i funzionari abilitati fissano i target.")
    call = Call.objects.select_related("measure__fund").filter(pk=call_id).first()
    indicator = Indicator.objects.filter(pk=indicator_id).first()
    if call is None or indicator is None or not permissions.can_set_targets(request.auth, call):
        raise Http404
    row = services.set_call_target(
        actor=request.auth, call=call, indicator=indicator, target=payload.target or ""
    )
    return {"indicator_id": indicator.pk, "target": row.target if row else None}


# --- the targets proposed in an application (applicant) ------------------------------------------------
def _proposed_out(user, application) -> list[dict]:
    return [
        {
            "indicator_id": row.indicator.pk,
            "code": row.indicator.code,
            "title": row.indicator.title,
            "unit": row.indicator.unit,
            "whole_number": row.whole_number,
            "target": row.target,
        }
        for row in proposals.proposed_targets(user, application)
    ]


@router.get(
    "/monitoring/applications/{application_id}/targets",
    response=list[ProposedTargetOut],
    summary="Indicatori del bando e target proposti nella domanda",
)
def application_targets(request, application_id: int):
    return _proposed_out(request.auth, application_of(request, application_id))


@router.put(
    "/monitoring/applications/{application_id}/targets",
    response=list[ProposedTargetOut],
    summary="Propone i target degli indicatori nella domanda (bozza)",
)
def put_application_targets(request, application_id: int, payload: ProposedTargetsIn):
    application = application_of(request, application_id)
    application = proposals.propose_targets(
        actor=request.auth, application=application, targets=payload.targets
    )
    return _proposed_out(request.auth, application)

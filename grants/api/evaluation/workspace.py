"""The staff's own calls ("I miei bandi"): the page's rows (grants.evaluation.workspace), for the API."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Schema

from grants.evaluation import workspace

from . import router

COUNTS = ("sent", "to_check", "admissible", "funded")


class MyCallCountsOut(Schema):
    sent: int = Field(description="Domande inviate")
    to_check: int = Field(description="In istruttoria formale (inviate, integrazione, preavviso di rigetto)")
    admissible: int = Field(description="Ammissibili")
    funded: int = Field(description="Finanziate")


class MyCallOut(Schema):
    id: int
    code: str
    title: str
    measure_code: str
    mode: str = Field(description="ranking (a graduatoria) | first_come (a sportello)")
    phase_status: str = Field(description="Fase del bando (come nella pagina)")
    phase_status_label: str
    opens_at: datetime | None
    closes_at: datetime | None
    counts: MyCallCountsOut


class MyCallsOut(Schema):
    may_see_applications: bool = Field(description="Può aprire le domande presentate ai bandi")
    may_evaluate: bool = Field(description="Può aprire istruttoria, valutazione, graduatoria o sportello")
    may_assign_staff: bool = Field(description="Può assegnare RUP e funzionari ai bandi")
    calls: list[MyCallOut]


@router.get(
    "/evaluation/my-calls",
    response=MyCallsOut,
    openapi_extra={
        "responses": {403: {"description": "Solo il personale della Regione con compiti sui bandi."}}
    },
)
def get_my_calls(request):
    """The calls the caller works on (RUP, officer, head of measure), the latest first, with the counts of
    their sent applications: the data of the page «I miei bandi»."""
    rights = workspace.rights(request.auth)
    if not rights.any:
        raise PermissionDenied("Operazione non consentita.")
    return {
        "may_see_applications": rights.see_applications,
        "may_evaluate": rights.evaluate,
        "may_assign_staff": rights.assign_staff,
        "calls": [
            {
                "id": row.call.pk,
                "code": row.call.code,
                "title": row.call.display_title,
                "measure_code": row.call.measure.code,
                "mode": row.call.mode,
                "phase_status": row.call.phase_status.value,
                "phase_status_label": str(row.call.phase_status.label),
                "opens_at": row.call.opens_at,
                "closes_at": row.call.closes_at,
                "counts": {key: row.counts.get(key, 0) for key in COUNTS},
            }
            for row in workspace.my_calls(request.auth)
        ],
    }

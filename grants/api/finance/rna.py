"""RNA records (Registro Nazionale Aiuti): the officers' list, one record, its XML for the manual upload, the
COR typed when the exchange is manual, and sending through the configured adapter. Outside the caller's
calls a record answers 404, as a missing one."""

from django.http import Http404, HttpResponse
from ninja import Path, Query
from ninja.pagination import paginate

from grants.finance.rna import selectors
from grants.finance.rna import services as rna_services
from grants.finance.rna.xml import to_xml

from ..pagination import LazyRows, Pagination
from . import router
from .schemas import RnaCorIn, RnaFilters, RnaRecordId, RnaRecordOut


def _out(record) -> dict:
    return {
        "id": record.pk,
        "project_id": record.project_id,
        "call_code": record.project.call.code,
        "kind": record.kind,
        "status": record.status,
        "car": record.car,
        "regime": record.regime,
        "instrument": record.instrument,
        "beneficiary_fiscal_code": record.beneficiary_fiscal_code,
        "beneficiary_name": record.beneficiary_name,
        "cup": record.cup,
        "nominal_amount": record.nominal_amount,
        "aid_amount": record.aid_amount,
        "previous_aid_amount": record.previous_aid_amount,
        "concession_date": record.concession_date,
        "act_date": record.act_date,
        "cor": record.cor,
        "refusal_reason": record.refusal_reason,
    }


def _record(request, record_id: int):
    record = selectors.record_for(request.auth, record_id)
    if record is None:
        raise Http404
    return record


@router.get("/finance/rna-records", response=list[RnaRecordOut])
@paginate(Pagination, page_size=50)
def list_rna_records(request, filters: Query[RnaFilters]):
    """The RNA records of the caller's calls (empty for who does not manage them), newest first."""
    records = selectors.records_for(request.auth, call_id=filters.call_id, status=filters.status or "")
    return LazyRows(records, _out)


@router.get("/finance/rna-records/{record_id}", response=RnaRecordOut)
def get_rna_record(request, record_id: Path[RnaRecordId]):
    return _out(_record(request, record_id))


@router.get(
    "/finance/rna-records/{record_id}/xml",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {"description": "XML della registrazione (rna.xsd)", "content": {"application/xml": {}}},
            404: {"description": "La registrazione non esiste o non è visibile a chi chiede."},
        }
    },
)
def download_rna_record_xml(request, record_id: Path[RnaRecordId]):
    record = _record(request, record_id)
    response = HttpResponse(to_xml([record]), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="rna-{record.pk}.xml"'
    return response


@router.post("/finance/rna-records/{record_id}/cor", response=RnaRecordOut)
def set_rna_record_cor(request, record_id: Path[RnaRecordId], payload: RnaCorIn):
    """The COR the RNA gave (manual exchange): the record becomes registered and the project keeps it."""
    record = _record(request, record_id)
    return _out(
        rna_services.set_cor(
            actor=request.auth, record=record, cor=payload.cor, registered_on=payload.registered_on
        )
    )


@router.post("/finance/rna-records/{record_id}/send", response=RnaRecordOut)
def send_rna_record(request, record_id: Path[RnaRecordId]):
    """Send through the configured adapter ("file": confirms the manual upload; "http": the register's
    answer is kept)."""
    record = _record(request, record_id)
    return _out(rna_services.send(actor=request.auth, record=record))

"""Reads of the RNA records: the officers' list (scoped to their calls), one record, the CSV rows."""

from django.db.models import QuerySet

from grants.programme.permissions import scope_to_staff_calls

from .. import permissions
from ..models import RnaRecord
from ..states import RnaStatus

CSV_HEADER = [
    "id",
    "tipo",
    "stato",
    "bando",
    "codice CAR",
    "codice fiscale beneficiario",
    "beneficiario",
    "CUP",
    "regime",
    "strumento",
    "importo nominale",
    "elemento di aiuto (ESL)",
    "data concessione",
    "COR",
    "motivo del rifiuto",
]


def records_for(user, *, call_id: int | None = None, status: str = "") -> QuerySet[RnaRecord]:
    """The records of the calls the officer works on (none for who may not manage RNA records)."""
    if not permissions.can_manage_rna(user):
        return RnaRecord.objects.none()
    queryset = scope_to_staff_calls(
        user,
        RnaRecord.objects.select_related("project", "project__call", "project__beneficiary"),
        call_field="project__call",
    )
    if call_id:
        queryset = queryset.filter(project__call_id=call_id)
    if status in RnaStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def record_for(user, pk: int) -> RnaRecord | None:
    """One record, or None when it does not exist or is outside the officer's calls."""
    return records_for(user).filter(pk=pk).first()


def csv_rows(records):
    for r in records:
        yield [
            r.pk,
            r.get_kind_display(),
            r.get_status_display(),
            r.project.call.code,
            r.car,
            r.beneficiary_fiscal_code,
            r.beneficiary_name,
            r.cup,
            r.get_regime_display(),
            r.get_instrument_display(),
            f"{r.nominal_amount:.2f}".replace(".", ","),
            f"{r.aid_amount:.2f}".replace(".", ","),
            r.concession_date.strftime("%d/%m/%Y"),
            r.cor,
            r.refusal_reason,
        ]

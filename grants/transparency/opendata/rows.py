"""The rows: one query of plain values read with ``iterator()`` in chunks, one more query per chunk for the
comuni of intervention, the calls' data once per call; rows produced one at a time."""

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice

from django.urls import reverse

from grants.applications.models import Application
from grants.core.timeutils import in_rome
from grants.programme.models import Call
from grants.projects.states import ProjectStatus

from .. import public_projects as pp
from .schema import CHUNK_SIZE, CallData, Place, Row

# --- rows --------------------------------------------------------------------------------------------------
# The values read per project: one query for the whole export, streamed with iterator(); the comuni of
# intervention come with one more query per chunk, the calls (few) with one query when a chunk meets new ones.
_FIELDS = (
    "pk",
    "cup",
    "rna_cor",
    "title",
    "summary",
    "application__abstract",
    "total_eligible_cost",
    "grant",
    "cofinancing",
    "paid_total",
    "status",
    "planned_start_date",
    "actual_start_date",
    "planned_end_date",
    "actual_end_date",
    "created_at",
    "call_id",
    "application_id",
    "beneficiary__name",
    "beneficiary__fiscal_code",
    "beneficiary__seat__istat_code",
    "beneficiary__seat__name",
    "beneficiary__seat__province__name",
)
_CALL, _APPLICATION = _FIELDS.index("call_id"), _FIELDS.index("application_id")


def export_queryset(filters: pp.ProjectFilters | None = None):
    queryset = pp.public_projects()
    if filters is not None:
        queryset = pp.filter_projects(queryset, filters)
    return queryset.order_by("pk")


def _chunks(values: Iterator[tuple]) -> Iterator[list[tuple]]:
    while chunk := list(islice(values, CHUNK_SIZE)):
        yield chunk


def _declared_places(application_ids: list[int]) -> dict[int, list[Place]]:
    """The comuni of intervention of these applications, in ISTAT code order: one query."""
    places = defaultdict(list)
    rows = (
        Application.municipalities.through.objects.filter(application_id__in=application_ids)
        .order_by("application_id", "municipality__istat_code")
        .values_list(
            "application_id", "municipality__istat_code", "municipality__name", "municipality__province__name"
        )
    )
    for application_id, code, name, province in rows:
        places[application_id].append(Place(code, name, province))
    return places


def _missing_calls(calls: dict[int, CallData], call_ids) -> None:
    missing = set(call_ids) - calls.keys()
    if missing:
        for call in Call.objects.filter(pk__in=missing).select_related(
            "measure__fund", "measure__programme", "measure__publication"
        ):
            calls[call.pk] = CallData.of(call)


class _ProjectUrl:
    """``reverse("transparency:project_detail")`` once per export, the id put in for each row."""

    SENTINEL = 987654321

    def __init__(self):
        self.head, self.tail = reverse("transparency:project_detail", args=[self.SENTINEL]).split(
            str(self.SENTINEL)
        )

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def rows_of(queryset) -> Iterator[Row]:
    """One Row per project, read in chunks of CHUNK_SIZE: memory holds one chunk, never the export."""
    statuses = {status.value: str(status.label) for status in ProjectStatus}
    calls: dict[int, CallData] = {}
    project_url = _ProjectUrl()
    for chunk in _chunks(queryset.values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)):
        declared = _declared_places([values[_APPLICATION] for values in chunk])
        _missing_calls(calls, {values[_CALL] for values in chunk})
        for (
            pk,
            cup,
            rna_cor,
            title,
            summary,
            abstract,
            total_eligible_cost,
            grant,
            cofinancing,
            paid,
            status,
            planned_start,
            actual_start,
            planned_end,
            actual_end,
            created_at,
            call_id,
            application_id,
            beneficiary_name,
            beneficiary_code,
            seat_code,
            seat_name,
            seat_province,
        ) in chunk:
            call = calls[call_id]
            natural_person = pp.is_natural_person_code(beneficiary_code)
            places = declared.get(application_id)
            if not places:
                # Without declared comuni, the beneficiary's seat (never a natural person's).
                places = (
                    []
                    if natural_person or seat_code is None
                    else [Place(seat_code, seat_name, seat_province)]
                )
            yield Row(
                pk=pk,
                cup=cup,
                rna_cor=rna_cor,
                title=title,
                summary=summary or abstract or "",
                total_eligible_cost=total_eligible_cost,
                grant=grant,
                start_date=actual_start or planned_start,
                end_date=actual_end or planned_end,
                planned_end_date=planned_end,
                actual_end_date=actual_end,
                granted_on=in_rome(created_at).date(),
                status_label=statuses.get(status, status),
                beneficiary_name=str(pp.NATURAL_PERSON_LABEL) if natural_person else beneficiary_name,
                beneficiary_fiscal_code="" if natural_person else beneficiary_code,
                url=project_url(pk),
                call=call,
                money=pp.financing_of(grant=grant, cofinancing=cofinancing, paid=paid, fund=call.fund),
                municipalities=places,
            )

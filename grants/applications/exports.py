"""XLSX export of the applications submitted to a call, with the officers' list filters (openpyxl).

The page (``bandi/<code>/domande/esporta.xlsx``) and the API (``GET /api/v1/calls/{code}/applications/
export.xlsx``) read the same filters through ``OfficerFilterForm`` and
``selectors.submitted_applications_of_call``, so the file holds exactly the rows the list shows. A call's
submitted applications are bounded (a few thousand on a click day; ``MAX_ROWS`` refuses more): the workbook
is built in memory in one pass over a queryset with its territory prefetched, and answered directly.
Every export writes an ``application.list_exported`` audit event naming who exported which call, with which
filters and how many rows.
"""

from dataclasses import dataclass
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallMode
from grants.territory.models import CohesionDistrict, Municipality, Province

from . import selectors
from .forms import OfficerFilterForm
from .models import Application
from .permissions import can_view_call_applications

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '#,##0.00 "€"'
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
# Above this many rows the export is refused with a message: narrow the filters (never reached by a call).
MAX_ROWS = 50_000


class ExportTooLarge(Exception):
    def __init__(self, rows: int) -> None:
        super().__init__(
            _("L'esportazione comprende %(rows)s domande, più del massimo di %(max)s: restringere i filtri.")
            % {"rows": rows, "max": MAX_ROWS}
        )
        self.rows = rows


@dataclass(frozen=True)
class OfficerFilters:
    """The officers' list filters, validated by ``OfficerFilterForm`` (an invalid value is ignored, as on
    the list), as the keyword arguments of ``selectors.submitted_applications_of_call``."""

    status: str | None = None
    province: Province | None = None
    legal_form: str | None = None
    search: str = ""

    def as_selector_kwargs(self) -> dict:
        return {
            "status": self.status,
            "province": self.province,
            "legal_form": self.legal_form,
            "search": self.search,
        }

    def describe(self) -> dict:
        """What the audit event and the workbook record (plain JSON)."""
        return {
            key: value
            for key, value in (
                ("stato", self.status or ""),
                ("provincia", self.province.istat_code if self.province else ""),
                ("tipologia", self.legal_form or ""),
                ("q", self.search),
            )
            if value
        }


def officer_filters(data) -> tuple[OfficerFilterForm, OfficerFilters]:
    """The form (for the page) and the filters it validated, from GET data in the list's own names."""
    form = OfficerFilterForm(data or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    return form, OfficerFilters(
        status=cleaned.get("stato") or None,
        province=cleaned.get("provincia"),
        legal_form=cleaned.get("tipologia") or None,
        search=(cleaned.get("q") or "").strip(),
    )


def filtered_applications(call: Call, filters: OfficerFilters) -> QuerySet[Application]:
    return selectors.submitted_applications_of_call(call, **filters.as_selector_kwargs())


def _with_territory(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("applicant__seat__province").prefetch_related(
        Prefetch("districts", queryset=CohesionDistrict.objects.order_by("name")),
        Prefetch("provinces", queryset=Province.objects.order_by("name")),
        Prefetch("municipalities", queryset=Municipality.objects.order_by("name")),
    )


def territory_label(application: Application) -> str:
    parts = []
    districts = [d.name for d in application.districts.all()]
    provinces = [p.name for p in application.provinces.all()]
    municipalities = [m.name for m in application.municipalities.all()]
    if districts:
        parts.append(_("Distretti: %(names)s") % {"names": ", ".join(districts)})
    if provinces:
        parts.append(_("Province: %(names)s") % {"names": ", ".join(provinces)})
    if municipalities:
        parts.append(_("Comuni: %(names)s") % {"names": ", ".join(municipalities)})
    return "; ".join(parts)


def _headers(first_come: bool) -> list[str]:
    headers = [
        _("Protocollo"),
        _("Inviata il (ora di Roma)"),
        _("Proponente"),
        _("Codice fiscale"),
        _("Forma giuridica"),
        _("Provincia del capofila"),
        _("Territorio di intervento"),
        _("Titolo del progetto"),
        _("Contributo richiesto"),
        _("Costo totale"),
        _("Cofinanziamento"),
        _("Stato"),
    ]
    if first_come:
        headers += [_("Esito della prenotazione (sportello)"), _("Importo prenotato")]
    return headers


MONEY_COLUMNS = (9, 10, 11)  # requested grant, total cost, co-financing (1-based)


def applications_xlsx(
    call: Call, applications: QuerySet[Application], *, filters: OfficerFilters, actor=None
) -> tuple[bytes, int]:
    """The workbook (sheet «Domande», plus «Esportazione» saying what it holds) and its number of rows."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    first_come = call.mode == CallMode.FIRST_COME
    headers = _headers(first_come)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Domande")
    sheet.append(headers)
    rows = 0
    for application in _with_territory(applications):
        applicant = application.applicant
        seat = applicant.seat
        values = [
            application.protocol,
            in_rome(application.submitted_at).replace(tzinfo=None) if application.submitted_at else None,
            applicant.name,
            applicant.fiscal_code,
            applicant.get_legal_form_display(),
            seat.province.name if seat else "",
            territory_label(application),
            application.title,
            application.requested_grant,
            application.total_cost,
            application.cofinancing,
            application.get_status_display(),
        ]
        if first_come:
            values += [
                application.get_booking_outcome_display() if application.booking_outcome else "",
                application.booked_amount if application.booking_outcome else None,
            ]
        sheet.append(values)
        rows += 1
        row = rows + 1
        sheet.cell(row=row, column=2).number_format = DATETIME_FORMAT
        for column in MONEY_COLUMNS + ((len(headers),) if first_come else ()):
            sheet.cell(row=row, column=column).number_format = MONEY_FORMAT
    for index, label in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, min(len(label) + 2, 40))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"

    about = workbook.create_sheet(_("Esportazione"))
    described = filters.describe()
    about.append([_("Bando"), f"{call.code} – {call.title}"])
    about.append([_("Filtri"), "; ".join(f"{k}={v}" for k, v in described.items()) or _("nessuno")])
    about.append([_("Esportato il (ora di Roma)"), in_rome(now()).replace(tzinfo=None)])
    about.cell(row=3, column=2).number_format = DATETIME_FORMAT
    about.append([_("Esportato da"), getattr(actor, "email", "") or ""])
    about.append([_("Domande"), rows])
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def export_filename(call: Call) -> str:
    return f"domande-{call.code}-{in_rome(now()):%Y%m%d-%H%M}.xlsx"


def export_call_applications(
    *, actor, call: Call, filters: OfficerFilters, request=None
) -> tuple[bytes, int]:
    """The XLSX of the call's submitted applications matching ``filters``, for staff with rights on the
    call (``PermissionDenied`` otherwise); audited as ``application.list_exported``."""
    if not can_view_call_applications(actor, call):
        raise PermissionDenied(_("Solo il personale della Regione abilitato esporta le domande del bando."))
    applications = filtered_applications(call, filters)
    count = applications.count()
    if count > MAX_ROWS:
        raise ExportTooLarge(count)
    data, rows = applications_xlsx(call, applications, filters=filters, actor=actor)
    record_event(
        actor=actor,
        action="application.list_exported",
        obj=call,
        after={"format": "xlsx", "rows": rows, "filters": filters.describe()},
        request=request,
    )
    return data, rows

"""The open datasets: their columns (the data dictionary is generated from them), and the writers that
stream them as CSV, JSON and XLSX in bounded memory: one query of plain values (``values_list``, the paid
total as an annotation) read with ``iterator()`` in chunks, one more query per chunk for the comuni of
intervention, the calls' data once per call; rows are produced one at a time, never held in a list.

Three datasets:
- ``operazioni``: the list of operations of Reg. (EU) 2021/1060 art. 49(3) (ISO dates, dot decimals);
- ``progetti-opencoesione``: one row per project in the OpenCoesione layout (dates YYYYMMDD, ``;`` as
  separator and the decimal comma, as OpenCoesione publishes its files);
- ``concessioni``: the grants published under D.Lgs. 33/2013 artt. 26-27.

Nothing private is in any of them: natural persons are never named (see public_projects), and no
participant data exists at this level.
"""

import csv
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.applications.models import Application
from grants.core.timeutils import in_rome
from grants.programme.models import Call
from grants.projects.states import ProjectStatus

from . import public_projects as pp
from . import xlsx_stream
from .models import MeasurePublication

LICENCE_TITLE = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CHUNK_SIZE = 2000
COUNTRY = "IT"


class Kind:
    TEXT = "testo"
    DATE = "data"
    AMOUNT = "importo"
    PERCENT = "percentuale"
    CODE = "codice"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    value: Callable  # (project, context) -> value


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    delimiter: str = ","
    decimal_comma: bool = False
    date_format: str = "%Y-%m-%d"
    keywords: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def format_value(self, column: Column, value) -> str:
        """How a value is written in CSV and JSON (XLSX keeps numbers as numbers)."""
        if value is None or value == "":
            return ""
        if column.kind == Kind.DATE:
            return value.strftime(self.date_format)
        if column.kind in (Kind.AMOUNT, Kind.PERCENT):
            text = f"{Decimal(value):.2f}"
            return text.replace(".", ",") if self.decimal_comma else text
        return str(value)

    @property
    def date_pattern(self) -> str:
        return {"%Y-%m-%d": "AAAA-MM-GG", "%Y%m%d": "AAAAMMGG"}.get(self.date_format, self.date_format)


# --- per-row context: computed once per project, shared by the columns --------------------------------------
class Place(NamedTuple):
    """A comune of intervention (or the beneficiary's seat) as the files show it."""

    istat_code: str
    name: str
    province: str


@dataclass(frozen=True, slots=True)
class CallData:
    """What every project of a call shares (call, measure, fund, programme, the measure's publication data):
    computed once per call and export, not once per row."""

    code: str
    title: str
    url: str
    measure_code: str
    measure_title: str
    fund_code: str
    fund: object
    programme_title: str
    local_code_prefix: str
    intervention: str
    office: str
    responsible_official: str
    legal_basis: str
    procedure: str

    @classmethod
    def of(cls, call) -> "CallData":
        measure = call.measure
        publication = _publication(measure)
        return cls(
            code=call.code,
            title=call.title,
            url=reverse("transparency:call_detail", args=[call.code]),
            measure_code=measure.code,
            measure_title=measure.title,
            fund_code=measure.fund.code,
            fund=measure.fund,
            programme_title=measure.programme.title,
            local_code_prefix=f"{measure.programme.code.upper()}-{measure.code}-",
            intervention=publication.intervention if publication else "",
            office=publication.office if publication else "",
            responsible_official=publication.responsible_official if publication else "",
            legal_basis=_legal_basis(call),
            procedure=pp.procedure_label_of(call),
        )


def _publication(measure):
    try:
        return measure.publication
    except MeasurePublication.DoesNotExist:
        return None


@dataclass(slots=True)
class Row:
    """One project as the files show it, built from the plain values of one query (no model instance)."""

    pk: int
    cup: str
    title: str
    summary: str
    total_eligible_cost: Decimal
    grant: Decimal
    start_date: date
    end_date: date
    planned_end_date: date
    actual_end_date: date | None
    granted_on: date
    status_label: str
    beneficiary_name: str
    beneficiary_fiscal_code: str
    url: str
    call: CallData
    money: pp.Financing
    municipalities: list[Place]


def _comune_codes(row: Row) -> str:
    return "|".join(m.istat_code for m in row.municipalities)


def _comune_names(row: Row) -> str:
    return "|".join(m.name for m in row.municipalities)


def _provinces(row: Row) -> str:
    return "|".join(dict.fromkeys(m.province for m in row.municipalities))


def _intervention(row: Row) -> str:
    return row.call.intervention


def _local_code(row: Row) -> str:
    return f"{row.call.local_code_prefix}{row.pk}"


OPERATIONS = Dataset(
    slug="operazioni",
    title=_("Elenco delle operazioni (Reg. (UE) 2021/1060, art. 49)"),
    description=(
        _(
            "Le operazioni finanziate dal programma: beneficiario, denominazione e finalità, date di "
            "inizio e fine, spesa totale ammissibile, tasso di cofinanziamento UE, localizzazione e "
            "categoria di intervento. Un beneficiario persona fisica non è mai identificato."
        )
    ),
    keywords=("fondi europei", "operazioni", "FSE", "FESR", "innovazione sociale"),
    columns=(
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column(
            "BENEFICIARIO",
            Kind.TEXT,
            _("Denominazione del beneficiario"),
            lambda r: r.beneficiary_name,
        ),
        Column(
            "CODICE_FISCALE_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column("NOME_OPERAZIONE", Kind.TEXT, _("Denominazione dell'operazione"), lambda r: r.title),
        Column(
            "FINALITA_OPERAZIONE",
            Kind.TEXT,
            _("Finalità e sintesi dell'operazione"),
            lambda r: r.summary,
        ),
        Column(
            "DATA_INIZIO",
            Kind.DATE,
            _("Data di inizio (effettiva o prevista)"),
            lambda r: r.start_date,
        ),
        Column(
            "DATA_FINE",
            Kind.DATE,
            _("Data di conclusione (effettiva o prevista)"),
            lambda r: r.end_date,
        ),
        Column(
            "SPESA_TOTALE_AMMISSIBILE",
            Kind.AMOUNT,
            _("Costo totale ammissibile dell'operazione, in euro"),
            lambda r: r.total_eligible_cost,
        ),
        Column("FONDO", Kind.CODE, _("Fondo (FSE, FESR)"), lambda r: r.call.fund_code),
        Column(
            "MISURA",
            Kind.CODE,
            _("Misura del programma (obiettivo specifico)"),
            lambda r: r.call.measure_code,
        ),
        Column(
            "TASSO_COFINANZIAMENTO_UE",
            Kind.PERCENT,
            _("Tasso di cofinanziamento dell'Unione, in percentuale"),
            lambda r: r.money.eu_rate,
        ),
        Column(
            "CODICE_COMUNE_ISTAT",
            Kind.CODE,
            _("Codici ISTAT dei comuni di intervento, separati da |"),
            _comune_codes,
        ),
        Column("COMUNE", Kind.TEXT, _("Comuni di intervento, separati da |"), _comune_names),
        Column("PAESE", Kind.CODE, _("Paese (ISO 3166-1 alpha-2)"), lambda r: COUNTRY),
        Column(
            "CATEGORIA_INTERVENTO",
            Kind.TEXT,
            _("Campo di intervento (Reg. (UE) 2021/1060, allegato I)"),
            _intervention,
        ),
        Column("STATO", Kind.TEXT, _("Stato del progetto"), lambda r: r.status_label),
    ),
)

OPENCOESIONE = Dataset(
    slug="progetti-opencoesione",
    title=_("Progetti nel tracciato OpenCoesione"),
    description=(
        _(
            "Un record per progetto con le colonne e i formati di OpenCoesione: finanziamento per fonte (UE, "
            "Stato, Regione, privati), impegni e pagamenti, date in formato AAAAMMGG, separatore punto e "
            "virgola e virgola decimale."
        )
    ),
    keywords=("OpenCoesione", "progetti", "politiche di coesione", "pagamenti"),
    delimiter=";",
    decimal_comma=True,
    date_format="%Y%m%d",
    columns=(
        Column(
            "COD_LOCALE_PROGETTO",
            Kind.CODE,
            _("Codice locale del progetto (programma-misura-numero)"),
            _local_code,
        ),
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column("OC_TITOLO_PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.title),
        Column("OC_SINTESI_PROGETTO", Kind.TEXT, _("Sintesi del progetto"), lambda r: r.summary),
        Column(
            "OC_DESCRIZIONE_PROGRAMMA",
            Kind.TEXT,
            _("Programma"),
            lambda r: r.call.programme_title,
        ),
        Column("OC_COD_FONTE", Kind.CODE, _("Fondo comunitario"), lambda r: r.call.fund_code),
        Column("COD_MISURA", Kind.CODE, _("Codice della misura"), lambda r: r.call.measure_code),
        Column("DESCR_MISURA", Kind.TEXT, _("Misura"), lambda r: r.call.measure_title),
        Column(
            "COD_PROCED_ATTIVAZIONE",
            Kind.CODE,
            _("Codice del bando (procedura di attivazione)"),
            lambda r: r.call.code,
        ),
        Column("DESCR_PROCED_ATTIVAZIONE", Kind.TEXT, _("Bando"), lambda r: r.call.title),
        Column("OC_DENOM_BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: r.beneficiary_name),
        Column(
            "OC_CODFISC_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column(
            "COD_COMUNE", Kind.CODE, _("Codici ISTAT dei comuni di intervento, separati da |"), _comune_codes
        ),
        Column("DEN_COMUNE", Kind.TEXT, _("Comuni di intervento, separati da |"), _comune_names),
        Column("DEN_PROVINCIA", Kind.TEXT, _("Province di intervento, separate da |"), _provinces),
        Column("FINANZ_UE", Kind.AMOUNT, _("Finanziamento dell'Unione europea"), lambda r: r.money.eu),
        Column(
            "FINANZ_STATO",
            Kind.AMOUNT,
            _("Finanziamento dello Stato (fondo di rotazione)"),
            lambda r: r.money.state,
        ),
        Column("FINANZ_REGIONE", Kind.AMOUNT, _("Finanziamento della Regione"), lambda r: r.money.region),
        Column(
            "FINANZ_PRIVATO",
            Kind.AMOUNT,
            _("Cofinanziamento privato del beneficiario"),
            lambda r: r.money.private,
        ),
        Column(
            "FINANZ_TOTALE_PUBBLICO",
            Kind.AMOUNT,
            _("Finanziamento pubblico totale (UE + Stato + Regione)"),
            lambda r: r.money.public_total,
        ),
        Column(
            "IMPEGNI",
            Kind.AMOUNT,
            _("Impegni giuridicamente vincolanti (contributo concesso)"),
            lambda r: r.money.commitments,
        ),
        Column(
            "TOT_PAGAMENTI", Kind.AMOUNT, _("Pagamenti erogati al beneficiario"), lambda r: r.money.payments
        ),
        Column(
            "OC_DATA_INIZIO_PROGETTO",
            Kind.DATE,
            _("Data di inizio (effettiva o prevista)"),
            lambda r: r.start_date,
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_PREVISTA",
            Kind.DATE,
            _("Data di fine prevista"),
            lambda r: r.planned_end_date,
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_EFFETTIVA",
            Kind.DATE,
            _("Data di fine effettiva (vuota se in corso)"),
            lambda r: r.actual_end_date,
        ),
        Column(
            "OC_STATO_PROGETTO",
            Kind.TEXT,
            _("Stato del progetto"),
            lambda r: r.status_label,
        ),
        Column(
            "OC_CAMPO_INTERVENTO",
            Kind.TEXT,
            _("Campo di intervento (Reg. (UE) 2021/1060, allegato I)"),
            _intervention,
        ),
    ),
)

GRANTS = Dataset(
    slug="concessioni",
    title=_("Concessione di sovvenzioni e contributi (D.Lgs. 33/2013, artt. 26-27)"),
    description=(
        _(
            "Gli atti di concessione dei contributi: beneficiario e codice fiscale (persone giuridiche), "
            "importo, norma o titolo a base dell'attribuzione, ufficio e responsabile del procedimento, "
            "modalità di individuazione del beneficiario, collegamento al progetto e al bando."
        )
    ),
    keywords=("amministrazione trasparente", "sovvenzioni", "contributi"),
    columns=(
        Column("BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: r.beneficiary_name),
        Column(
            "CODICE_FISCALE",
            Kind.CODE,
            _("Codice fiscale o partita IVA (solo persone giuridiche)"),
            lambda r: r.beneficiary_fiscal_code,
        ),
        Column(
            "IMPORTO",
            Kind.AMOUNT,
            _("Importo del vantaggio economico concesso, in euro"),
            lambda r: r.grant,
        ),
        Column(
            "DATA_CONCESSIONE",
            Kind.DATE,
            _("Data di concessione"),
            lambda r: r.granted_on,
        ),
        Column(
            "NORMA_TITOLO",
            Kind.TEXT,
            _("Norma o titolo a base dell'attribuzione"),
            lambda r: r.call.legal_basis,
        ),
        Column(
            "UFFICIO",
            Kind.TEXT,
            _("Ufficio responsabile del procedimento"),
            lambda r: r.call.office,
        ),
        Column(
            "RESPONSABILE_PROCEDIMENTO",
            Kind.TEXT,
            _("Funzionario o dirigente responsabile del procedimento"),
            lambda r: r.call.responsible_official,
        ),
        Column(
            "MODALITA_INDIVIDUAZIONE",
            Kind.TEXT,
            _("Modalità di individuazione del beneficiario"),
            lambda r: r.call.procedure,
        ),
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.cup),
        Column("PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.title),
        Column("LINK_PROGETTO", Kind.TEXT, _("Pagina pubblica del progetto"), lambda r: r.url),
        Column(
            "LINK_BANDO",
            Kind.TEXT,
            _("Pagina pubblica del bando"),
            lambda r: r.call.url,
        ),
    ),
)

DATASETS: dict[str, Dataset] = {d.slug: d for d in (OPERATIONS, OPENCOESIONE, GRANTS)}
FORMATS = ("csv", "json", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def grant_legal_basis(project) -> str:
    """The call's act of approval, within the programme that funds it."""
    return _legal_basis(project.call)


def _legal_basis(call) -> str:
    parts = [call.measure.programme.title]
    if call.legal_reference:
        parts.append(call.legal_reference)
    parts.append(str(_("bando «%(title)s»") % {"title": call.title}))
    return " – ".join(parts)


# --- rows --------------------------------------------------------------------------------------------------
# The values read per project: one query for the whole export, streamed with iterator(); the comuni of
# intervention come with one more query per chunk, the calls (few) with one query when a chunk meets new ones.
_FIELDS = (
    "pk",
    "cup",
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


def raw_rows(dataset: Dataset, queryset) -> Iterator[list]:
    """One list of native values per project (Decimal, date, str), read in chunks."""
    values = [column.value for column in dataset.columns]
    for row in rows_of(queryset):
        yield [value(row) for value in values]


def formatted_rows(dataset: Dataset, queryset) -> Iterator[list[str]]:
    for values in raw_rows(dataset, queryset):
        yield [
            dataset.format_value(column, value) for column, value in zip(dataset.columns, values, strict=True)
        ]


class _Echo:
    """A file-like object whose write returns the text, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(dataset: Dataset, queryset) -> Iterator[str]:
    writer = csv.writer(
        _Echo(), delimiter=dataset.delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    yield "\ufeff" + writer.writerow(dataset.headers)  # the BOM makes spreadsheets read UTF-8
    for values in formatted_rows(dataset, queryset):
        yield writer.writerow(values)


def json_chunks(dataset: Dataset, queryset) -> Iterator[str]:
    """A JSON array of objects, one per line, keyed by the column names; values as in the CSV."""
    yield "[\n"
    first = True
    for values in formatted_rows(dataset, queryset):
        text = json.dumps(dict(zip(dataset.headers, values, strict=True)), ensure_ascii=False)
        yield ("" if first else ",\n") + text
        first = False
    yield "\n]\n"


def _xlsx_kind(column: Column) -> str:
    if column.kind in (Kind.AMOUNT, Kind.PERCENT):
        return xlsx_stream.NUMBER
    if column.kind == Kind.DATE:
        return xlsx_stream.DATE
    return xlsx_stream.TEXT


def xlsx_file(dataset: Dataset, queryset):
    """Write the workbook row by row (grants.transparency.xlsx_stream: amounts as numbers, dates as dates,
    a bold header) into a temporary file, and return it rewound: the response streams it from disk."""
    # Not a context manager: the response streams the file and closes it (deleting it) when done.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    xlsx_stream.write(
        handle,
        title=dataset.slug,
        header=dataset.headers,
        kinds=[_xlsx_kind(column) for column in dataset.columns],
        rows=raw_rows(dataset, queryset),
    )
    handle.seek(0)
    return handle


def filename(dataset: Dataset, extension: str) -> str:
    return f"wecare-{dataset.slug}.{extension}"

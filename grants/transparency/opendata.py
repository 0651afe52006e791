"""The open datasets: their columns (the data dictionary is generated from them), and the writers that
stream them as CSV, JSON and XLSX in bounded memory (the queryset is read with ``iterator()`` in chunks;
rows are produced one at a time, never held in a list).

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grants.core.timeutils import in_rome

from . import public_projects as pp

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
@dataclass
class Row:
    project: object
    money: pp.Financing
    municipalities: list
    publication: object

    @property
    def municipality(self):
        return self.municipalities[0] if self.municipalities else None


def _row(project) -> Row:
    return Row(project, pp.financing(project), pp.municipalities_of(project), pp.publication_of(project))


def _comune_codes(row: Row) -> str:
    return "|".join(m.istat_code for m in row.municipalities)


def _comune_names(row: Row) -> str:
    return "|".join(m.name for m in row.municipalities)


def _provinces(row: Row) -> str:
    return "|".join(dict.fromkeys(m.province.name for m in row.municipalities))


def _intervention(row: Row) -> str:
    return row.publication.intervention if row.publication else ""


def _local_code(row: Row) -> str:
    project = row.project
    return f"{project.call.measure.programme.code.upper()}-{project.call.measure.code}-{project.pk}"


def _project_url(project) -> str:
    return reverse("transparency:project_detail", args=[project.pk])


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
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.project.cup),
        Column(
            "BENEFICIARIO",
            Kind.TEXT,
            _("Denominazione del beneficiario"),
            lambda r: pp.beneficiary_name(r.project),
        ),
        Column(
            "CODICE_FISCALE_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: pp.beneficiary_fiscal_code(r.project),
        ),
        Column("NOME_OPERAZIONE", Kind.TEXT, _("Denominazione dell'operazione"), lambda r: r.project.title),
        Column(
            "FINALITA_OPERAZIONE",
            Kind.TEXT,
            _("Finalità e sintesi dell'operazione"),
            lambda r: pp.summary_of(r.project),
        ),
        Column(
            "DATA_INIZIO",
            Kind.DATE,
            _("Data di inizio (effettiva o prevista)"),
            lambda r: pp.start_date(r.project),
        ),
        Column(
            "DATA_FINE",
            Kind.DATE,
            _("Data di conclusione (effettiva o prevista)"),
            lambda r: pp.end_date(r.project),
        ),
        Column(
            "SPESA_TOTALE_AMMISSIBILE",
            Kind.AMOUNT,
            _("Costo totale ammissibile dell'operazione, in euro"),
            lambda r: r.project.total_eligible_cost,
        ),
        Column("FONDO", Kind.CODE, _("Fondo (FSE, FESR)"), lambda r: r.project.call.measure.fund.code),
        Column(
            "MISURA",
            Kind.CODE,
            _("Misura del programma (obiettivo specifico)"),
            lambda r: r.project.call.measure.code,
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
        Column("STATO", Kind.TEXT, _("Stato del progetto"), lambda r: str(r.project.get_status_display())),
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
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.project.cup),
        Column("OC_TITOLO_PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.project.title),
        Column(
            "OC_SINTESI_PROGETTO", Kind.TEXT, _("Sintesi del progetto"), lambda r: pp.summary_of(r.project)
        ),
        Column(
            "OC_DESCRIZIONE_PROGRAMMA",
            Kind.TEXT,
            _("Programma"),
            lambda r: r.project.call.measure.programme.title,
        ),
        Column("OC_COD_FONTE", Kind.CODE, _("Fondo comunitario"), lambda r: r.project.call.measure.fund.code),
        Column("COD_MISURA", Kind.CODE, _("Codice della misura"), lambda r: r.project.call.measure.code),
        Column("DESCR_MISURA", Kind.TEXT, _("Misura"), lambda r: r.project.call.measure.title),
        Column(
            "COD_PROCED_ATTIVAZIONE",
            Kind.CODE,
            _("Codice del bando (procedura di attivazione)"),
            lambda r: r.project.call.code,
        ),
        Column("DESCR_PROCED_ATTIVAZIONE", Kind.TEXT, _("Bando"), lambda r: r.project.call.title),
        Column(
            "OC_DENOM_BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: pp.beneficiary_name(r.project)
        ),
        Column(
            "OC_CODFISC_BENEFICIARIO",
            Kind.CODE,
            _("Codice fiscale del beneficiario (solo persone giuridiche)"),
            lambda r: pp.beneficiary_fiscal_code(r.project),
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
            lambda r: pp.start_date(r.project),
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_PREVISTA",
            Kind.DATE,
            _("Data di fine prevista"),
            lambda r: r.project.planned_end_date,
        ),
        Column(
            "OC_DATA_FINE_PROGETTO_EFFETTIVA",
            Kind.DATE,
            _("Data di fine effettiva (vuota se in corso)"),
            lambda r: r.project.actual_end_date,
        ),
        Column(
            "OC_STATO_PROGETTO",
            Kind.TEXT,
            _("Stato del progetto"),
            lambda r: str(r.project.get_status_display()),
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
        Column("BENEFICIARIO", Kind.TEXT, _("Beneficiario"), lambda r: pp.beneficiary_name(r.project)),
        Column(
            "CODICE_FISCALE",
            Kind.CODE,
            _("Codice fiscale o partita IVA (solo persone giuridiche)"),
            lambda r: pp.beneficiary_fiscal_code(r.project),
        ),
        Column(
            "IMPORTO",
            Kind.AMOUNT,
            _("Importo del vantaggio economico concesso, in euro"),
            lambda r: r.project.grant,
        ),
        Column(
            "DATA_CONCESSIONE",
            Kind.DATE,
            _("Data di concessione"),
            lambda r: in_rome(r.project.created_at).date(),
        ),
        Column(
            "NORMA_TITOLO",
            Kind.TEXT,
            _("Norma o titolo a base dell'attribuzione"),
            lambda r: grant_legal_basis(r.project),
        ),
        Column(
            "UFFICIO",
            Kind.TEXT,
            _("Ufficio responsabile del procedimento"),
            lambda r: r.publication.office if r.publication else "",
        ),
        Column(
            "RESPONSABILE_PROCEDIMENTO",
            Kind.TEXT,
            _("Funzionario o dirigente responsabile del procedimento"),
            lambda r: r.publication.responsible_official if r.publication else "",
        ),
        Column(
            "MODALITA_INDIVIDUAZIONE",
            Kind.TEXT,
            _("Modalità di individuazione del beneficiario"),
            lambda r: pp.procedure_label(r.project),
        ),
        Column("CUP", Kind.CODE, _("Codice Unico di Progetto"), lambda r: r.project.cup),
        Column("PROGETTO", Kind.TEXT, _("Titolo del progetto"), lambda r: r.project.title),
        Column(
            "LINK_PROGETTO", Kind.TEXT, _("Pagina pubblica del progetto"), lambda r: _project_url(r.project)
        ),
        Column(
            "LINK_BANDO",
            Kind.TEXT,
            _("Pagina pubblica del bando"),
            lambda r: reverse("transparency:call_detail", args=[r.project.call.code]),
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
    parts = [project.call.measure.programme.title]
    if project.call.legal_reference:
        parts.append(project.call.legal_reference)
    parts.append(str(_("bando «%(title)s»") % {"title": project.call.title}))
    return " – ".join(parts)


# --- rows --------------------------------------------------------------------------------------------------
def export_queryset(filters: pp.ProjectFilters | None = None):
    queryset = pp.public_projects()
    if filters is not None:
        queryset = pp.filter_projects(queryset, filters)
    return pp.with_locations(queryset).order_by("pk")


def raw_rows(dataset: Dataset, queryset) -> Iterator[list]:
    """One list of native values per project (Decimal, date, str), read in chunks."""
    for project in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = _row(project)
        yield [column.value(row) for column in dataset.columns]


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


def _xlsx_value(column: Column, value):
    if value is None:
        return None
    if column.kind in (Kind.AMOUNT, Kind.PERCENT):
        return Decimal(value)
    if column.kind == Kind.DATE and isinstance(value, date):
        return value
    return str(value)


def xlsx_file(dataset: Dataset, queryset):
    """Write the workbook in openpyxl's write-only mode (rows go to disk as they come) into a temporary
    file, and return it rewound: the response streams it from disk."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=dataset.slug[:31])
    header = []
    for name in dataset.headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    date_format = "DD/MM/YYYY"
    for values in raw_rows(dataset, queryset):
        cells = []
        for column, value in zip(dataset.columns, values, strict=True):
            cell = WriteOnlyCell(sheet, value=_xlsx_value(column, value))
            if column.kind == Kind.DATE:
                cell.number_format = date_format
            elif column.kind in (Kind.AMOUNT, Kind.PERCENT):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    # Not a context manager: the response streams the file and closes it (deleting it) when done.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook.save(handle)
    handle.seek(0)
    return handle


def filename(dataset: Dataset, extension: str) -> str:
    return f"wecare-{dataset.slug}.{extension}"

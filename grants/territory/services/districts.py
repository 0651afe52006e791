"""Distretti della Coesione Sociale: upsert by code from a CSV, with their provinces."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    CohesionDistrict,
)
from .common import (
    LoadReport,
    RecordChange,
    RecordRef,
    TerritoryImportError,
    _changes,
    _province_by_abbreviation,
    _read_csv,
    _require,
    _save_row,
    _split_list,
)

DISTRICT_COLUMNS = {"code": "distretto_code", "name": "distretto_name", "source_url": "source_url"}


@transaction.atomic
def import_districts(*, path: str | Path, is_demo: bool = False, actor=None) -> LoadReport:
    """Upsert Distretti by code from a CSV shaped like ``data/distretti_coesione_sociale.csv``.

    Columns: distretto_code, distretto_name, province_codes (``;``-separated abbreviations), source_url; the
    readable enti_gestori column is not used: bodies join a district through their own distretto_code.
    All or nothing.
    """
    path = Path(path)
    rows = _read_csv(path, required=("distretto_code", "distretto_name", "province_codes"))
    reason = _("Importazione distretti da %(file)s") % {"file": path.name}
    report = LoadReport(label=_("Distretti della Coesione Sociale"))
    seen_lines: dict[str, int] = {}
    existing = {d.code: d for d in CohesionDistrict.objects.prefetch_related("provinces")}

    for row in rows:
        code = _require(row, "distretto_code", path)
        if code in seen_lines:
            raise TerritoryImportError(
                _("distretto ripetuto (già alla riga %(line)d).") % {"line": seen_lines[code]},
                path=path,
                line=row.line,
                field_name="distretto_code",
            )
        seen_lines[code] = row.line
        abbreviations = _split_list(_require(row, "province_codes", path))
        provinces = [_province_by_abbreviation(a, row, "province_codes", path) for a in abbreviations]
        values = {
            "name": _require(row, "distretto_name", path),
            "source_url": row.values.get("source_url", ""),
            "is_demo": is_demo,
        }
        district = existing.get(code)
        if district is None:
            district = _save_row(
                CohesionDistrict(code=code, **values),
                row=row,
                path=path,
                actor=actor,
                reason=reason,
                columns=DISTRICT_COLUMNS,
            )
            district._history_user = actor if getattr(actor, "is_authenticated", False) else None
            district.provinces.set(provinces)
            report.created += 1
            continue
        changes = _changes(district, values)
        if changes:
            for key, value in values.items():
                setattr(district, key, value)
            _save_row(district, row=row, path=path, actor=actor, reason=reason, columns=DISTRICT_COLUMNS)
        current = sorted(p.abbreviation for p in district.provinces.all())
        wanted = sorted({p.abbreviation for p in provinces})
        if current != wanted:
            district._history_user = actor if getattr(actor, "is_authenticated", False) else None
            district.provinces.set(provinces)
            changes["provinces"] = (current, wanted)
        if changes:
            report.updated.append(RecordChange(key=code, label=district.name, fields=changes))
        else:
            report.unchanged += 1

    gone = CohesionDistrict.objects.exclude(code__in=seen_lines).order_by("code")
    report.missing = [RecordRef(key=d.code, label=d.name) for d in gone]
    return report

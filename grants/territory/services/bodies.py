"""Enti gestori: upsert by name from a CSV, with their seat, served comuni and district."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    CohesionDistrict,
    Municipality,
    Province,
    SocialServiceBody,
    SocialServiceBodyForm,
)
from .common import (
    LoadReport,
    RecordChange,
    RecordRef,
    TerritoryImportError,
    _changes,
    _CsvRow,
    _fk_display,
    _province_by_abbreviation,
    _read_csv,
    _require,
    _save_row,
    _split_list,
    normalise_name,
)


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

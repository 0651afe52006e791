"""What every territory load shares: the load report, the import error, name comparison, the
field-by-field diff and the reading and checking of the CSV sources (enti gestori, distretti)."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grants.core.audit import save_audited

from ..models import (
    Province,
)

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

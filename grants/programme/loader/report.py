"""What a load tells: the problems found (each naming the entry, its code and the field) and the counts of
the rows created, updated, unchanged and deleted."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ..models import (
    Call,
    CallPhase,
    CallProjectPhase,
    CallReserve,
    CostCategory,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
)

# --- errors and report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    entry: str
    code: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = self.entry or _("(radice del file)")
        if self.code:
            where += f" («{self.code}»)"
        if self.field:
            return _("%(where)s, campo «%(field)s»: %(reason)s") % {
                "where": where,
                "field": self.field,
                "reason": self.reason,
            }
        return f"{where}: {self.reason}"


class ProgrammeFileError(Exception):
    """A programme definition file that cannot be loaded; nothing of it was written."""

    def __init__(self, path: str | Path, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        header = _("Il file %(file)s non è stato caricato (%(n)s errori, nessuna modifica al database):") % {
            "file": self.path,
            "n": len(self.problems),
        }
        return "\n".join([header, *(f"- {self.path}: {problem}" for problem in self.problems)])


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


_REPORT_ORDER = [
    Programme,
    Fund,
    Measure,
    MeasurePhase,
    Call,
    CallPhase,
    CallProjectPhase,
    CallReserve,
    CostCategory,
    Criterion,
    RequiredDocument,
]


@dataclass
class LoadReport:
    path: str
    programme_code: str = ""
    counts: dict[str, Counts] = field(
        default_factory=lambda: {m._meta.model_name: Counts() for m in _REPORT_ORDER}
    )

    def count(self, model: type[models.Model]) -> Counts:
        return self.counts[model._meta.model_name]

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = [_("File %(file)s – programma «%(code)s»") % {"file": self.path, "code": self.programme_code}]
        for model in _REPORT_ORDER:
            c = self.count(model)
            lines.append(
                _(
                    "  %(what)s: %(created)s creati, %(updated)s aggiornati, %(unchanged)s invariati, "
                    "%(deleted)s eliminati"
                )
                % {
                    "what": str(model._meta.verbose_name_plural),
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "deleted": c.deleted,
                }
            )
        if not self.changed:
            lines.append(_("Nessuna modifica: il database era già allineato al file."))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


_PYDANTIC_REASONS = {
    "missing": "campo obbligatorio mancante",
    "extra_forbidden": "campo non previsto (controllare il nome)",
    "string_type": "deve essere un testo (tra virgolette se sembra un numero)",
    "string_too_short": "non può essere vuoto",
    "string_too_long": "testo troppo lungo (al massimo {max_length} caratteri)",
    "string_pattern_mismatch": "formato non valido (ammessi lettere, cifre, trattini; schema {pattern})",
    "int_parsing": "deve essere un numero intero",
    "int_type": "deve essere un numero intero",
    "int_from_float": "deve essere un numero intero",
    "bool_parsing": "deve essere true o false",
    "bool_type": "deve essere true o false",
    "list_type": "deve essere un elenco",
    "dict_type": "deve essere una sezione con campi (chiave: valore)",
    "model_type": "deve essere una sezione con campi (chiave: valore)",
    "model_attributes_type": "deve essere una sezione con campi (chiave: valore)",
    "literal_error": "valore non ammesso (ammessi: {expected})",
    "greater_than_equal": "deve essere almeno {ge}",
    "less_than_equal": "deve essere al massimo {le}",
    "too_short": "deve contenere almeno {min_length} elementi",
}


def _format_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _locate(raw: Any, loc: tuple) -> tuple[str, str, str]:
    """Split a location into (entry, its code, field): the entry is the innermost mapping in a list."""
    node, entry_length, entry_node = raw, 0, None
    for index, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            entry_length, entry_node = index + 1, node
    if entry_length == 0 and loc and loc[0] == "programme" and len(loc) > 1:
        entry_length, entry_node = 1, raw.get("programme") if isinstance(raw, dict) else None
    code = entry_node.get("code", "") if isinstance(entry_node, dict) else ""
    return _format_path(loc[:entry_length]), str(code or ""), _format_path(loc[entry_length:])


def _reason(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _PYDANTIC_REASONS.get(kind)
    if template is None:
        return _("valore non valido (%(detail)s)") % {"detail": error.get("msg", kind)}
    values = {k: str(v).replace("' or '", "', '") for k, v in ctx.items()}
    try:
        return _(template).format(**values)
    except (KeyError, IndexError):
        return _(template)

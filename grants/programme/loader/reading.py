"""Reading a programme file: YAML (or JSON) read strictly, then checked against the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from .report import Problem, ProgrammeFileError, _locate, _reason
from .schema import ProgrammeFileIn

# --- reading ----------------------------------------------------------------------------------------------


class _FileLoader(yaml.SafeLoader):
    """YAML without the surprises of YAML 1.1: dates stay text (checked below with clear messages) and only
    true/false are booleans, so that the province of Novara ("NO") stays "NO"."""


_FileLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def read_programme_file(path: str | Path) -> dict:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeFileError(
            path, [Problem("", "", "", _("file non leggibile: %s") % exc.strerror)]
        ) from exc
    try:
        if suffix in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_FileLoader)  # noqa: S506 - a SafeLoader subclass
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise ProgrammeFileError(
                path, [Problem("", "", "", _("estensione non riconosciuta: usare .yaml, .yml o .json"))]
            )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ProgrammeFileError(path, [Problem("", "", "", _("sintassi non valida: %s") % exc)]) from exc
    if not isinstance(data, dict):
        raise ProgrammeFileError(
            path, [Problem("", "", "", _("il file deve contenere le sezioni programme, funds e measures"))]
        )
    return data


def parse_programme_file(path: str | Path) -> tuple[dict, ProgrammeFileIn]:
    raw = read_programme_file(path)
    try:
        return raw, ProgrammeFileIn.model_validate(raw)
    except PydanticValidationError as exc:
        problems = []
        for error in exc.errors():
            entry, code, field_name = _locate(raw, tuple(error["loc"]))
            problems.append(Problem(entry, code, field_name, _reason(error)))
        raise ProgrammeFileError(path, problems) from None

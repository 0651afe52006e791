"""ATECO 2025 codes (ISTAT's classification of economic activities), read offline from the ``ateco`` package
(ISTAT data, CC-BY 4.0; its sources and checksums in ``ateco.provenance()``), and the sectors each de minimis
regulation excludes (``data/de_minimis_excluded_sectors.json``, with its legal source)."""

import json
from functools import cache
from pathlib import Path

import ateco
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EDITION = "2025"
EXCLUDED_SECTORS_FILE = Path(__file__).parent / "data" / "de_minimis_excluded_sectors.json"
# An organisation's activity: a class (88.99), category (88.99.0) or subcategory (62.10.00) of the edition.
_ACTIVITY_LEVELS = {"class", "category", "subcategory"}


def normalise_ateco(value) -> str:
    """'621000' or ' 62.10.00 ' → '62.10.00'; '' stays ''; anything unreadable is returned trimmed."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return ateco.normalize(text)
    except (ValueError, TypeError):
        return text


def ateco_title(code: str) -> str:
    node = ateco.lookup(code, edition=EDITION) if code else None
    return node.title if node else ""


def validate_ateco_code(value) -> None:
    code = normalise_ateco(value)
    if not code:
        return
    node = ateco.lookup(code, edition=EDITION)
    if node is None or node.level not in _ACTIVITY_LEVELS:
        raise ValidationError(
            _(
                "«%(code)s» non è un codice ATECO 2025 dell'ISTAT: indicare la sottocategoria o la classe "
                "dell'attività (per esempio 88.99 o 62.10.00)."
            )
            % {"code": value},
            code="invalid_ateco",
        )


def matches(code: str, prefix: str) -> bool:
    """Whether ``code`` (88.99.00) is in the branch ``prefix`` (88, 88.9, 88.99): dotted levels compared."""
    code_digits = str(code or "").replace(".", "").strip()
    prefix_digits = str(prefix or "").replace(".", "").strip()
    return bool(code_digits and prefix_digits) and code_digits.startswith(prefix_digits)


@cache
def _excluded() -> dict:
    return json.loads(EXCLUDED_SECTORS_FILE.read_text(encoding="utf-8"))


def excluded_sectors(regulation_code: str) -> tuple[tuple[str, str], ...]:
    """(ATECO prefix, sector) pairs a de minimis regulation excludes; () when the regulation lists none."""
    return tuple((row["prefix"], row["sector"]) for row in _excluded().get(regulation_code, []))

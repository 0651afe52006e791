"""The CUP (Codice Unico di Progetto, CIPE): 15 uppercase characters.

Structure: a letter (the issuing body), two digits, a letter (nature of the intervention), the year of the
request in two digits, then nine digits (sequence and check). Example: ``J11B17000030007``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CUP_LENGTH = 15
_ALPHANUMERIC = re.compile(r"^[A-Z0-9]{15}$")
_STRUCTURE = re.compile(r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$")


def normalise_cup(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_cup(value: str) -> None:
    if len(value) != CUP_LENGTH:
        raise ValidationError(
            _("Il CUP è lungo 15 caratteri (ne sono stati indicati %(length)s)."),
            code="cup_length",
            params={"length": len(value)},
        )
    if not _ALPHANUMERIC.match(value):
        raise ValidationError(_("Il CUP contiene solo lettere maiuscole e cifre."), code="cup_characters")
    if not _STRUCTURE.match(value):
        raise ValidationError(
            _(
                "Il CUP non ha la struttura prevista: una lettera, due cifre, una lettera, "
                "poi undici cifre (ad esempio J11B17000030007)."
            ),
            code="cup_structure",
        )

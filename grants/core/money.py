"""Money is Decimal with two decimals, rounded in exactly one place; typed amounts are read in one place
(``parse_amount``)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MinValueValidator
from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half away from zero (the convention of Italian public accounting)."""
    if isinstance(value, float):
        raise TypeError("Money must never be a float: pass a Decimal, an int or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return round_money(Decimal(amount) * Decimal(percent) / Decimal(100))


def format_eur(value: Decimal | None) -> str:
    """Italian formatting: 1.234.567,89 €."""
    if value is None:
        return "–"
    text = f"{round_money(value):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")  # 1.234 or 1.234.567: Italian thousands
_DIGITS = re.compile(r"^\d+$")


def parse_amount(text: str) -> Decimal:
    """An amount as people type it, Italian or plain: ``450.000,00``, ``450000,00``, ``450000.00``,
    ``450.000``, ``1.234.567``, ``€ 1.234,5``, ``-12,30``.

    A comma is the decimal separator and dots before it group thousands. Without a comma, dots in groups of
    three are thousands (``450.000`` is 450000, as an Italian reads it: an amount in euro has at most two
    decimals); any other single dot is the decimal point. Spaces and the euro sign are ignored.
    ``ValueError`` when the text is not an amount."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text or ""))
    sign = ""
    if cleaned[:1] in "+-" and cleaned[:1]:
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if "," in cleaned:
        whole, _sep, decimals = cleaned.partition(",")
        if "," in decimals or "." in decimals or not _DIGITS.match(decimals):
            raise ValueError(text)
    elif _GROUPED.match(cleaned):
        whole, decimals = cleaned, ""
    elif cleaned.count(".") == 1:
        whole, _sep, decimals = cleaned.partition(".")
        if not _DIGITS.match(decimals):
            raise ValueError(text)
    else:
        whole, decimals = cleaned, ""
    if "." in whole:
        if not _GROUPED.match(whole):
            raise ValueError(text)
        whole = whole.replace(".", "")
    if not _DIGITS.match(whole or ("0" if decimals else "")):
        raise ValueError(text)
    try:
        return Decimal(f"{sign}{whole or '0'}.{decimals}" if decimals else f"{sign}{whole}")
    except InvalidOperation:
        raise ValueError(text) from None


def MoneyField(verbose_name, **kwargs) -> models.DecimalField:
    """A non-negative amount in euro: DecimalField(14, 2)."""
    validators = [MinValueValidator(ZERO), *kwargs.pop("validators", [])]
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=validators, **kwargs)


def PercentField(verbose_name, **kwargs) -> models.DecimalField:
    from django.core.validators import MaxValueValidator

    validators = [
        MinValueValidator(Decimal(0)),
        MaxValueValidator(Decimal(100)),
        *kwargs.pop("validators", []),
    ]
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, validators=validators, **kwargs)

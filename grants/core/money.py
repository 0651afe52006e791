"""Money is Decimal with two decimals, rounded in exactly one place."""

from decimal import ROUND_HALF_UP, Decimal

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

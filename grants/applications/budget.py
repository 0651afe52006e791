"""Budget arithmetic, pure: no database, no clock. Every amount is a Decimal rounded to the cent by
grants.core.money.round_money, and never negative.

- real costs: the amount the applicant types;
- standard unit costs (UCS): quantity × the category's unit rate;
- flat rates: a percentage of the total of their base categories (the codes in ``flat_rate_base``; an empty
  base means every category that is not itself a flat rate). Flat rates are never based on other flat rates.
- funding split: the grant is the total cost × the highest intensity the call allows (the lower of the
  maximum aid intensity and 100 − the minimum co-financing); the co-financing is the rest.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from grants.core.money import ZERO, percent_of, round_money

REAL = "real"
FLAT_RATE = "flat_rate"
UNIT_COST = "unit_cost"
HUNDRED = Decimal(100)


class BudgetInputError(ValueError):
    """A line that cannot be computed; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CategoryRule:
    code: str
    title: str
    cost_option: str
    cap_percent: Decimal | None = None
    flat_rate_percent: Decimal | None = None
    flat_rate_base: tuple[str, ...] = ()
    unit_rate: Decimal | None = None
    unit_label: str = ""


@dataclass(frozen=True)
class LineAmount:
    category: str
    amount: Decimal


@dataclass(frozen=True)
class BudgetResult:
    category_totals: dict[str, Decimal]
    flat_rate_amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return round_money(sum(self.category_totals.values(), ZERO))


def _decimal(value, field_name: str, message: str) -> Decimal:
    if value is None or isinstance(value, float):
        raise BudgetInputError(field_name, message)
    try:
        return Decimal(value)
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise BudgetInputError(field_name, message) from exc


def line_amount(category: CategoryRule, *, amount=None, quantity=None) -> Decimal:
    """The amount of one typed line: real cost as given, unit cost as quantity × rate (both rounded)."""
    if category.cost_option == FLAT_RATE:
        raise BudgetInputError(
            "category",
            f"La voce «{category.title}» è a tasso forfettario: l'importo è calcolato automaticamente.",
        )
    if category.cost_option == UNIT_COST:
        qty = _decimal(quantity, "quantity", f"Indicare la quantità per la voce «{category.title}».")
        if qty < 0 or not qty.is_finite():
            raise BudgetInputError("quantity", "La quantità non può essere negativa.")
        if category.unit_rate is None:
            raise BudgetInputError("category", f"La voce «{category.title}» non ha un costo unitario.")
        return round_money(qty * category.unit_rate)
    value = _decimal(amount, "amount", f"Indicare l'importo per la voce «{category.title}».")
    if not value.is_finite() or value < 0:
        raise BudgetInputError("amount", "L'importo non può essere negativo.")
    return round_money(value)


def flat_rate_base_total(category: CategoryRule, totals: dict[str, Decimal], rules: Iterable[CategoryRule]):
    non_flat = {r.code for r in rules if r.cost_option != FLAT_RATE}
    base_codes = set(category.flat_rate_base) & non_flat if category.flat_rate_base else non_flat
    return round_money(sum((totals.get(code, ZERO) for code in base_codes), ZERO))


def compute_budget(categories: Sequence[CategoryRule], lines: Iterable[LineAmount]) -> BudgetResult:
    """Totals per category, flat rates included, from the typed lines (already computed per line)."""
    totals: dict[str, Decimal] = {c.code: ZERO for c in categories}
    for line in lines:
        totals[line.category] = round_money(totals.get(line.category, ZERO) + line.amount)
    flat: dict[str, Decimal] = {}
    for category in categories:
        if category.cost_option == FLAT_RATE:
            base = flat_rate_base_total(category, totals, categories)
            flat[category.code] = percent_of(base, category.flat_rate_percent or ZERO)
    totals.update(flat)
    return BudgetResult(category_totals=totals, flat_rate_amounts=flat)


def effective_intensity(*, max_aid_intensity: Decimal, min_cofinancing: Decimal) -> Decimal:
    return min(Decimal(max_aid_intensity), HUNDRED - Decimal(min_cofinancing))


def max_grant_for(total: Decimal, *, max_aid_intensity: Decimal, min_cofinancing: Decimal) -> Decimal:
    intensity = effective_intensity(max_aid_intensity=max_aid_intensity, min_cofinancing=min_cofinancing)
    return percent_of(total, max(intensity, ZERO))


def funding_split(total: Decimal, *, max_aid_intensity: Decimal, min_cofinancing: Decimal):
    """(requested grant, co-financing) for a project of ``total``: they always add up to ``total``."""
    total = round_money(total)
    grant = max_grant_for(total, max_aid_intensity=max_aid_intensity, min_cofinancing=min_cofinancing)
    return grant, round_money(total - grant)


def aid_intensity(total: Decimal, grant: Decimal) -> Decimal:
    """Grant as a percentage of the total cost, two decimals (0 for an empty budget)."""
    if not total:
        return ZERO
    return round_money(Decimal(grant) * HUNDRED / Decimal(total))

"""The amounts of an expense claim, pure: what an item may claim, and the totals per partner and category.

- real costs: a document's amount claimed is at most its taxable amount, plus the VAT when the VAT is
  eligible (not recoverable by the beneficiary);
- standard unit costs (UCS): quantity × the category's unit rate, with the evidence of the quantity (hours,
  participants); the money is never typed, and a controller cuts the quantity, not the amount;
- flat rates: a percentage of the base categories of the same partner (e.g. 15% of staff costs, or 40% of
  staff costs for all other costs), recomputed from the base every time: claimed from the claimed base,
  admitted from the admitted base. They are never typed either.

The category rules are the budget's (grants.applications.budget.CategoryRule), so a flat rate is computed
the same way in the application, the approved budget and the claims.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from grants.applications.budget import (
    FLAT_RATE,
    UNIT_COST,
    BudgetInputError,
    CategoryRule,
    flat_rate_base_total,
    line_amount,
)
from grants.core.money import ZERO, percent_of, round_money


def max_claimable(*, taxable: Decimal, vat: Decimal, vat_eligible: bool) -> Decimal:
    """A document may claim at most its taxable amount, plus its VAT when the VAT is eligible."""
    return round_money(Decimal(taxable) + (Decimal(vat) if vat_eligible else ZERO))


def unit_cost_amount(rule: CategoryRule, quantity: Decimal) -> Decimal:
    """Quantity × unit rate, rounded to the cent (BudgetInputError for a flat rate or a bad quantity)."""
    if rule.cost_option != UNIT_COST:
        raise BudgetInputError("quantity", f"La voce «{rule.title}» non è a costi unitari standard.")
    return line_amount(rule, quantity=quantity)


def flat_rate_amount(rule: CategoryRule, base: Decimal) -> Decimal:
    return percent_of(base, rule.flat_rate_percent or ZERO)


@dataclass(frozen=True)
class ClaimLine:
    """One checked or unchecked item: real or unit cost (flat rates have no items, they are computed)."""

    partner: int | str
    category: str
    claimed: Decimal
    admitted: Decimal


@dataclass(frozen=True)
class Totals:
    claimed: Decimal = ZERO
    admitted: Decimal = ZERO


def _totals_by_partner(lines: Iterable[ClaimLine]) -> dict:
    claimed: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    admitted: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line in lines:
        claimed[line.partner][line.category] = round_money(
            claimed[line.partner][line.category] + line.claimed
        )
        admitted[line.partner][line.category] = round_money(
            admitted[line.partner][line.category] + line.admitted
        )
    return claimed, admitted


def claim_totals(rules: Sequence[CategoryRule], lines: Iterable[ClaimLine]) -> dict[tuple, Totals]:
    """{(partner, category code): Totals}, flat-rate categories included (computed per partner)."""
    claimed, admitted = _totals_by_partner(lines)
    result: dict[tuple, Totals] = {}
    for partner in sorted(set(claimed) | set(admitted), key=str):
        for rule in rules:
            if rule.cost_option == FLAT_RATE:
                totals = Totals(
                    claimed=flat_rate_amount(rule, flat_rate_base_total(rule, claimed[partner], rules)),
                    admitted=flat_rate_amount(rule, flat_rate_base_total(rule, admitted[partner], rules)),
                )
            else:
                totals = Totals(claimed=claimed[partner][rule.code], admitted=admitted[partner][rule.code])
            if totals.claimed or totals.admitted:
                result[(partner, rule.code)] = totals
    return result


def grand_total(totals: dict[tuple, Totals]) -> Totals:
    return Totals(
        claimed=round_money(sum((t.claimed for t in totals.values()), ZERO)),
        admitted=round_money(sum((t.admitted for t in totals.values()), ZERO)),
    )

"""Budget arithmetic of projects, pure: no database. Amounts are Decimal, rounded by
grants.core.money.round_money, never negative.

A partly funded application becomes a project whose approved budget is the requested one scaled by
granted / requested: every line is scaled and rounded to the cent, and the rounding remainder goes on the
last line, so that the lines add up exactly to the new total. When the last line cannot absorb a negative
remainder (it is smaller than the remainder) the rest is taken from the lines before it, from the end:
no line is ever negative.
"""

from collections.abc import Sequence
from decimal import Decimal

from grants.core.money import ZERO, round_money


def scaled_total(total: Decimal, *, requested: Decimal, granted: Decimal) -> Decimal:
    """The project's total cost when ``granted`` of ``requested`` is funded (the aid intensity is kept)."""
    if requested <= 0 or granted >= requested:
        return round_money(total)
    return round_money(Decimal(total) * Decimal(granted) / Decimal(requested))


def scale_amounts(amounts: Sequence[Decimal], target_total: Decimal) -> list[Decimal]:
    """``amounts`` scaled proportionally so that they add up to ``target_total`` to the cent."""
    target_total = round_money(target_total)
    if target_total < 0:
        raise ValueError("The target total cannot be negative.")
    if any(Decimal(a) < 0 for a in amounts):
        raise ValueError("Amounts cannot be negative.")
    if not amounts:
        if target_total != ZERO:
            raise ValueError("No line to carry a non-zero total.")
        return []
    current = round_money(sum((Decimal(a) for a in amounts), ZERO))
    if current == ZERO:
        if target_total != ZERO:
            raise ValueError("A zero budget cannot be scaled to a non-zero total.")
        return [ZERO for _ in amounts]
    scaled = [round_money(Decimal(a) * target_total / current) for a in amounts]
    remainder = target_total - sum(scaled, ZERO)
    for index in range(len(scaled) - 1, -1, -1):
        if remainder == ZERO:
            break
        taken = max(remainder, -scaled[index])  # a negative remainder never takes a line below zero
        scaled[index] = round_money(scaled[index] + taken)
        remainder = round_money(remainder - taken)
    return scaled


def moved_amount(previous: Sequence[Decimal], new: Sequence[Decimal]) -> Decimal:
    """How much a variation moves between lines: the total of the increases (= the total of the decreases
    when the total is unchanged)."""
    return round_money(
        sum((max(Decimal(n) - Decimal(p), ZERO) for p, n in zip(previous, new, strict=True)), ZERO)
    )


def moved_percent(moved: Decimal, total: Decimal) -> Decimal:
    if total <= 0:
        return ZERO
    return round_money(Decimal(moved) * Decimal(100) / Decimal(total))

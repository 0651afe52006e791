"""Gross grant equivalent (ESL, equivalente sovvenzione lordo) of a subsidised loan, pure: no database.

The rule (Commission Communication on the revision of the method for setting the reference and discount
rates, OJ C 14 of 19.1.2008, "2008/C 14/02"; used by Reg. (UE) 2023/2831 art. 4(3)(a) for de minimis loans):

- reference rate = the EU **base rate** in force on the grant date (published by the Commission per Member
  State, shipped as data in ``grants/finance/data/eu_base_rates.json`` with its source) **+ a margin**
  in basis points that depends on the beneficiary's rating category and the level of collateral
  (``MARGINS_BP``, the Communication's table);
- the aid in a loan is the interest saving: **GGE = nominal loan − present value, at the reference rate, of
  the subsidised repayment schedule** (every instalment, pre-amortisation interest included, discounted
  period by period at the reference rate converted to the instalment frequency, as the schedule converts
  the loan's rate: annual rate × months / 12).

Properties the tests check (hypothesis): 0 ≤ GGE ≤ nominal; GGE is zero when the loan's rate is the reference
rate (or above it: a loan at market rate carries no aid); GGE grows with the margin. The schedule here is the
exact one (no rounding per period): only the GGE is rounded to the cent, once.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext
from functools import cache
from pathlib import Path

from grants.core.money import ZERO, round_money

from .amortisation import HUNDRED, MONTHS_PER_YEAR, LoanTerms

BASE_RATES_FILE = Path(__file__).parent / "data" / "eu_base_rates.json"


class RatingCategory:
    """Rating categories of the Communication (with the agencies' equivalent)."""

    STRONG = "strong"  # AAA–A
    GOOD = "good"  # BBB
    SATISFACTORY = "satisfactory"  # BB
    WEAK = "weak"  # B
    BAD = "bad"  # CCC and below, or in financial difficulty

    CHOICES = [
        (STRONG, "Ottimo (AAA–A)"),
        (GOOD, "Buono (BBB)"),
        (SATISFACTORY, "Soddisfacente (BB)"),
        (WEAK, "Scarso (B)"),
        (BAD, "Negativo/difficoltà finanziarie (CCC e inferiore)"),
    ]


class Collateral:
    """Level of collateral: high = loss given default ≤ 30%, normal 31–59%, low ≥ 60%."""

    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"

    CHOICES = [(HIGH, "Elevato"), (NORMAL, "Normale"), (LOW, "Basso")]


# Loan margins in basis points (2008/C 14/02, table in "Reference rate").
MARGINS_BP: dict[str, dict[str, int]] = {
    RatingCategory.STRONG: {Collateral.HIGH: 60, Collateral.NORMAL: 75, Collateral.LOW: 100},
    RatingCategory.GOOD: {Collateral.HIGH: 75, Collateral.NORMAL: 100, Collateral.LOW: 220},
    RatingCategory.SATISFACTORY: {Collateral.HIGH: 100, Collateral.NORMAL: 220, Collateral.LOW: 400},
    RatingCategory.WEAK: {Collateral.HIGH: 220, Collateral.NORMAL: 400, Collateral.LOW: 650},
    RatingCategory.BAD: {Collateral.HIGH: 400, Collateral.NORMAL: 650, Collateral.LOW: 1000},
}


class GgeError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class BaseRate:
    valid_from: date
    rate_percent: Decimal
    source: str
    source_url: str


@cache
def base_rates() -> tuple[BaseRate, ...]:
    data = json.loads(BASE_RATES_FILE.read_text(encoding="utf-8"))
    rows = [
        BaseRate(
            valid_from=date.fromisoformat(row["valid_from"]),
            rate_percent=Decimal(row["rate_percent"]),
            source=row["source"],
            source_url=data["source_url"],
        )
        for row in data["rates"]
    ]
    return tuple(sorted(rows, key=lambda r: r.valid_from))


def base_rate_on(day: date) -> BaseRate:
    """The base rate in force on ``day`` (the latest published before it)."""
    rates = [r for r in base_rates() if r.valid_from <= day]
    if not rates:
        raise GgeError("granted_on", "Nessun tasso base UE disponibile per la data indicata.")
    return rates[-1]


def margin_bp(rating: str, collateral: str) -> int:
    try:
        return MARGINS_BP[rating][collateral]
    except KeyError:
        raise GgeError("rating", "Indicare la categoria di rating e il livello di garanzie.") from None


def reference_rate(base_rate_percent: Decimal, margin_basis_points: int) -> Decimal:
    """Reference rate in percent: base rate + margin (1 basis point = 0.01%)."""
    return Decimal(base_rate_percent) + Decimal(margin_basis_points) / HUNDRED


def _periodic(annual_percent: Decimal, frequency_months: int) -> Decimal:
    return Decimal(annual_percent) / HUNDRED * Decimal(frequency_months) / MONTHS_PER_YEAR


def cash_flows(terms: LoanTerms) -> list[Decimal]:
    """What the beneficiary pays at the end of each period, unrounded: interest only during the
    pre-amortisation, then the level French instalment."""
    terms.validate()
    rate = terms.periodic_rate
    principal = Decimal(terms.principal)
    flows = [principal * rate] * terms.pre_amortisation_periods
    n = terms.amortisation_periods
    if rate == 0:
        level = principal / n
    else:
        factor = (1 + rate) ** n
        level = principal * rate * factor / (factor - 1)
    return flows + [level] * n


def present_value(flows: list[Decimal], periodic_rate: Decimal) -> Decimal:
    discount = 1 + periodic_rate
    return sum((flow / discount ** (index + 1) for index, flow in enumerate(flows)), Decimal(0))


def gross_grant_equivalent(terms: LoanTerms, reference_rate_percent: Decimal) -> Decimal:
    """Nominal loan − PV at the reference rate of the subsidised schedule, in euro to the cent, clamped to
    [0, nominal] (a loan at or above the reference rate carries no aid)."""
    if Decimal(reference_rate_percent) < 0 or not Decimal(reference_rate_percent).is_finite():
        raise GgeError("reference_rate", "Il tasso di riferimento non può essere negativo.")
    with localcontext() as context:
        context.prec = 50
        pv = present_value(cash_flows(terms), _periodic(reference_rate_percent, terms.frequency_months))
        gge = Decimal(terms.principal) - pv
    return min(max(round_money(gge), ZERO), round_money(terms.principal))


@dataclass(frozen=True)
class GgeResult:
    base_rate: BaseRate
    margin_bp: int
    reference_rate_percent: Decimal
    gge: Decimal


def loan_gge(terms: LoanTerms, *, granted_on: date, rating: str, collateral: str) -> GgeResult:
    """The GGE of a loan granted on ``granted_on`` to a beneficiary of ``rating`` with ``collateral``."""
    base = base_rate_on(granted_on)
    margin = margin_bp(rating, collateral)
    ref = reference_rate(base.rate_percent, margin)
    return GgeResult(base, margin, ref, gross_grant_equivalent(terms, ref))

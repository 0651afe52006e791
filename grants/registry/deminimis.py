"""De minimis arithmetic, as pure functions over plain data (the selectors read the register and call these).

Two kinds of reference period, both held as data on ``DeMinimisRegulation``:

- ``fiscal_years``: the fiscal year of the grant and the previous ones (Reg. (EU) 1407/2013 art. 3(2):
  "the current and the two previous fiscal years"). The fiscal year is taken as the calendar year, as for
  almost every Italian undertaking.
- ``rolling_years``: any period of that many years ending on the grant date (Reg. (EU) 2023/2831 art. 3(2)):
  aid granted after the same day N years before counts.

Every aid of the single undertaking granted inside the period and up to the reference date counts, whatever
the regulation it was granted under; the ceiling and the period are those of the regulation in force on the
date of the new grant.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from grants.core.money import ZERO, round_money
from grants.core.vocabulary import LegalForm

FISCAL_YEARS = "fiscal_years"
ROLLING_YEARS = "rolling_years"


@dataclass(frozen=True)
class Period:
    kind: str  # FISCAL_YEARS or ROLLING_YEARS
    years: int


@dataclass(frozen=True)
class AidAmount:
    granted_on: date
    amount: Decimal


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def period_start(period: Period, at: date) -> date:
    """The first day whose aid counts for a grant on ``at``."""
    if period.kind == FISCAL_YEARS:
        return date(at.year - (period.years - 1), 1, 1)
    if period.kind == ROLLING_YEARS:
        return years_before(at, period.years) + timedelta(days=1)
    raise ValueError(f"Unknown de minimis period kind: {period.kind}")


def used_amount(aid: Iterable[AidAmount], period: Period, at: date) -> Decimal:
    start = period_start(period, at)
    return round_money(sum((a.amount for a in aid if start <= a.granted_on <= at), ZERO))


def headroom(ceiling: Decimal, used: Decimal) -> Decimal:
    """What may still be granted: never negative, even when past grants already passed the ceiling."""
    return max(round_money(ceiling - used), ZERO)


# --- the companies of a partnership ----------------------------------------------------------------------
# The legal forms that are undertakings for de minimis: each company of a partnership is checked and recorded
# on its own (its single undertaking), public bodies and enti gestori are not undertakings.
UNDERTAKING_FORMS = frozenset({LegalForm.COMPANY, LegalForm.SOCIAL_COOPERATIVE})

HUNDRED = Decimal(100)


def member_percents(lead_percent: Decimal, partner_percents: Sequence[Decimal]) -> list[Decimal]:
    """The lead's and each partner's share of the partnership, lead first: a lead without a share takes what
    the partners' shares leave (everything when they have none), as the loan check does."""
    partners = [max(Decimal(p or 0), Decimal(0)) for p in partner_percents]
    lead = max(Decimal(lead_percent or 0), Decimal(0))
    if not lead:
        lead = max(HUNDRED - sum(partners, Decimal(0)), Decimal(0))
    return [lead, *partners]


def split_by_shares(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """``total`` split among the members in proportion to ``percents`` (normalised by their sum, so a draft
    whose shares do not add up to 100 still splits the whole grant), to the cent, largest remainder first:
    the parts add up to ``total`` exactly and none is negative. All shares zero: the first member (the lead)
    takes everything."""
    total = round_money(total)
    if total < 0:
        raise ValueError("The total cannot be negative.")
    weights = [Decimal(p) for p in percents]
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("Shares cannot be negative.")
    weight_sum = sum(weights, Decimal(0))
    if weight_sum == 0:
        return [total, *([ZERO] * (len(weights) - 1))]
    cents = int(total * 100)
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(e) for e in exact]  # exact ≥ 0: int() is the floor
    left = cents - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_remainder[:left]:
        floors[index] += 1
    return [round_money(Decimal(c) / 100) for c in floors]

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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from grants.core.money import ZERO, round_money

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

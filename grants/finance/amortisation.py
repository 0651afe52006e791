"""French amortisation (ammortamento alla francese) of a subsidised loan, pure: no database, no clock.

Every instalment after the pre-amortisation has the same amount; its interest part is the outstanding
principal × the periodic rate, its principal part the rest. During pre-amortisation (preammortamento) only
the interest is due. Amounts are rounded to the cent by grants.core.money.round_money, one period at a time;
the last instalment repays exactly the outstanding principal, so it absorbs the rounding residue:

- the principal parts add up to the principal, to the cent;
- the instalments add up to the principal plus the interest parts, to the cent.

The term counts every month of the loan, pre-amortisation included; both it and the pre-amortisation are
whole multiples of the instalment frequency (1 monthly, 3 quarterly, 6 half-yearly, 12 yearly).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from grants.core.money import ZERO, round_money

FREQUENCIES = (1, 3, 6, 12)
MONTHS_PER_YEAR = Decimal(12)
HUNDRED = Decimal(100)


class LoanTermsError(ValueError):
    """Terms that cannot make a schedule; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LoanTerms:
    principal: Decimal
    annual_rate_percent: Decimal
    term_months: int
    pre_amortisation_months: int = 0
    frequency_months: int = 1

    def validate(self) -> None:
        if isinstance(self.principal, float) or isinstance(self.annual_rate_percent, float):
            raise LoanTermsError("principal", "Gli importi non possono essere numeri in virgola mobile.")
        if Decimal(self.principal) <= 0:
            raise LoanTermsError("principal", "Il capitale deve essere maggiore di zero.")
        if not Decimal(self.annual_rate_percent).is_finite() or Decimal(self.annual_rate_percent) < 0:
            raise LoanTermsError("annual_rate_percent", "Il tasso non può essere negativo.")
        if Decimal(self.annual_rate_percent) > HUNDRED:
            raise LoanTermsError("annual_rate_percent", "Il tasso annuo non può superare il 100%.")
        if self.frequency_months not in FREQUENCIES:
            raise LoanTermsError(
                "frequency_months", "La periodicità deve essere mensile, trimestrale, semestrale o annuale."
            )
        if self.term_months <= 0 or self.term_months % self.frequency_months:
            raise LoanTermsError(
                "term_months", "La durata deve essere un multiplo positivo della periodicità delle rate."
            )
        if self.pre_amortisation_months < 0 or self.pre_amortisation_months % self.frequency_months:
            raise LoanTermsError(
                "pre_amortisation_months", "Il preammortamento deve essere un multiplo della periodicità."
            )
        if self.pre_amortisation_months >= self.term_months:
            raise LoanTermsError(
                "pre_amortisation_months", "Il preammortamento deve essere più breve della durata."
            )

    @property
    def periodic_rate(self) -> Decimal:
        return Decimal(self.annual_rate_percent) / HUNDRED * Decimal(self.frequency_months) / MONTHS_PER_YEAR

    @property
    def amortisation_periods(self) -> int:
        return (self.term_months - self.pre_amortisation_months) // self.frequency_months

    @property
    def pre_amortisation_periods(self) -> int:
        return self.pre_amortisation_months // self.frequency_months


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date | None
    is_pre_amortisation: bool
    principal: Decimal
    interest: Decimal
    outstanding_after: Decimal

    @property
    def amount(self) -> Decimal:
        return round_money(self.principal + self.interest)


def level_instalment(principal: Decimal, periodic_rate: Decimal, periods: int) -> Decimal:
    """The constant French instalment, rounded to the cent: P·r / (1 − (1 + r)^−n), or P / n at rate zero."""
    with localcontext() as context:
        context.prec = 40
        if periodic_rate == 0:
            return round_money(Decimal(principal) / periods)
        factor = (1 + periodic_rate) ** periods
        return round_money(Decimal(principal) * periodic_rate * factor / (factor - 1))


def _add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Jan → 28 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)  # unreachable: every month has a 28th


def schedule(terms: LoanTerms, *, first_due: date | None = None) -> list[Instalment]:
    """The instalments of ``terms``; with ``first_due``, each is dated one period after the previous."""
    terms.validate()
    rate = terms.periodic_rate
    outstanding = round_money(terms.principal)
    rows: list[Instalment] = []

    def due(index: int) -> date | None:
        return _add_months(first_due, index * terms.frequency_months) if first_due else None

    for index in range(terms.pre_amortisation_periods):
        rows.append(
            Instalment(index + 1, due(index), True, ZERO, round_money(outstanding * rate), outstanding)
        )
    amount = level_instalment(outstanding, rate, terms.amortisation_periods)
    offset = terms.pre_amortisation_periods
    for period in range(terms.amortisation_periods):
        interest = round_money(outstanding * rate)
        last = period == terms.amortisation_periods - 1
        # The last instalment repays what is left: the rounding residue of every earlier period ends here.
        principal = outstanding if last else min(max(round_money(amount - interest), ZERO), outstanding)
        outstanding = round_money(outstanding - principal)
        index = offset + period
        rows.append(Instalment(index + 1, due(index), False, principal, interest, outstanding))
    return rows


def total_interest(rows: list[Instalment]) -> Decimal:
    return round_money(sum((row.interest for row in rows), ZERO))


def total_due(rows: list[Instalment]) -> Decimal:
    return round_money(sum((row.amount for row in rows), ZERO))

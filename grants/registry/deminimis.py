"""De minimis arithmetic, as pure functions over plain data (the selectors read the register and call these).

Two kinds of reference period, both held as data on ``DeMinimisRegulation``:

- ``fiscal_years``: the fiscal year of the grant and the previous ones (Reg. (EU) 1407/2013 art. 3(2):
  "the current and the two previous fiscal years"). The fiscal year is taken as the calendar year, as for
  almost every Italian undertaking.
- ``rolling_years``: any period of that many years ending on the grant date (Reg. (EU) 2023/2831 art. 3(2)):
  aid granted after the same day N years before counts.

Which aid counts against which ceiling depends on the family of the regulation each aid was granted under
(general, SIEG, agriculture, fishery): ``cumulation_checks`` below, with the rules quoted. The period is that
of the regulation of the new grant.
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


# --- the regulations' families and their cumulation ------------------------------------------------------
GENERAL = "general"  # Reg. (UE) 1407/2013, then 2023/2831: EUR 300,000 (200,000 before 2024)
SIEG = "sieg"  # services of general economic interest: Reg. (UE) 360/2012, then 2023/2832: EUR 750,000
AGRICULTURE = "agriculture"  # primary agricultural production: Reg. (UE) 1408/2013 (as amended)
FISHERY = "fishery"  # fishery and aquaculture: Reg. (UE) 717/2014 (as amended)
FAMILIES = (GENERAL, SIEG, AGRICULTURE, FISHERY)


@dataclass(frozen=True)
class CeilingRule:
    """One ceiling a new grant must fit: the aid of ``families`` in the period, plus the new grant, may not
    exceed ``ceiling``. ``basis`` names the rule, for the messages."""

    ceiling: Decimal
    families: frozenset[str]
    basis: str


@dataclass(frozen=True)
class CeilingCheck:
    rule: CeilingRule
    used: Decimal

    @property
    def headroom(self) -> Decimal:
        return headroom(self.rule.ceiling, self.used)


def cumulation_rules(
    family: str, own_ceiling: Decimal, *, general_ceiling: Decimal | None, sieg_ceiling: Decimal | None
) -> list[CeilingRule]:
    """The ceilings a new grant under a regulation of ``family`` must fit, as the de minimis regulations
    say (``general_ceiling``/``sieg_ceiling``: those of the general and SIEG regulations in force on the
    grant date; None when the register has none).

    General de minimis, Reg. (UE) 2023/2831, art. 5(1): "De minimis aid granted in accordance with this
    Regulation may be cumulated with de minimis aid granted in accordance with Commission Regulation (EU)
    2023/2832 up to the ceiling laid down in that Regulation." Art. 5(2): it "may be cumulated with de minimis
    aid granted in accordance with Commission Regulations (EU) No 1408/2013 and (EU) No 717/2014 up to the
    relevant ceiling laid down in Article 3(2) of this Regulation." So a general grant must fit two
    ceilings: EUR 300,000 for general + agricultural + fishery aid (SIEG aid does not count there), and the
    SIEG ceiling (EUR 750,000) for all de minimis aid together, SIEG included.

    SIEG de minimis, Reg. (UE) 2023/2832, art. 3(2) (EUR 750,000 over any three years) and art. 5: SIEG aid
    may be cumulated with aid under the other de minimis regulations up to its own ceiling. So a SIEG grant
    must fit EUR 750,000 for all de minimis aid together; general aid received does count there.

    Agricultural (Reg. 1408/2013) and fishery (Reg. 717/2014) de minimis: each its own ceiling for its own
    sector's aid, plus, mirroring art. 5(2) of Reg. 2023/2831, the general ceiling for general + agricultural
    + fishery aid together, plus the SIEG ceiling for everything.
    """
    everything = frozenset(FAMILIES)
    rules: list[CeilingRule] = []
    if family == GENERAL:
        rules.append(CeilingRule(own_ceiling, frozenset({GENERAL, AGRICULTURE, FISHERY}), "general"))
        if sieg_ceiling is not None:
            rules.append(CeilingRule(sieg_ceiling, everything, "sieg_cumulation"))
    elif family == SIEG:
        rules.append(CeilingRule(own_ceiling, everything, "sieg"))
    elif family in (AGRICULTURE, FISHERY):
        rules.append(CeilingRule(own_ceiling, frozenset({family}), family))
        if general_ceiling is not None:
            rules.append(
                CeilingRule(general_ceiling, frozenset({GENERAL, AGRICULTURE, FISHERY}), "general_cumulation")
            )
        if sieg_ceiling is not None:
            rules.append(CeilingRule(sieg_ceiling, everything, "sieg_cumulation"))
    else:
        raise ValueError(f"Unknown de minimis regulation family: {family}")
    return rules


def checks(rules: Iterable[CeilingRule], used_by_family: dict[str, Decimal]) -> tuple[CeilingCheck, ...]:
    """Each rule with what its families already used in the period."""
    return tuple(
        CeilingCheck(
            rule=rule,
            used=round_money(sum((used_by_family.get(f, ZERO) for f in rule.families), ZERO)),
        )
        for rule in rules
    )


def binding(found: Sequence[CeilingCheck]) -> CeilingCheck:
    """The check that leaves the least headroom (the first one on a tie: the regulation's own)."""
    return min(found, key=lambda check: check.headroom)


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

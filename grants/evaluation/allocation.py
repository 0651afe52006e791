"""Ranking order and budget allocation, as pure functions (no database).

Order: total score descending; ties broken by the call's tie-break rules, in the order the call lists them
(the rules are free Italian text in the call definition, e.g. "Maggior punteggio nel criterio B",
"Ordine cronologico di presentazione della domanda", "Maggior quota di cofinanziamento"); a rule the
platform cannot read is ignored and reported; the protocol number (arrival order) breaks any tie left.

Allocation (``allocate_with_reserves``): the budget is split into the call's reserves (quotas kept for a
province, a Distretto, a kind of applicant or a line of projects) and the general pool. Down the ranking,
an application is paid from the reserves it matches first, then from the pool. When what is left does not
cover an application, the call decides: a partial grant (if allowed and not below the call's minimum share
of the request), or moving on to the next application that fits, or stopping there. Once every
application has been reached, the unused money of the reserves that return to the pool is offered again
down the same ranking (second pass), first to the applications not yet fully funded. A slide
(scorrimento) runs the same passes keeping the grants already given (``Claim.drawn``), so a funded
application never loses money. Money is never negative, never over the budget, a reserve, or the request.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from grants.core.money import ZERO, round_money


@dataclass(frozen=True)
class Candidate:
    key: int  # application id
    score: Decimal
    requested: Decimal
    protocol: tuple[int, int]  # (year, number): the arrival order
    submitted_at: datetime | None = None
    criterion_scores: dict[str, Decimal] = field(default_factory=dict)
    cofinancing_share: Decimal = ZERO  # co-financing / total cost, 0..1


@dataclass(frozen=True)
class TieBreak:
    text: str
    kind: str  # "criterion" | "arrival" | "cofinancing" | "lower_grant"
    criterion: str = ""

    def key(self, candidate: Candidate):
        """Smaller sorts first."""
        if self.kind == "criterion":
            return -candidate.criterion_scores.get(self.criterion, ZERO)
        if self.kind == "cofinancing":
            return -candidate.cofinancing_share
        if self.kind == "lower_grant":
            return candidate.requested
        return candidate.protocol  # arrival


CRITERION_RULE = re.compile(r"criterio\s+([A-Za-z0-9][A-Za-z0-9._-]*)", re.IGNORECASE)


def parse_tie_break(text: str) -> TieBreak | None:
    """What a rule of the call means, or None if the platform cannot apply it."""
    lowered = text.casefold()
    match = CRITERION_RULE.search(text)
    if match and ("maggior" in lowered or "punteggio" in lowered):
        return TieBreak(text=text, kind="criterion", criterion=match.group(1).rstrip(".").upper())
    if any(word in lowered for word in ("cronologic", "protocollo", "arrivo", "presentazione", "invio")):
        return TieBreak(text=text, kind="arrival")
    if "cofinanziamento" in lowered and "maggior" in lowered:
        return TieBreak(text=text, kind="cofinancing")
    if "minor" in lowered and "contributo" in lowered:
        return TieBreak(text=text, kind="lower_grant")
    return None


def parse_tie_breaks(texts: Sequence[str]) -> tuple[list[TieBreak], list[str]]:
    """(rules the platform applies, texts it cannot apply)."""
    rules, ignored = [], []
    for text in texts or ():
        rule = parse_tie_break(str(text))
        if rule is None:
            ignored.append(str(text))
        else:
            rules.append(rule)
    return rules, ignored


@dataclass(frozen=True)
class Placed:
    candidate: Candidate
    tie_break: str = ""  # the rule that placed it after an application with the same score


def rank(candidates: Sequence[Candidate], rules: Sequence[TieBreak]) -> list[Placed]:
    """The candidates in ranking order, each with the rule that placed it after an equal score."""

    def sort_key(c: Candidate):
        return (-c.score, *(rule.key(c) for rule in rules), c.protocol, c.key)

    # Each key once (a ranking may hold tens of thousands of candidates); the tie-break note is the first
    # rule whose part of the key differs from the previous candidate's.
    keyed = sorted(((sort_key(c), c) for c in candidates), key=lambda pair: pair[0])
    placed = []
    previous = None
    for key, candidate in keyed:
        note = ""
        if previous is not None and previous[0] == key[0]:
            decided = next((r for i, r in enumerate(rules, start=1) if previous[i] != key[i]), None)
            note = decided.text if decided else "Numero di protocollo"
        placed.append(Placed(candidate=candidate, tie_break=note))
        previous = key
    return placed


POOL = ""  # the source code of the general pool (a reserve's code is never empty)


@dataclass(frozen=True)
class Reserve:
    code: str
    amount: Decimal
    returns_to_pool: bool = True


@dataclass(frozen=True)
class AllocationRules:
    partial_allowed: bool = True
    partial_min_percent: Decimal = ZERO  # of the request, 0..100
    next_that_fits: bool = True


@dataclass(frozen=True)
class Claim:
    """An application, in ranking order: what it asks, the reserves it matches (in the call's order) and,
    in a slide, what it already has from each source."""

    requested: Decimal
    reserves: tuple[str, ...] = ()
    drawn: Mapping[str, Decimal] = field(default_factory=dict)

    @property
    def granted(self) -> Decimal:
        return sum(self.drawn.values(), ZERO)


def capacities(budget: Decimal, reserves: Sequence[Reserve]) -> dict[str, Decimal]:
    """Money per source: each reserve while the budget lasts (in the call's order), the rest to the pool."""
    left = max(round_money(budget), ZERO)
    result = {}
    for reserve in reserves:
        result[reserve.code] = min(max(round_money(reserve.amount), ZERO), left)
        left = round_money(left - result[reserve.code])
    result[POOL] = left
    return result


def allocate_with_reserves(
    budget: Decimal,
    claims: Sequence[Claim],
    reserves: Sequence[Reserve] = (),
    rules: AllocationRules = AllocationRules(),
) -> list[dict[str, Decimal]]:
    """For each claim, in the order given, the money it has per source (``POOL`` or a reserve's code),
    including what it had already."""
    left = capacities(budget, reserves)
    known = set(left)
    drawn = [
        {code: round_money(amount) for code, amount in claim.drawn.items() if amount > 0} for claim in claims
    ]
    for has in drawn:
        for code, amount in has.items():
            left[code] = round_money(left.get(code, ZERO) - amount)
    returning = [r.code for r in reserves if r.returns_to_pool and r.code in known]
    # Every amount below is in cents already (rounded once here): sums and differences of cents are exact,
    # so the loops add and subtract without rounding again (a ranking may hold tens of thousands of claims).
    requested = [max(round_money(claim.requested), ZERO) for claim in claims]
    granted = [sum(has.values(), ZERO) for has in drawn]
    own = [[code for code in claim.reserves if code in known and code != POOL] + [POOL] for claim in claims]

    def run(sources_of) -> None:
        blocked: set[str] = set()
        for index, has in enumerate(drawn):
            need = requested[index] - granted[index]
            if need <= 0:
                continue
            sources = [s for s in sources_of(index) if s not in blocked and left.get(s, ZERO) > 0]
            available = sum((left[s] for s in sources), ZERO)
            if available >= need:
                amount = need
            elif (
                rules.partial_allowed
                and available > 0
                and (granted[index] + available) * 100 >= rules.partial_min_percent * requested[index]
            ):
                amount = available
            else:
                if not rules.next_that_fits:
                    blocked.update(sources)  # the call stops the allocation of these sources here
                continue
            granted[index] += amount
            for source in sources:
                take = min(left[source], amount)
                if take <= 0:
                    continue
                has[source] = has.get(source, ZERO) + take
                left[source] -= take
                amount -= take
                if amount <= 0:
                    break

    run(lambda index: own[index])  # each application from its reserves, then the pool
    if returning:
        # The reserves' unused money, for whoever still needs it, in the same order.
        run(lambda index: [*own[index], *(c for c in returning if c not in claims[index].reserves)])
    return drawn


def allocate(budget: Decimal, requested: Sequence[Decimal], rules: AllocationRules = AllocationRules()):
    """Granted amounts without reserves, in the order given."""
    return [
        sum(has.values(), ZERO)
        for has in allocate_with_reserves(budget, [Claim(requested=r) for r in requested], rules=rules)
    ]

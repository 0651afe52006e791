"""Ranking order and budget allocation, as pure functions (no database).

Order: total score descending; ties broken by the call's tie-break rules, in the order the call lists them
(the rules are free Italian text in the call definition, e.g. "Maggior punteggio nel criterio B",
"Ordine cronologico di presentazione della domanda", "Maggior quota di cofinanziamento"); a rule the
platform cannot read is ignored and reported; the protocol number (arrival order) breaks any tie left.

Allocation: the budget goes down the ranking, each application gets what it asked for while the money
lasts; the first that does not fit gets what is left (partial funding), the following get nothing. Money is
never negative, never over the budget, never more than requested.
"""

import re
from collections.abc import Sequence
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
    def sort_key(c: Candidate):
        return (-c.score, *(rule.key(c) for rule in rules), c.protocol, c.key)

    ordered = sorted(candidates, key=sort_key)
    placed = []
    for index, candidate in enumerate(ordered):
        note = ""
        if index and ordered[index - 1].score == candidate.score:
            previous = ordered[index - 1]
            decided = next((r for r in rules if r.key(previous) != r.key(candidate)), None)
            note = decided.text if decided else "Numero di protocollo"
        placed.append(Placed(candidate=candidate, tie_break=note))
    return placed


def allocate(budget: Decimal, requested: Sequence[Decimal]) -> list[Decimal]:
    """Granted amounts, in the order given: full while the money lasts, then one partial, then zeros."""
    remaining = max(round_money(budget), ZERO)
    granted = []
    for amount in requested:
        amount = max(round_money(amount), ZERO)
        grant = min(amount, remaining)
        remaining = round_money(remaining - grant)
        granted.append(grant)
    return granted

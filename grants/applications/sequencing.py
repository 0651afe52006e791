"""First-come booking of a batch of arrivals, in arrival order, as a pure function.

The rule (the same an application met when it was booked one at a time):

- an application that matches a reserve books on it if the reserve has the money and **nobody who arrived
  earlier is waiting for that reserve**;
- otherwise it books on the general pool (the budget less every reserve) if the money is there and **nobody
  who arrived earlier is waiting at all** (everybody may use the general pool, so any waiting application
  closes it to newcomers);
- otherwise it waits, and from then on closes its reserve (or, without one, the general pool) to later
  arrivals.

Nothing here reads or writes the database: the sequencer locks the call's booking rows once per batch, gives
their figures to ``book_in_order`` and writes back what it returns.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from grants.core.money import round_money

GENERAL_POOL = None


@dataclass
class Pools:
    """What a first-come call still has, and who is already waiting (by reserve id; None: no reserve)."""

    budget: Decimal
    booked: Decimal
    reserved: Decimal = Decimal("0.00")
    reserve_booked: Decimal = Decimal("0.00")
    reserve_available: dict = field(default_factory=dict)  # reserve id -> money left on it
    waiting: set = field(default_factory=set)  # reserves (or None) an earlier waiting application holds

    @property
    def available(self) -> Decimal:
        return self.budget - self.booked

    @property
    def general_available(self) -> Decimal:
        return (self.budget - self.reserved) - (self.booked - self.reserve_booked)


@dataclass(frozen=True)
class Request:
    key: object  # the caller's identifier (the application id)
    grant: Decimal
    reserve: object = GENERAL_POOL  # the reserve id the application matched, or None


@dataclass(frozen=True)
class Outcome:
    key: object
    booked: bool
    on_reserve: bool = False


def book_in_order(pools: Pools, requests: Iterable[Request]) -> list[Outcome]:
    """Book each request in the order given, updating ``pools`` in place; one outcome per request."""
    outcomes = []
    for request in requests:
        grant = request.grant
        has_reserve = request.reserve is not GENERAL_POOL and request.reserve in pools.reserve_available
        on_reserve = (
            has_reserve
            and request.reserve not in pools.waiting
            and grant <= pools.reserve_available[request.reserve]
        )
        fits_general = not pools.waiting and grant <= min(pools.general_available, pools.available)
        if on_reserve:
            pools.reserve_available[request.reserve] = round_money(
                pools.reserve_available[request.reserve] - grant
            )
            pools.reserve_booked = round_money(pools.reserve_booked + grant)
        if on_reserve or fits_general:
            pools.booked = round_money(pools.booked + grant)
            outcomes.append(Outcome(request.key, booked=True, on_reserve=on_reserve))
        else:
            pools.waiting.add(request.reserve if has_reserve else GENERAL_POOL)
            outcomes.append(Outcome(request.key, booked=False))
    return outcomes

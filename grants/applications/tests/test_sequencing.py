"""The first-come booking rule of a batch (grants.applications.sequencing), as arithmetic."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.applications.sequencing import GENERAL_POOL, Pools, Request, book_in_order

money = st.integers(min_value=1, max_value=200).map(lambda n: Decimal(n) * 1000)


@st.composite
def scenarios(draw):
    reserves = draw(st.dictionaries(st.sampled_from(["A", "B"]), money, max_size=2))
    budget = Decimal(sum(reserves.values())) + draw(money)
    requests = draw(
        st.lists(
            st.tuples(money, st.sampled_from([GENERAL_POOL, *reserves])),
            max_size=30,
        )
    )
    return budget, reserves, [Request(i, grant, reserve) for i, (grant, reserve) in enumerate(requests)]


@given(scenarios())
def test_never_over_the_budget_or_a_reserve_and_nobody_jumps_the_queue(scenario):
    budget, reserves, requests = scenario
    pools = Pools(
        budget=budget,
        booked=Decimal("0.00"),
        reserved=Decimal(sum(reserves.values())),
        reserve_available=dict(reserves),
    )
    outcomes = book_in_order(pools, requests)
    assert [o.key for o in outcomes] == [r.key for r in requests]
    booked = [r for r, o in zip(requests, outcomes, strict=True) if o.booked]
    on_reserve = {
        name: sum(
            (r.grant for r, o in zip(requests, outcomes, strict=True) if o.on_reserve and r.reserve == name),
            Decimal(0),
        )
        for name in reserves
    }
    assert sum((r.grant for r in booked), Decimal(0)) == pools.booked <= budget
    for name, amount in reserves.items():
        assert on_reserve[name] <= amount
        assert pools.reserve_available[name] == amount - on_reserve[name]
    general = pools.booked - sum(on_reserve.values(), Decimal(0))
    assert general <= budget - Decimal(sum(reserves.values()))
    # After the first application that waits, nobody later books on the general pool.
    first_waiting = next((i for i, o in enumerate(outcomes) if not o.booked), None)
    if first_waiting is not None:
        assert all(o.on_reserve for o in outcomes[first_waiting:] if o.booked)


def test_a_reserve_is_used_first_and_the_general_pool_after():
    pools = Pools(
        budget=Decimal("100"),
        booked=Decimal("0"),
        reserved=Decimal("30"),
        reserve_available={"A": Decimal("30")},
    )
    outcomes = book_in_order(
        pools, [Request(1, Decimal("20"), "A"), Request(2, Decimal("20"), "A"), Request(3, Decimal("80"))]
    )
    assert [(o.booked, o.on_reserve) for o in outcomes] == [(True, True), (True, False), (False, False)]
    assert pools.booked == Decimal("40") and pools.reserve_available["A"] == Decimal("10")

"""Allocation and ranking order as pure functions; properties checked on random amounts (hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.evaluation.allocation import (
    POOL,
    AllocationRules,
    Candidate,
    Claim,
    Reserve,
    allocate,
    allocate_with_reserves,
    capacities,
    parse_tie_break,
    parse_tie_breaks,
    rank,
)

money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("5000000.00"), places=2)


@given(budget=money, requested=st.lists(money, max_size=40))
def test_allocation_never_exceeds_budget_nor_requests_and_has_at_most_one_partial(budget, requested):
    granted = allocate(budget, requested)
    assert len(granted) == len(requested)
    assert sum(granted, Decimal(0)) <= budget
    assert all(Decimal(0) <= g <= r for g, r in zip(granted, requested, strict=True))
    assert all(g == g.quantize(Decimal("0.01")) for g in granted)
    partial = [i for i, (g, r) in enumerate(zip(granted, requested, strict=True)) if Decimal(0) < g < r]
    assert len(partial) <= 1
    # Funded in order: once someone is not fully funded, nobody after gets money.
    short = next((i for i, (g, r) in enumerate(zip(granted, requested, strict=True)) if g < r), None)
    if short is not None:
        assert all(g == 0 for g in granted[short + 1 :])
        # and the money ran out there: what was left was given
        assert sum(granted, Decimal(0)) == budget


def test_allocation_examples():
    assert allocate(Decimal("100"), [Decimal("60"), Decimal("60"), Decimal("10")]) == [
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("0.00"),
    ]
    assert allocate(Decimal("0"), [Decimal("5")]) == [Decimal("0.00")]
    assert allocate(Decimal("-5"), [Decimal("5")]) == [Decimal("0.00")]


def test_the_wecare_tie_break_texts_are_understood():
    rules, ignored = parse_tie_breaks(
        [
            "Maggior punteggio nel criterio B (qualità e innovatività della proposta)",
            "Maggior quota di cofinanziamento",
            "Ordine cronologico di invio della domanda (data e ora di protocollo)",
            "Sorteggio",
        ]
    )
    assert [(r.kind, r.criterion) for r in rules] == [
        ("criterion", "B"),
        ("cofinancing", ""),
        ("arrival", ""),
    ]
    assert ignored == ["Sorteggio"]
    assert parse_tie_break("Minor contributo richiesto").kind == "lower_grant"


def _candidate(key, score, protocol, **kwargs):
    return Candidate(key=key, score=Decimal(score), requested=Decimal(1), protocol=(2026, protocol), **kwargs)


def test_rank_by_score_then_rules_then_protocol():
    rules, _ = parse_tie_breaks(["Maggior punteggio nel criterio B", "Maggior quota di cofinanziamento"])
    candidates = [
        _candidate(1, "70", 1, criterion_scores={"B": Decimal(30)}),
        _candidate(2, "70", 2, criterion_scores={"B": Decimal(40)}),
        _candidate(3, "80", 3),
        _candidate(4, "70", 4, criterion_scores={"B": Decimal(30)}, cofinancing_share=Decimal("0.2")),
        _candidate(5, "70", 5, criterion_scores={"B": Decimal(30)}, cofinancing_share=Decimal("0.2")),
    ]
    placed = rank(candidates, rules)
    assert [p.candidate.key for p in placed] == [3, 2, 4, 5, 1]
    assert [p.tie_break for p in placed] == [
        "",
        "",
        "Maggior punteggio nel criterio B",
        "Numero di protocollo",
        "Maggior quota di cofinanziamento",
    ]


# --- reserves, partial funding rules, slides ----------------------------------------------------------------
CODES = ("prov-to", "linea-a", "linea-b")


@st.composite
def scenarios(draw):
    budget = draw(st.decimals(min_value=Decimal("0.00"), max_value=Decimal("2000000.00"), places=2))
    reserves = [
        Reserve(
            code=code,
            amount=draw(st.decimals(min_value=Decimal("0.00"), max_value=Decimal("800000.00"), places=2)),
            returns_to_pool=draw(st.booleans()),
        )
        for code in draw(st.lists(st.sampled_from(CODES), unique=True, max_size=3))
    ]
    claims = [
        Claim(
            requested=draw(st.decimals(min_value=Decimal("0.00"), max_value=Decimal("400000.00"), places=2)),
            reserves=tuple(c for c in CODES if c in draw(st.frozensets(st.sampled_from(CODES)))),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=25)))
    ]
    rules = AllocationRules(
        partial_allowed=draw(st.booleans()),
        partial_min_percent=draw(st.sampled_from([Decimal(0), Decimal(50), Decimal("80.5"), Decimal(100)])),
        next_that_fits=draw(st.booleans()),
    )
    return budget, claims, reserves, rules


def _check_invariants(budget, claims, reserves, rules, result):
    capacity = capacities(budget, reserves)
    returning = {r.code for r in reserves if r.returns_to_pool}
    total = sum((sum(has.values(), Decimal(0)) for has in result), Decimal(0))
    assert total <= max(budget, Decimal(0))
    for code, limit in capacity.items():
        assert sum((has.get(code, Decimal(0)) for has in result), Decimal(0)) <= limit
    for reserve in reserves:  # a reserve never pays more than itself
        assert sum((has.get(reserve.code, Decimal(0)) for has in result), Decimal(0)) <= reserve.amount
    for claim, has in zip(claims, result, strict=True):
        granted = sum(has.values(), Decimal(0))
        assert Decimal(0) <= granted <= claim.requested
        assert all(v > 0 and v == v.quantize(Decimal("0.01")) for v in has.values())
        for code in has:  # a reserve pays an application it does not match only when it returns to the pool
            assert code == POOL or code in claim.reserves or code in returning
        if Decimal(0) < granted < claim.requested:
            assert rules.partial_allowed and granted * 100 >= rules.partial_min_percent * claim.requested

    # Order: a lower application never gets now, from a source the higher one could use, as much as the
    # higher one still missed (it would have fitted there first). In a slide: the money it adds.
    def new_money(index, code):
        return result[index].get(code, Decimal(0)) - claims[index].drawn.get(code, Decimal(0))

    for i, above in enumerate(claims):
        if sum(result[i].values(), Decimal(0)) >= above.requested:
            continue
        missed = above.requested - above.granted
        for j in range(i + 1, len(claims)):
            for code in (POOL, *above.reserves):
                assert new_money(j, code) < missed
                if not rules.next_that_fits and not returning:
                    assert new_money(j, code) == 0  # the call stops at the first that fails


@given(scenarios())
def test_reserves_and_pool_keep_every_invariant(scenario):
    budget, claims, reserves, rules = scenario
    result = allocate_with_reserves(budget, claims, reserves, rules)
    assert len(result) == len(claims)
    _check_invariants(budget, claims, reserves, rules, result)
    assert result == allocate_with_reserves(budget, claims, reserves, rules)  # same inputs, same result
    left = capacities(budget, reserves)
    for has in result:
        for code, amount in has.items():
            left[code] -= amount
    for claim, has in zip(claims, result, strict=True):
        if has.get(POOL):  # paid by the pool only once its own reserves were used up
            assert all(left[code] == 0 for code in claim.reserves if code in left)


@given(scenarios(), st.data())
def test_a_slide_keeps_every_invariant_and_takes_nothing_from_the_funded(scenario, data):
    budget, claims, reserves, rules = scenario
    result = allocate_with_reserves(budget, claims, reserves, rules)
    funded = [i for i, has in enumerate(result) if has]
    if not funded:
        return
    gone = data.draw(st.sampled_from(funded))
    kept = [
        Claim(requested=c.requested, reserves=c.reserves, drawn=has)
        for i, (c, has) in enumerate(zip(claims, result, strict=True))
        if i != gone
    ]
    slid = allocate_with_reserves(budget, kept, reserves, rules)
    _check_invariants(budget, kept, reserves, rules, slid)
    for claim, has in zip(kept, slid, strict=True):
        assert all(has.get(code, Decimal(0)) >= amount for code, amount in claim.drawn.items())
        assert sum(has.values(), Decimal(0)) <= claim.requested
    total = sum((sum(has.values(), Decimal(0)) for has in slid), Decimal(0))
    assert total <= budget
    for reserve in reserves:
        assert sum((has.get(reserve.code, Decimal(0)) for has in slid), Decimal(0)) <= reserve.amount


def test_reserve_examples():
    reserves = [Reserve("to", Decimal(50)), Reserve("linea-b", Decimal(30), returns_to_pool=False)]
    claims = [
        Claim(Decimal(60)),  # pool 20 only in the first pass, then the reserve "to" returns 10
        Claim(Decimal(40), reserves=("to",)),  # the reserve pays it
        Claim(Decimal(10), reserves=("linea-b",)),
        Claim(Decimal(5)),
    ]
    result = allocate_with_reserves(Decimal(100), claims, reserves)
    assert result == [
        {POOL: Decimal(20), "to": Decimal(10)},
        {"to": Decimal(40)},
        {"linea-b": Decimal(10)},
        {},
    ]  # linea-b keeps 20 unused: it does not return to the pool


def test_partial_minimum_and_next_that_fits():
    claims = [Claim(Decimal(60)), Claim(Decimal(100)), Claim(Decimal(30))]
    strict = AllocationRules(partial_allowed=True, partial_min_percent=Decimal(50), next_that_fits=True)
    assert allocate(Decimal(100), [c.requested for c in claims], strict) == [60, 0, 30]  # 40 < 50% of 100
    stop = AllocationRules(partial_allowed=False, next_that_fits=False)
    assert allocate(Decimal(100), [c.requested for c in claims], stop) == [60, 0, 0]
    half = AllocationRules(partial_allowed=True, partial_min_percent=Decimal(40))
    assert allocate(Decimal(100), [c.requested for c in claims], half) == [60, 40, 0]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10**6)), max_size=30, unique_by=lambda t: t[1]))
def test_the_same_candidates_always_give_the_same_ranking(rows):
    candidates = [
        Candidate(key=n, score=Decimal(score), requested=Decimal(1), protocol=(2026, n)) for score, n in rows
    ]
    rules, _ = parse_tie_breaks(["Ordine cronologico di presentazione della domanda"])
    first = [p.candidate.key for p in rank(candidates, rules)]
    assert first == [p.candidate.key for p in rank(list(reversed(candidates)), rules)]

"""Allocation and ranking order as pure functions; properties checked on random amounts (hypothesis)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.evaluation.allocation import Candidate, allocate, parse_tie_break, parse_tie_breaks, rank

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

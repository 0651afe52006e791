"""Properties of the budget scaling: lines add up to the target to the cent, never negative, proportional
within the rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.core.money import ZERO
from grants.projects.budget import moved_amount, moved_percent, scale_amounts, scaled_total

cents = st.integers(min_value=0, max_value=10**10).map(lambda n: Decimal(n) / 100)
budgets = st.lists(cents, min_size=1, max_size=12).filter(lambda xs: sum(xs) > 0)


@given(amounts=budgets, share=st.integers(min_value=0, max_value=10000))
def test_scaled_lines_add_up_to_the_target_and_are_never_negative(amounts, share):
    total = sum(amounts, ZERO)
    target = (total * share / 10000).quantize(Decimal("0.01"))
    scaled = scale_amounts(amounts, target)
    assert sum(scaled, ZERO) == target
    assert all(amount >= 0 for amount in scaled)
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in scaled)
    # Every line but the ones that absorbed the remainder is within half a cent of its exact share.
    exact = [a * target / total for a in amounts]
    assert sum(abs(s - e) for s, e in zip(scaled, exact, strict=True)) <= Decimal("0.01") * len(amounts)


@given(amounts=budgets)
def test_scaling_to_the_same_total_changes_nothing(amounts):
    assert scale_amounts(amounts, sum(amounts, ZERO)) == amounts


def test_a_negative_remainder_never_takes_the_last_line_below_zero():
    # 0.01 + 0.01 + 0 scaled to 0.01: both halves round up to 0.01, one cent too many, and the last line
    # (0) cannot give it back: the line before it does.
    assert scale_amounts([Decimal("0.01"), Decimal("0.01"), Decimal("0.00")], Decimal("0.01")) == [
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    # Three thirds of 0.02 round to 0.01 each: the last line gives the extra cent back.
    assert scale_amounts([Decimal("1"), Decimal("1"), Decimal("1")], Decimal("0.02")) == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]


def test_refusals():
    with pytest.raises(ValueError):
        scale_amounts([Decimal(1)], Decimal(-1))
    with pytest.raises(ValueError):
        scale_amounts([Decimal(-1)], Decimal(1))
    with pytest.raises(ValueError):
        scale_amounts([ZERO], Decimal(1))
    assert scale_amounts([ZERO, ZERO], ZERO) == [ZERO, ZERO]


def test_scaled_total_keeps_the_aid_intensity():
    assert scaled_total(Decimal("89000"), requested=Decimal("71200"), granted=Decimal("35600")) == Decimal(
        "44500.00"
    )
    assert scaled_total(Decimal("89000"), requested=Decimal("71200"), granted=Decimal("71200")) == Decimal(
        "89000.00"
    )


def test_moved_amount_and_share():
    moved = moved_amount([Decimal(60), Decimal(20), Decimal(9)], [Decimal(55), Decimal(25), Decimal(9)])
    assert moved == Decimal("5.00")
    assert moved_percent(moved, Decimal(89)) == Decimal("5.62")

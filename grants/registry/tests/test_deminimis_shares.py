"""The split of a grant among the companies of a partnership: to the cent, without losing or adding one."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.registry.deminimis import member_percents, split_by_shares

amounts = st.decimals(min_value=0, max_value=Decimal("10000000"), places=2, allow_nan=False)
percents = st.lists(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False), min_size=1, max_size=8
)


@given(total=amounts, shares=percents)
def test_the_parts_add_up_to_the_grant_none_negative_all_in_cents(total, shares):
    parts = split_by_shares(total, shares)
    assert len(parts) == len(shares)
    assert sum(parts, Decimal(0)) == total
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)


@given(total=amounts, shares=percents)
def test_each_part_is_within_a_cent_of_its_exact_share(total, shares):
    weight = sum(shares, Decimal(0))
    parts = split_by_shares(total, shares)
    for part, share in zip(parts, shares, strict=True):
        exact = total * share / weight if weight else None
        if exact is not None:
            assert abs(part - exact) < Decimal("0.01")
        if share == 0 and weight:
            assert part == 0


@given(total=amounts, partners=st.lists(st.decimals(min_value=0, max_value=30, places=2), max_size=3))
def test_a_lead_without_a_share_takes_what_the_partners_leave(total, partners):
    shares = member_percents(Decimal(0), partners)
    assert shares[0] == 100 - sum(partners, Decimal(0))
    assert sum(split_by_shares(total, shares), Decimal(0)) == total


def test_three_equal_thirds_give_the_odd_cent_to_the_first():
    assert split_by_shares(Decimal("100.00"), [Decimal(1)] * 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_no_share_at_all_leaves_everything_to_the_lead():
    assert split_by_shares(Decimal("10.00"), [Decimal(0), Decimal(0)]) == [Decimal("10.00"), Decimal("0.00")]


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        split_by_shares(Decimal("-1"), [Decimal(1)])
    with pytest.raises(ValueError):
        split_by_shares(Decimal("1"), [Decimal(-1)])

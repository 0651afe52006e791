from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.core.money import format_eur, parse_amount, percent_of, round_money


def test_rounding_is_half_away_from_zero_to_the_cent():
    assert round_money("0.005") == Decimal("0.01")
    assert round_money("2.675") == Decimal("2.68")
    assert round_money(10) == Decimal("10.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_money(0.1)


def test_italian_format():
    assert format_eur(Decimal("20000000")) == "20.000.000,00 €"
    assert format_eur(Decimal("1234.5")) == "1.234,50 €"
    assert format_eur(None) == "–"


@given(
    st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_a_percentage_never_exceeds_its_base_nor_goes_negative(amount, percent):
    share = percent_of(amount, percent)
    assert Decimal(0) <= share <= amount
    assert share == share.quantize(Decimal("0.01"))


@given(st.decimals(min_value=Decimal("-1e11"), max_value=Decimal("1e11"), places=2, allow_nan=False))
def test_an_amount_formatted_the_italian_way_parses_back_to_itself(amount):
    italian = format_eur(amount)  # 1.234.567,89 €
    assert parse_amount(italian) == amount
    assert parse_amount(italian.removesuffix(" €").replace(".", "")) == amount  # 1234567,89
    assert parse_amount(str(amount)) == amount  # plain 1234567.89


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("450.000,00", "450000.00"),
        ("450000,00", "450000.00"),
        ("450000.00", "450000.00"),
        ("450.000", "450000"),
        ("1.234.567", "1234567"),
        ("€ 1.234,5", "1234.5"),
        ("12.5", "12.5"),
        ("-12,30", "-12.30"),
    ],
)
def test_italian_and_plain_amounts_are_read(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "abc", "12,3,4", "1.23.4", "1,234.56", "12.", "1.2,3.4", "--1"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)

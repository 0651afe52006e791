"""Gross grant equivalent of a subsidised loan (Communication 2008/C 14/02): pure arithmetic."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.finance import gge
from grants.finance.amortisation import LoanTerms
from grants.finance.gge import Collateral, GgeError, RatingCategory

principals = st.decimals(min_value=Decimal("1000"), max_value=Decimal("3000000"), places=2)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("12"), places=3)
frequencies = st.sampled_from([1, 3, 6, 12])


@st.composite
def loan_terms(draw):
    frequency = draw(frequencies)
    periods = draw(st.integers(min_value=1, max_value=120 // frequency))
    pre = draw(st.integers(min_value=0, max_value=periods - 1))
    return LoanTerms(
        principal=draw(principals),
        annual_rate_percent=draw(rates),
        term_months=periods * frequency,
        pre_amortisation_months=pre * frequency,
        frequency_months=frequency,
    )


@settings(max_examples=60, deadline=None)
@given(terms=loan_terms(), reference=st.decimals(min_value=Decimal("0"), max_value=Decimal("20"), places=3))
def test_the_gge_is_between_zero_and_the_nominal_loan(terms, reference):
    value = gge.gross_grant_equivalent(terms, reference)
    assert Decimal(0) <= value <= terms.principal
    assert value == value.quantize(Decimal("0.01"))


@settings(max_examples=60, deadline=None)
@given(terms=loan_terms())
def test_a_loan_at_the_reference_rate_carries_no_aid(terms):
    assert gge.gross_grant_equivalent(terms, terms.annual_rate_percent) == Decimal("0.00")


@settings(max_examples=60, deadline=None)
@given(
    terms=loan_terms(),
    base=st.decimals(min_value=Decimal("0"), max_value=Decimal("6"), places=2),
    margins=st.tuples(st.integers(0, 1000), st.integers(0, 1000)),
)
def test_the_gge_grows_with_the_margin(terms, base, margins):
    low, high = sorted(margins)
    assert gge.gross_grant_equivalent(terms, gge.reference_rate(base, low)) <= gge.gross_grant_equivalent(
        terms, gge.reference_rate(base, high)
    )


def test_a_zero_rate_bullet_of_one_year_saves_the_discount():
    # 100,000 € repaid in one annual instalment at 0%, reference rate 5%: PV = 100,000 / 1.05.
    terms = LoanTerms(Decimal("100000"), Decimal("0"), 12, frequency_months=12)
    assert gge.gross_grant_equivalent(terms, Decimal("5")) == Decimal("4761.90")


def test_the_margin_table_and_the_base_rate_in_force():
    assert gge.margin_bp(RatingCategory.STRONG, Collateral.HIGH) == 60
    assert gge.margin_bp(RatingCategory.SATISFACTORY, Collateral.NORMAL) == 220
    assert gge.margin_bp(RatingCategory.BAD, Collateral.LOW) == 1000
    rate = gge.base_rate_on(date(2025, 9, 1))
    assert rate.rate_percent == Decimal("2.21") and rate.source_url.startswith("https://")
    assert gge.base_rate_on(date(2025, 1, 1)).rate_percent == Decimal("3.45")
    result = gge.loan_gge(
        LoanTerms(Decimal("200000"), Decimal("0.5"), 60, frequency_months=6),
        granted_on=date(2025, 9, 1),
        rating=RatingCategory.SATISFACTORY,
        collateral=Collateral.NORMAL,
    )
    assert result.reference_rate_percent == Decimal("4.41")
    assert Decimal("15000") < result.gge < Decimal("25000")


def test_unknown_rating_or_old_dates_are_refused():
    with pytest.raises(GgeError):
        gge.margin_bp("excellent", Collateral.HIGH)
    with pytest.raises(GgeError):
        gge.base_rate_on(date(2000, 1, 1))

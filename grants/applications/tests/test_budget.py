"""Budget arithmetic (pure): unit costs, flat rates, caps, funding split; never negative, to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.applications.budget import (
    FLAT_RATE,
    REAL,
    UNIT_COST,
    BudgetInputError,
    CategoryRule,
    LineAmount,
    aid_intensity,
    compute_budget,
    funding_split,
    line_amount,
)
from grants.applications.rules import ApplicationFacts, CallTerms, category_caps, cofinancing_and_intensity
from grants.core.money import CENT, percent_of

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000000"), places=2)
quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)

STAFF = CategoryRule(code="personale", title="Personale", cost_option=REAL)
TRAVEL = CategoryRule(code="viaggi", title="Viaggi", cost_option=REAL)
HOURS = CategoryRule(code="ore", title="Ore di formazione", cost_option=UNIT_COST, unit_rate=Decimal("47.33"))


def flat(percent, base=("personale",)):
    return CategoryRule(
        code="indiretti",
        title="Costi indiretti",
        cost_option=FLAT_RATE,
        flat_rate_percent=percent,
        flat_rate_base=base,
    )


def is_cents(value: Decimal) -> bool:
    return value == value.quantize(CENT) and value.as_tuple().exponent == -2


def test_real_cost_is_the_amount_rounded_to_the_cent():
    assert line_amount(STAFF, amount=Decimal("1000.005")) == Decimal("1000.01")


def test_unit_cost_is_quantity_times_rate():
    assert line_amount(HOURS, quantity=Decimal("10")) == Decimal("473.30")


@pytest.mark.parametrize(
    ("category", "kwargs", "field"),
    [
        (STAFF, {"amount": Decimal("-1")}, "amount"),
        (STAFF, {}, "amount"),
        (STAFF, {"amount": 1.5}, "amount"),
        (HOURS, {"quantity": Decimal("-0.01")}, "quantity"),
        (HOURS, {}, "quantity"),
        (flat(Decimal("15")), {"amount": Decimal("10")}, "category"),
    ],
)
def test_lines_that_cannot_be_computed_say_which_field(category, kwargs, field):
    with pytest.raises(BudgetInputError) as caught:
        line_amount(category, **kwargs)
    assert caught.value.field == field


@given(quantity=quantities, rate=money)
def test_unit_cost_is_rounded_and_never_negative(quantity, rate):
    category = CategoryRule(code="u", title="U", cost_option=UNIT_COST, unit_rate=rate)
    amount = line_amount(category, quantity=quantity)
    assert amount >= 0
    assert is_cents(amount)
    assert abs(amount - quantity * rate) <= Decimal("0.005")


@given(staff=money, travel=money, percent=percents)
def test_flat_rate_is_a_percentage_of_its_base_only(staff, travel, percent):
    categories = (STAFF, TRAVEL, flat(percent))
    result = compute_budget(categories, [LineAmount("personale", staff), LineAmount("viaggi", travel)])
    assert result.flat_rate_amounts["indiretti"] == percent_of(staff, percent)
    assert result.category_totals["indiretti"] >= 0
    assert is_cents(result.total)
    assert result.total == staff + travel + percent_of(staff, percent)


def test_flat_rate_with_empty_base_is_on_every_other_category():
    categories = (STAFF, TRAVEL, flat(Decimal("10"), base=()))
    result = compute_budget(
        categories, [LineAmount("personale", Decimal("1000")), LineAmount("viaggi", Decimal("500"))]
    )
    assert result.flat_rate_amounts["indiretti"] == Decimal("150.00")
    assert result.total == Decimal("1650.00")


@given(lines=st.lists(st.tuples(st.sampled_from(["personale", "viaggi"]), money), max_size=20))
def test_total_is_the_sum_of_the_lines(lines):
    result = compute_budget((STAFF, TRAVEL), [LineAmount(code, amount) for code, amount in lines])
    assert result.total == sum((amount for _code, amount in lines), Decimal("0.00"))
    assert is_cents(result.total)


@given(total=money, max_intensity=percents, min_cofinancing=percents)
def test_funding_split_adds_up_and_always_passes_the_call_limits(total, max_intensity, min_cofinancing):
    grant, cofinancing = funding_split(
        total, max_aid_intensity=max_intensity, min_cofinancing=min_cofinancing
    )
    assert grant >= 0
    assert cofinancing >= 0
    assert grant + cofinancing == total
    assert is_cents(grant)
    assert is_cents(cofinancing)
    terms = CallTerms(max_aid_intensity=max_intensity, min_cofinancing=min_cofinancing)
    facts = ApplicationFacts(total_cost=total, requested_grant=grant, cofinancing=cofinancing)
    assert cofinancing_and_intensity(terms, facts) == []


def test_funding_split_uses_the_stricter_of_intensity_and_cofinancing():
    assert funding_split(Decimal("1000"), max_aid_intensity=Decimal("80"), min_cofinancing=Decimal("30")) == (
        Decimal("700.00"),
        Decimal("300.00"),
    )
    assert funding_split(Decimal("1000"), max_aid_intensity=Decimal("60"), min_cofinancing=Decimal("10")) == (
        Decimal("600.00"),
        Decimal("400.00"),
    )


@given(staff=money, travel=money, cap=percents)
def test_a_cap_is_flagged_exactly_when_the_category_passes_it(staff, travel, cap):
    capped = CategoryRule(code="viaggi", title="Viaggi", cost_option=REAL, cap_percent=cap)
    terms = CallTerms(categories=(STAFF, capped))
    facts = ApplicationFacts(lines=(LineAmount("personale", staff), LineAmount("viaggi", travel)))
    flagged = category_caps(terms, facts)
    assert bool(flagged) == (travel > percent_of(staff + travel, cap))


def test_aid_intensity():
    assert aid_intensity(Decimal("200000"), Decimal("160000")) == Decimal("80.00")
    assert aid_intensity(Decimal("0"), Decimal("0")) == Decimal("0.00")

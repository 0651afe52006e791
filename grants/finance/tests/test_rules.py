"""Pure money rules of the finance context: loan schedules, payment ceilings, claim amounts."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grants.applications.budget import FLAT_RATE, REAL, UNIT_COST, BudgetInputError, CategoryRule
from grants.core.money import CENT, ZERO, percent_of, round_money
from grants.finance import amortisation, ceilings, costs
from grants.finance.amortisation import LoanTerms, LoanTermsError
from grants.finance.ceilings import CeilingError, PlanTerms, ProjectMoney
from grants.finance.states import PaymentKind

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("5000000"), places=2)
positive_money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2)


def is_cents(value: Decimal) -> bool:
    return value == value.quantize(CENT) and value.as_tuple().exponent == -2


# --- French amortisation ---------------------------------------------------------------------------------
def test_a_known_schedule_matches_the_textbook_instalment():
    # 10,000 € at 6% a year over 12 monthly instalments: 860.66 € each (French amortisation tables).
    rows = amortisation.schedule(LoanTerms(Decimal("10000"), Decimal("6"), 12))
    assert [r.amount for r in rows[:-1]] == [Decimal("860.66")] * 11
    assert rows[0].interest == Decimal("50.00") and rows[0].principal == Decimal("810.66")
    assert sum(r.principal for r in rows) == Decimal("10000.00")
    assert rows[-1].outstanding_after == ZERO


def test_pre_amortisation_charges_interest_only_and_dates_follow_the_frequency():
    terms = LoanTerms(Decimal("12000"), Decimal("2"), 36, pre_amortisation_months=12, frequency_months=6)
    rows = amortisation.schedule(terms, first_due=date(2026, 1, 31))
    assert len(rows) == 6
    assert [r.is_pre_amortisation for r in rows] == [True, True, False, False, False, False]
    assert rows[0].principal == ZERO and rows[0].interest == Decimal("120.00")
    assert [r.due_date for r in rows[:3]] == [date(2026, 1, 31), date(2026, 7, 31), date(2027, 1, 31)]


def test_zero_rate_splits_the_principal_evenly_and_the_last_takes_the_residue():
    rows = amortisation.schedule(LoanTerms(Decimal("100"), Decimal("0"), 3))
    assert [r.amount for r in rows] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        (LoanTerms(Decimal("0"), Decimal("1"), 12), "principal"),
        (LoanTerms(Decimal("100"), Decimal("-1"), 12), "annual_rate_percent"),
        (LoanTerms(Decimal("100"), Decimal("1"), 12, frequency_months=5), "frequency_months"),
        (LoanTerms(Decimal("100"), Decimal("1"), 10, frequency_months=3), "term_months"),
        (LoanTerms(Decimal("100"), Decimal("1"), 12, pre_amortisation_months=12), "pre_amortisation_months"),
    ],
)
def test_impossible_terms_name_the_field(terms, field):
    with pytest.raises(LoanTermsError) as caught:
        amortisation.schedule(terms)
    assert caught.value.field == field


@given(
    principal=positive_money,
    rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("15"), places=3),
    frequency=st.sampled_from(amortisation.FREQUENCIES),
    periods=st.integers(min_value=1, max_value=40),
    pre_periods=st.integers(min_value=0, max_value=8),
)
def test_schedules_sum_to_principal_plus_interest(principal, rate, frequency, periods, pre_periods):
    terms = LoanTerms(
        principal,
        rate,
        (periods + pre_periods) * frequency,
        pre_amortisation_months=pre_periods * frequency,
        frequency_months=frequency,
    )
    rows = amortisation.schedule(terms)
    assert sum((r.principal for r in rows), ZERO) == principal
    assert amortisation.total_due(rows) == principal + amortisation.total_interest(rows)
    assert rows[-1].outstanding_after == ZERO
    assert all(r.principal >= 0 and r.interest >= 0 and is_cents(r.amount) for r in rows)
    # Level instalments: every amortising instalment but the last is the same amount (for a principal of
    # a few cents spread over many periods the instalment rounds to nothing and the last repays it all).
    if principal >= 100:
        level = {r.amount for r in rows[:-1] if not r.is_pre_amortisation}
        assert len(level) <= 1


# --- payment ceilings ------------------------------------------------------------------------------------
PLAN = PlanTerms(Decimal("30"), (Decimal("40"), Decimal("70")), Decimal("10"))


def standing(**kwargs) -> ProjectMoney:
    values = {
        "grant": Decimal("80000"),
        "eligible_cost": Decimal("100000"),
        "admitted": ZERO,
        "committed": ZERO,
    }
    values.update(kwargs)
    return ProjectMoney(**values)


def test_the_advance_is_its_percent_of_the_grant_once():
    assert ceilings.payable(PaymentKind.ADVANCE, PLAN, standing()) == Decimal("24000.00")
    taken = standing(committed=Decimal("24000"), advance_taken=True)
    assert ceilings.payable(PaymentKind.ADVANCE, PLAN, taken) == ZERO
    assert "già" in ceilings.why_not(PaymentKind.ADVANCE, PLAN, taken)


def test_an_interim_payment_waits_for_the_threshold():
    below = standing(admitted=Decimal("39000"), committed=Decimal("24000"), advance_taken=True)
    assert ceilings.payable(PaymentKind.INTERIM, PLAN, below) == ZERO
    assert "soglia" in ceilings.why_not(PaymentKind.INTERIM, PLAN, below)
    # 50,000 € admitted × 80% grant rate = 40,000 € recognised = 50% of the grant: first threshold reached.
    reached = standing(admitted=Decimal("50000"), committed=Decimal("24000"), advance_taken=True)
    assert ceilings.payable(PaymentKind.INTERIM, PLAN, reached) == Decimal("16000.00")
    second = standing(
        admitted=Decimal("50000"), committed=Decimal("40000"), advance_taken=True, interim_count=1
    )
    assert ceilings.payable(PaymentKind.INTERIM, PLAN, second) == ZERO


def test_interim_payments_keep_the_retention_and_the_balance_releases_it():
    everything = standing(admitted=Decimal("100000"), committed=Decimal("24000"), advance_taken=True)
    assert ceilings.payable(PaymentKind.INTERIM, PLAN, everything) == Decimal("48000.00")  # 72,000 − 24,000
    before_final = standing(admitted=Decimal("100000"), committed=Decimal("72000"), interim_count=2)
    assert ceilings.payable(PaymentKind.BALANCE, PLAN, before_final) == ZERO
    assert "finale" in ceilings.why_not(PaymentKind.BALANCE, PLAN, before_final)
    final = standing(
        admitted=Decimal("100000"), committed=Decimal("72000"), interim_count=2, final_report_checked=True
    )
    assert ceilings.payable(PaymentKind.BALANCE, PLAN, final) == Decimal("8000.00")


def test_check_payment_refuses_above_the_ceiling_and_non_positive_amounts():
    with pytest.raises(CeilingError) as caught:
        ceilings.check_payment(PaymentKind.ADVANCE, Decimal("24000.01"), PLAN, standing())
    assert caught.value.code == "above_ceiling"
    with pytest.raises(CeilingError) as caught:
        ceilings.check_payment(PaymentKind.ADVANCE, Decimal("0"), PLAN, standing())
    assert caught.value.code == "not_positive"
    assert ceilings.check_payment(PaymentKind.ADVANCE, Decimal("100.004"), PLAN, standing()) == Decimal(
        "100.00"
    )


@given(
    grant=positive_money,
    cost_extra=money,
    admitted_fraction=st.decimals(min_value=Decimal("0"), max_value=Decimal("1.5"), places=3),
    advance=percents,
    retention=percents,
    thresholds=st.lists(percents, max_size=3).map(lambda values: tuple(sorted(values))),
    steps=st.lists(st.sampled_from(list(PaymentKind)), max_size=8),
    final=st.booleans(),
)
def test_payments_never_exceed_the_grant_or_the_admitted_expenditure(
    grant, cost_extra, admitted_fraction, advance, retention, thresholds, steps, final
):
    """Whatever sequence of payments is made at the payable amount, the total stays within the grant, and
    beyond the advance it stays within the contribution recognised on the admitted expenditure."""
    eligible = grant + cost_extra
    admitted = (eligible * admitted_fraction).quantize(CENT)
    plan = PlanTerms(advance, thresholds, retention)
    committed, advance_taken, interim_count, balance_taken = ZERO, False, 0, False
    for kind in steps:
        state = ProjectMoney(
            grant, eligible, admitted, committed, advance_taken, interim_count, balance_taken, final
        )
        amount = ceilings.payable(kind, plan, state)
        assert amount >= 0 and is_cents(amount)
        if amount == 0:
            with pytest.raises(CeilingError):
                ceilings.check_payment(kind, amount, plan, state)
            continue
        committed += ceilings.check_payment(kind, amount, plan, state)
        advance_taken |= kind == PaymentKind.ADVANCE
        interim_count += kind == PaymentKind.INTERIM
        balance_taken |= kind == PaymentKind.BALANCE
        assert committed <= grant
        recognised = ceilings.recognised_contribution(state)
        advance_amount = percent_of(grant, advance) if advance_taken else ZERO
        assert committed <= max(recognised, advance_amount)


# --- claim amounts: unit costs and flat rates ------------------------------------------------------------
STAFF = CategoryRule(code="personale", title="Personale", cost_option=REAL)
TRAVEL = CategoryRule(code="viaggi", title="Viaggi", cost_option=REAL)
HOURS = CategoryRule(code="ore", title="Ore di formazione", cost_option=UNIT_COST, unit_rate=Decimal("47.33"))
INDIRECT = CategoryRule(
    code="indiretti",
    title="Costi indiretti",
    cost_option=FLAT_RATE,
    flat_rate_percent=Decimal("15"),
    flat_rate_base=("personale",),
)


def test_vat_is_claimable_only_when_eligible():
    assert costs.max_claimable(taxable=Decimal("1000"), vat=Decimal("220"), vat_eligible=False) == Decimal(
        "1000.00"
    )
    assert costs.max_claimable(taxable=Decimal("1000"), vat=Decimal("220"), vat_eligible=True) == Decimal(
        "1220.00"
    )


def test_unit_costs_are_quantity_times_rate_and_only_for_unit_cost_categories():
    assert costs.unit_cost_amount(HOURS, Decimal("10")) == Decimal("473.30")
    with pytest.raises(BudgetInputError):
        costs.unit_cost_amount(STAFF, Decimal("10"))


def test_flat_rates_follow_the_admitted_base_per_partner():
    lines = [
        costs.ClaimLine("capofila", "personale", Decimal("10000"), Decimal("8000")),
        costs.ClaimLine("capofila", "viaggi", Decimal("500"), Decimal("500")),
        costs.ClaimLine("partner", "personale", Decimal("2000"), Decimal("2000")),
    ]
    totals = costs.claim_totals([STAFF, TRAVEL, INDIRECT], lines)
    assert totals[("capofila", "indiretti")] == costs.Totals(Decimal("1500.00"), Decimal("1200.00"))
    assert totals[("partner", "indiretti")] == costs.Totals(Decimal("300.00"), Decimal("300.00"))
    assert costs.grand_total(totals) == costs.Totals(Decimal("14300.00"), Decimal("12000.00"))


@given(
    staff=st.lists(st.tuples(money, st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2))),
    travel=money,
    percent=percents,
    quantity=quantities,
)
def test_flat_rates_and_unit_costs_always_recompute_from_their_base(staff, travel, percent, quantity):
    indirect = CategoryRule(
        code="indiretti",
        title="Costi indiretti",
        cost_option=FLAT_RATE,
        flat_rate_percent=percent,
        flat_rate_base=("personale",),
    )
    hours = costs.unit_cost_amount(HOURS, quantity)
    assert hours == round_money(quantity * HOURS.unit_rate)
    lines = [costs.ClaimLine("p", "personale", a, (a * f).quantize(CENT)) for a, f in staff]
    lines += [costs.ClaimLine("p", "viaggi", travel, travel), costs.ClaimLine("p", "ore", hours, hours)]
    totals = costs.claim_totals([STAFF, TRAVEL, HOURS, indirect], lines)
    claimed_base = sum((line.claimed for line in lines if line.category == "personale"), ZERO)
    admitted_base = sum((line.admitted for line in lines if line.category == "personale"), ZERO)
    flat = totals.get(("p", "indiretti"), costs.Totals())
    assert flat.claimed == percent_of(claimed_base, percent)
    assert flat.admitted == percent_of(admitted_base, percent)
    assert flat.admitted <= flat.claimed
    assume(hours > 0)
    assert totals[("p", "ore")].claimed == hours

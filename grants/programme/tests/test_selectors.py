from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants.core.timeutils import now
from grants.programme import selectors
from grants.programme.models import Call, CallStatus
from grants.programme.tests.factories import (
    CallFactory,
    CallPhaseFactory,
    CallReserveFactory,
    CostCategoryFactory,
    CriterionFactory,
    MeasureFactory,
    MeasurePhaseFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offset_hours=st.integers(min_value=-2000, max_value=2000),
    status=st.sampled_from(CallStatus.values),
)
def test_phase_status_in_the_query_matches_the_model(offset_hours, status):
    Call.objects.all().delete()
    call = CallFactory(status=status)
    moment = call.opens_at + timedelta(hours=offset_hours)
    annotated = selectors.with_phase_status(Call.objects.filter(pk=call.pk), moment).get()
    assert annotated.phase == call.status_at(moment)
    if status != CallStatus.DRAFT:
        phase = call.status_at(moment)
        assert selectors.filter_by_phase_status(Call.objects.all(), phase, moment).get() == call


def test_programme_overview_totals_and_counts():
    measure = MeasureFactory(budget=Decimal("6400000.00"))
    programme = measure.programme
    MeasureFactory(fund=measure.fund, budget=Decimal("3600000.00"))
    CallFactory(measure=measure)
    CallFactory(measure=measure, status=CallStatus.DRAFT)
    overview = selectors.programme_overview(programme.code, user=AnonymousUser())
    assert overview.total_budget == Decimal("10000000.00")
    assert overview.budget_by_fund == {measure.fund.code: Decimal("10000000.00")}
    first = next(m for m in overview.measures if m.pk == measure.pk)
    assert (first.call_count, first.open_call_count) == (1, 1)


def test_unknown_codes_raise_404():
    with pytest.raises(Http404):
        selectors.get_programme("nessuno")
    with pytest.raises(Http404):
        selectors.call_detail("nessuno")


def test_measure_detail_has_phases_and_public_calls():
    measure = MeasureFactory(fund__programme__code="wecare")
    MeasurePhaseFactory(measure=measure)
    public = CallFactory(measure=measure)
    CallFactory(measure=measure, status=CallStatus.DRAFT)
    detail = selectors.measure_detail(measure.code, programme="wecare", user=AnonymousUser())
    assert [c.pk for c in detail.public_calls] == [public.pk]
    assert detail.public_calls[0].phase == "open"
    assert len(detail.phases.all()) == 1


def test_call_detail_prefetches_every_rule(django_assert_max_num_queries):
    call = CallFactory(is_two_phase=True)
    CallPhaseFactory(call=call, closes_at=call.opens_at + timedelta(days=1))
    CallPhaseFactory(call=call, opens_at=call.opens_at + timedelta(days=2))
    CallReserveFactory.create_batch(3, call=call, amount=Decimal(1))
    CostCategoryFactory.create_batch(4, call=call)
    for letter in "AB":
        macro = CriterionFactory(call=call, code=letter, max_points=Decimal(10))
        CriterionFactory(call=call, code=f"{letter}1", parent=macro, max_points=Decimal(4))
        CriterionFactory(call=call, code=f"{letter}2", parent=macro, max_points=Decimal(6))
    RequiredDocumentFactory.create_batch(3, call=call)
    with django_assert_max_num_queries(9):
        detail = selectors.call_detail(call.code)
        tree = detail.criteria_tree
        touched = [
            [p.title for p in detail.phases.all()],
            [(r.province, r.district) for r in detail.reserves.all()],
            [c.title for c in detail.cost_categories.all()],
            [d.title for d in detail.required_documents.all()],
            detail.measure.programme.region.name,
            detail.measure.fund.code,
        ]
    assert [c.code for c in tree] == ["A", "B"]
    assert [c.code for c in tree[0].subcriteria] == ["A1", "A2"]
    assert selectors.criteria_total(tree) == Decimal(20)
    assert len(touched[1]) == 3


def test_call_list_filters():
    measure = MeasureFactory()
    open_call = CallFactory(measure=measure)
    upcoming = CallFactory(measure=measure, opens_at=now() + timedelta(days=3))
    CallFactory(status=CallStatus.DRAFT, measure=measure)
    listed = selectors.call_list(user=AnonymousUser(), measure=measure.code)
    assert [c.pk for c in listed] == [upcoming.pk, open_call.pk]
    assert [c.pk for c in selectors.call_list(status="open")] == [open_call.pk]
    assert [c.pk for c in selectors.call_list(mode="first_come")] == []


def test_call_list_several_statuses_keeps_any_of_them():
    measure = MeasureFactory()
    moment = now()
    open_call = CallFactory(measure=measure)
    closed = CallFactory(
        measure=measure, opens_at=moment - timedelta(days=30), closes_at=moment - timedelta(days=1)
    )
    ranked = CallFactory(measure=measure, status=CallStatus.RANKING_APPROVED)
    archived = CallFactory(measure=measure, status=CallStatus.ARCHIVED)
    CallFactory(measure=measure, opens_at=moment + timedelta(days=3))
    ended = selectors.call_list(status=selectors.ENDED_PHASE_STATUSES, moment=moment)
    assert {c.pk for c in ended} == {closed.pk, ranked.pk, archived.pk}
    assert [c.pk for c in selectors.call_list(status=["open"], moment=moment)] == [open_call.pk]
    assert selectors.call_list(status=(), moment=moment).count() == 5
    with pytest.raises(ValueError):
        list(selectors.call_list(status=["open", "aperti"]))


def test_default_programme_falls_back_to_the_first_by_code(settings):
    assert selectors.default_programme() is None
    second = MeasureFactory(fund__programme__code="zeta").programme
    first = MeasureFactory(fund__programme__code="alfa").programme
    settings.DEFAULT_PROGRAMME_CODE = "zeta"
    assert selectors.default_programme() == second
    settings.DEFAULT_PROGRAMME_CODE = "nessuno"
    assert selectors.default_programme() == first


def test_programme_overview_lists_open_calls_first_closing_first():
    measure = MeasureFactory()
    other = MeasureFactory(fund=measure.fund)
    moment = now()
    late = CallFactory(measure=measure, closes_at=moment + timedelta(days=40))
    soon = CallFactory(measure=measure, closes_at=moment + timedelta(days=5))
    CallFactory(measure=other, opens_at=moment + timedelta(days=3))
    CallFactory(measure=other, status=CallStatus.DRAFT)
    overview = selectors.programme_overview(measure.programme.code, moment=moment)
    assert [c.pk for c in overview.open_calls] == [soon.pk, late.pk]
    assert overview.open_measure_ids == {measure.pk}
    counts = {m.pk: (m.call_count, m.open_call_count) for m in overview.measures}
    assert counts == {measure.pk: (2, 2), other.pk: (1, 0)}


def test_criteria_total_leaves_bonus_points_out():
    call = CallFactory()
    CriterionFactory(call=call, code="A", max_points=Decimal(60))
    CriterionFactory(call=call, code="B", max_points=Decimal(40))
    CriterionFactory(call=call, code="P", max_points=Decimal(5), is_bonus=True)
    tree = selectors.call_detail(call.code).criteria_tree
    assert [c.code for c in tree] == ["A", "B", "P"]
    assert selectors.criteria_total(tree) == Decimal(100)

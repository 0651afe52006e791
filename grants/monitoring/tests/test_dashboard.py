"""The dashboards' finance summary: certified expenditure with the finance context's arithmetic (flat rates
from the admitted base), kept fresh by the receivers, and money by any dimension adding up to the total."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.finance.models import ExpenseClaim, ExpenseItem, Payment
from grants.finance.states import ClaimStatus, PaymentKind, PaymentStatus
from grants.monitoring import dashboard
from grants.monitoring.models import ProjectFinanceSummary
from grants.territory.tests.factories import CohesionDistrictFactory

from . import factories as f

pytestmark = pytest.mark.django_db


def _item(claim, code, claimed, admitted):
    project = claim.project
    partner = project.partners.get(role="partner" if code == "attrezzature" else "lead")
    return ExpenseItem.objects.create(
        claim=claim,
        partner=partner,
        category=project.call.cost_categories.get(code=code),
        description=code,
        document_type="invoice",
        amount_claimed=Decimal(claimed),
        admitted_amount=Decimal(admitted),
    )


def test_the_summary_follows_payments_claims_and_items(django_capture_on_commit_callbacks):
    project = f.fse_project()
    user = f.member(project)
    with django_capture_on_commit_callbacks(execute=True):
        checked = ExpenseClaim.objects.create(
            project=project, number=1, status=ClaimStatus.CHECKED, created_by=user
        )
        _item(checked, "personale", "1000.00", "800.00")
        _item(checked, "attrezzature", "500.00", "500.00")
        sent = ExpenseClaim.objects.create(
            project=project, number=2, status=ClaimStatus.SUBMITTED, created_by=user
        )
        _item(sent, "personale", "300.00", "0.00")
        draft = ExpenseClaim.objects.create(
            project=project, number=3, status=ClaimStatus.DRAFT, created_by=user
        )
        _item(draft, "personale", "999.00", "0.00")
        Payment.objects.create(
            project=project,
            kind=PaymentKind.ADVANCE,
            status=PaymentStatus.PAID,
            amount=Decimal("5000.00"),
            proposed_by=user,
        )
    summary = ProjectFinanceSummary.objects.get(pk=project.pk)
    assert summary.granted == Decimal("71200.00")
    assert summary.paid == Decimal("5000.00")
    # certified: 800 + 500 + 15% of the admitted staff costs (120); claimed: every sent claim, flat rates too
    assert summary.certified == Decimal("1420.00")
    assert summary.claimed == Decimal("1000.00") + Decimal("500.00") + Decimal("150.00") + Decimal("345.00")
    assert summary.measure_id == project.call.measure_id and summary.status == "active"


def test_money_by_any_dimension_adds_up_to_the_total():
    first = f.fse_project()
    f.ProjectFactory(grant=Decimal("50000.00"))
    dashboard.refresh_summaries()
    expected = sum(ProjectFinanceSummary.objects.values_list("granted", flat=True))
    for per in dashboard.DIMENSIONS:
        rows, total = dashboard.money_by(dashboard.Filters(per=per))
        assert total.granted == expected == sum(r.granted for r in rows), per
        assert total.projects == 2
    rows, total = dashboard.money_by(dashboard.Filters(measure=first.call.measure_id))
    assert total.granted == Decimal("71200.00") and total.budget == first.call.measure.budget


def _queries_of_build(filters) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard.build(filters, include_sensitive=True)
    return len(queries)


def _located_project():
    """A project of its own programme, fund, measure and call, intervening in its own province and
    Distretto: one more row in every breakdown."""
    project = f.fse_project()
    district = CohesionDistrictFactory()
    project.application.provinces.add(district.provinces.get())
    project.application.districts.add(district)
    return project


def _queries_of_page(client, per) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/monitoraggio/?per={per}").status_code == 200
    return len(queries)


def test_a_dashboard_costs_the_same_queries_whatever_the_number_of_rows(
    client, django_assert_max_num_queries
):
    """One aggregate query per breakdown, never one per row (the budgets were read row by row), in the
    reads and in the page that shows them."""
    _located_project()
    dashboard.refresh_summaries()
    client.force_login(f.officer())
    with_one_row = {per: _queries_of_build(dashboard.Filters(per=per)) for per in dashboard.DIMENSIONS}
    page_with_one_row = _queries_of_page(client, "call")
    for _ in range(3):
        _located_project()
    dashboard.refresh_summaries()
    for per in dashboard.DIMENSIONS:
        rows, _total = dashboard.money_by(dashboard.Filters(per=per))
        assert len(rows) == 4 and None not in {r.key for r in rows}, per
        with django_assert_max_num_queries(with_one_row[per]):
            data = dashboard.build(dashboard.Filters(per=per), include_sensitive=True)
        assert data.money_total.projects == 4
    with django_assert_max_num_queries(page_with_one_row):
        assert client.get("/monitoraggio/?per=call").status_code == 200


def test_budgets_of_every_breakdown_are_the_plan_of_its_measures():
    first, second = _located_project(), _located_project()
    dashboard.refresh_summaries()
    measures = {p.call.measure for p in (first, second)}
    expected = {
        "programme": {p.call.measure.programme_id: p.call.measure.budget for p in (first, second)},
        "fund": {p.call.measure.fund_id: p.call.measure.budget for p in (first, second)},
        "measure": {m.pk: m.budget for m in measures},
        "call": {p.call_id: p.call.budget for p in (first, second)},
    }
    for per, budgets in expected.items():
        rows, total = dashboard.money_by(dashboard.Filters(per=per))
        assert {r.key: r.budget for r in rows} == budgets, per
        assert total.budget == sum(budgets.values()), per
    for per in ("province", "district"):
        rows, total = dashboard.money_by(dashboard.Filters(per=per))
        assert [r.budget for r in rows] == [None, None] and total.budget is None, per


def test_the_summaries_are_rebuilt_every_night_by_a_registered_task():
    from config.celery import app as celery_app
    from grants.monitoring import tasks

    celery_app.loader.import_default_modules()
    entries = [
        e for e in celery_app.conf.beat_schedule.values() if e["task"] == tasks.rebuild_finance_summaries.name
    ]
    assert len(entries) == 1 and entries[0]["task"] in celery_app.tasks
    schedule = entries[0]["schedule"]
    assert schedule.hour == {1} and schedule.minute == {30} and schedule.day_of_week == set(range(7))
    assert celery_app.conf.timezone == "Europe/Rome"
    project = f.fse_project()
    ProjectFinanceSummary.objects.all().delete()
    assert tasks.rebuild_finance_summaries.delay().get() == 1
    assert ProjectFinanceSummary.objects.get(pk=project.pk).granted == project.grant

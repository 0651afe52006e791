"""The dashboards' finance summary: certified expenditure with the finance context's arithmetic (flat rates
from the admitted base), kept fresh by the receivers, and money by any dimension adding up to the total."""

from decimal import Decimal

import pytest

from grants.finance.models import ExpenseClaim, ExpenseItem, Payment
from grants.finance.states import ClaimStatus, PaymentKind, PaymentStatus
from grants.monitoring import dashboard
from grants.monitoring.models import ProjectFinanceSummary

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

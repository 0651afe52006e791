"""Finance services: each rule refusing and allowing, on real projects built by the projects' factory."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.core.models import AuditEvent
from grants.finance import selectors, services
from grants.finance.models import DuplicateAttempt, ExpenseItem, Payment, Recovery
from grants.finance.services import FinanceError, WrongState
from grants.finance.states import ClaimStatus, PaymentStatus, RecoveryStatus
from grants.notifications.models import Notification
from grants.projects.signals import project_revoked
from grants.projects.states import ProjectStatus

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return f.ProjectFactory()


# --- payments ------------------------------------------------------------------------------------------
def test_the_advance_needs_a_valid_guarantee(project):
    officer = f.officer()
    with pytest.raises(FinanceError) as caught:
        services.propose_payment(actor=officer, project=project, kind="advance")
    assert caught.value.errors[0]["field"] == "guarantee_id"

    expired = f.guarantee(project, expires_in_days=-1)
    with pytest.raises(FinanceError) as caught:
        services.propose_payment(actor=officer, project=project, kind="advance", guarantee=expired)
    assert caught.value.code == "guarantee_expired"

    valid = f.guarantee(project)
    payment = services.propose_payment(actor=officer, project=project, kind="advance", guarantee=valid)
    assert payment.amount == Decimal("21360.00")  # 30% of 71.200 €
    assert payment.status == PaymentStatus.PROPOSED


def test_a_guarantee_must_cover_the_advance(project):
    small = f.guarantee(project, amount="1000.00")
    with pytest.raises(FinanceError) as caught:
        services.propose_payment(actor=f.officer(), project=project, kind="advance", guarantee=small)
    assert caught.value.code == "guarantee_insufficient"


def test_the_advance_is_capped_and_paid_once(project):
    f.dedicated_account(project)  # approval pays the dedicated account only
    officer, manager = f.officer(), f.manager()
    guarantee = f.guarantee(project)
    with pytest.raises(FinanceError) as caught:
        services.propose_payment(
            actor=officer, project=project, kind="advance", amount="21360.01", guarantee=guarantee
        )
    assert caught.value.code == "above_ceiling"
    payment = services.propose_payment(actor=officer, project=project, kind="advance", guarantee=guarantee)
    with pytest.raises(FinanceError):
        services.propose_payment(actor=officer, project=project, kind="advance", guarantee=guarantee)

    with pytest.raises(PermissionDenied):
        services.approve_payment(actor=officer, payment=payment)  # no approval right
    payment = services.approve_payment(actor=manager, payment=payment)
    assert payment.status == PaymentStatus.APPROVED
    assert Notification.objects.filter(event="payment_approved", organisation=project.beneficiary).exists()
    with pytest.raises(WrongState):
        services.approve_payment(actor=manager, payment=payment)
    payment = services.mark_paid(actor=officer, payment=payment, paid_on=f.today(), reference="MP-1")
    assert payment.status == PaymentStatus.PAID
    assert selectors.paid_total(project) == Decimal("21360.00")


def test_the_proposer_cannot_approve_their_own_payment(project):
    manager = f.manager()
    payment = services.propose_payment(
        actor=manager, project=project, kind="advance", guarantee=f.guarantee(project)
    )
    with pytest.raises(PermissionDenied):
        services.approve_payment(actor=manager, payment=payment)


def test_a_rejected_proposal_frees_its_amount(project):
    officer, manager = f.officer(), f.manager()
    guarantee = f.guarantee(project)
    payment = services.propose_payment(actor=officer, project=project, kind="advance", guarantee=guarantee)
    with pytest.raises(FinanceError):
        services.reject_payment(actor=manager, payment=payment, reason=" ")
    services.reject_payment(actor=manager, payment=payment, reason="Importo da rivedere")
    again = services.propose_payment(
        actor=officer, project=project, kind="advance", amount="10000", guarantee=guarantee
    )
    assert again.amount == Decimal("10000.00")


@pytest.mark.parametrize(
    ("options", "reason"),
    [({"cup": ""}, "CUP"), ({"status": ProjectStatus.SUSPENDED}, "sospeso")],
)
def test_nothing_is_paid_without_cup_or_while_suspended(options, reason):
    project = f.ProjectFactory(**options)
    with pytest.raises(WrongState) as caught:
        services.propose_payment(actor=f.officer(), project=project, kind="interim", amount="1")
    assert reason in caught.value.message


def test_an_interim_payment_follows_the_admitted_expenditure(project):
    f.dedicated_account(project)  # approval pays the dedicated account only
    officer, manager = f.officer(), f.manager()
    advance = services.propose_payment(
        actor=officer, project=project, kind="advance", guarantee=f.guarantee(project)
    )
    services.approve_payment(actor=manager, payment=advance)
    # Below the first threshold (40% of the grant): 20.000 € staff + 15% flat rate = 23.000 € admitted,
    # × 80% = 18.400 € recognised < 28.480 €.
    f.checked_claim(project, f.invoice(project, amount="20000.00"))
    with pytest.raises(FinanceError) as caught:
        services.propose_payment(actor=officer, project=project, kind="interim")
    assert "soglia" in caught.value.message
    # Another 20.000 €: 46.000 € admitted × 80% = 36.800 € recognised; minus the advance 21.360 €.
    f.checked_claim(project, f.invoice(project, amount="20000.00"))
    interim = services.propose_payment(actor=officer, project=project, kind="interim")
    assert interim.amount == Decimal("15440.00")
    assert interim.claim is not None


def test_an_open_recovery_blocks_payments(project):
    f.dedicated_account(project)  # approval pays the dedicated account only
    officer, manager = f.officer(), f.manager()
    advance = services.propose_payment(
        actor=officer, project=project, kind="advance", guarantee=f.guarantee(project)
    )
    services.approve_payment(actor=manager, payment=advance)
    services.mark_paid(actor=officer, payment=advance, paid_on=f.today(), reference="MP-1")

    project_revoked.send(
        sender=type(project), project=project, new_grant=Decimal("20000.00"), reason="Parziale"
    )
    recovery = Recovery.objects.get(project=project)
    assert recovery.amount == Decimal("1360.00")
    assert recovery.status == RecoveryStatus.OPEN
    with pytest.raises(WrongState) as caught:
        services.propose_payment(actor=officer, project=project, kind="interim", amount="1")
    assert "recupero" in caught.value.message

    with pytest.raises(FinanceError):
        services.record_recovered(actor=officer, recovery=recovery, amount="1360.01")
    recovery = services.record_recovered(actor=officer, recovery=recovery, amount="360")
    assert recovery.status == RecoveryStatus.PARTLY_RECOVERED
    recovery = services.record_recovered(actor=officer, recovery=recovery, amount="1000")
    assert recovery.status == RecoveryStatus.RECOVERED
    assert selectors.payment_blocker(project) == ""


def test_a_revocation_within_what_was_paid_opens_no_recovery(project):
    project_revoked.send(
        sender=type(project), project=project, new_grant=Decimal("50000.00"), reason="Parziale"
    )
    assert not Recovery.objects.filter(project=project).exists()


# --- claims ----------------------------------------------------------------------------------------------
def test_an_item_is_validated_field_by_field(project):
    user = f.beneficiary_user(project)
    claim = services.create_claim(actor=user, project=project)
    cases = [
        ({"supplier_tax_id": "01234567890"}, "supplier_tax_id"),
        ({"amount_claimed": Decimal("1000.01")}, "amount_claimed"),
        ({"payment_date": f.today() - timedelta(days=20)}, "payment_date"),
        ({"document_date": f.today() + timedelta(days=1)}, "document_date"),
        ({"category": f.category(project, "indiretti")}, "category_id"),
        ({"document_number": " "}, "document_number"),
    ]
    for overrides, field in cases:
        with pytest.raises(FinanceError) as caught:
            services.add_item(actor=user, claim=claim, data=f.invoice(project, **overrides))
        assert caught.value.errors[0]["field"] == field, overrides
    eligible_vat = f.invoice(project, amount="1000.00", amount_claimed=Decimal("1220.00"), vat_eligible=True)
    assert services.add_item(actor=user, claim=claim, data=eligible_vat).amount_claimed == Decimal("1220.00")


def test_the_same_invoice_is_never_claimed_twice_in_any_project(project):
    user = f.beneficiary_user(project)
    claim = services.create_claim(actor=user, project=project)
    services.add_item(actor=user, claim=claim, data=f.invoice(project, number="FT 7/2026"))
    with pytest.raises(FinanceError) as caught:
        services.add_item(actor=user, claim=claim, data=f.invoice(project, number="ft  7/2026"))
    assert caught.value.code == "document_already_claimed"

    other = f.ProjectFactory()
    other_user = f.beneficiary_user(other)
    other_claim = services.create_claim(actor=other_user, project=other)
    same = f.invoice(other, number="FT 7/2026", supplier_tax_id="IT" + f.SUPPLIER_VAT_NUMBERS[0])
    with pytest.raises(FinanceError) as caught:
        services.add_item(actor=other_user, claim=other_claim, data=same)
    assert "altro progetto" in caught.value.message
    assert DuplicateAttempt.objects.filter(claim=other_claim, document_number="FT 7/2026").exists()
    # A different supplier with the same number is another document.
    services.add_item(
        actor=other_user,
        claim=other_claim,
        data=f.invoice(other, number="FT 7/2026", supplier_tax_id=f.SUPPLIER_VAT_NUMBERS[1]),
    )


def test_unit_costs_are_quantity_times_rate_with_evidence():
    from grants.programme.tests.factories import CostCategoryFactory
    from grants.projects.models import ProjectBudgetLine

    project = f.ProjectFactory()
    hours = CostCategoryFactory(
        call=project.call,
        code="ore",
        title="Ore di formazione",
        cost_option="unit_cost",
        unit_rate=Decimal("47.33"),
    )
    ProjectBudgetLine.objects.create(
        project=project,
        category=hours,
        cost_option="unit_cost",
        unit_rate=hours.unit_rate,
        approved_amount=Decimal("4733"),
    )
    user = f.beneficiary_user(project)
    claim = services.create_claim(actor=user, project=project)
    data = services.ItemInput(
        partner=f.lead(project),
        category=hours,
        description="Formazione",
        document_type="timesheet",
        quantity="10",
    )
    with pytest.raises(FinanceError) as caught:
        services.add_item(actor=user, claim=claim, data=data)
    assert caught.value.errors[0]["field"] == "quantity_evidence"
    data = services.ItemInput(
        partner=f.lead(project),
        category=hours,
        description="Formazione",
        document_type="timesheet",
        quantity="10",
        quantity_evidence="Registro presenze marzo",
        amount_claimed=Decimal("999999"),  # never typed: ignored
    )
    item = services.add_item(actor=user, claim=claim, data=data)
    assert item.amount_claimed == Decimal("473.30")


def test_submission_needs_items_and_attachments(project):
    user = f.beneficiary_user(project)
    claim = services.create_claim(actor=user, project=project)
    with pytest.raises(FinanceError) as caught:
        services.submit_claim(actor=user, claim=claim)
    assert caught.value.code == "empty"
    item = services.add_item(actor=user, claim=claim, data=f.invoice(project))
    with pytest.raises(FinanceError) as caught:
        services.submit_claim(actor=user, claim=claim)
    assert caught.value.code == "attachments_missing"
    with pytest.raises(FinanceError) as caught:
        services.attach_to_item(
            actor=user,
            item=item,
            uploaded_file=SimpleUploadedFile("fattura.pdf", b"MZ\x90\x00", "application/pdf"),
        )
    assert caught.value.errors[0]["field"] == "file"
    services.attach_to_item(actor=user, item=item, uploaded_file=f.pdf())
    claim = services.submit_claim(actor=user, claim=claim)
    # 1.000 € staff + 15% flat rate computed from it.
    assert claim.claimed_total == Decimal("1150.00")
    assert claim.status == ClaimStatus.SUBMITTED
    with pytest.raises(WrongState):
        services.add_item(actor=user, claim=claim, data=f.invoice(project))


def test_another_organisation_cannot_write_the_claim(project):
    stranger = f.beneficiary_user(f.ProjectFactory())
    with pytest.raises(PermissionDenied):
        services.create_claim(actor=stranger, project=project)


def test_first_level_control_cuts_with_reasons_and_drives_the_admitted_amount(project):
    officer, controller = f.officer(), f.controller()
    claim = f.claim_with(
        project,
        f.invoice(project, amount="10000.00"),
        f.invoice(project, code="attrezzature", amount="2000.00"),
    )
    staff_item, equipment_item = ExpenseItem.objects.filter(claim=claim).order_by("pk")
    with pytest.raises(PermissionDenied):
        services.check_item(actor=controller, item=staff_item, outcome="admitted")  # not assigned yet
    with pytest.raises(FinanceError):
        services.assign_controller(actor=officer, claim=claim, controller=f.officer())  # not a controller
    services.assign_controller(actor=officer, claim=claim, controller=controller)
    with pytest.raises(PermissionDenied):
        services.check_item(actor=f.controller(), item=staff_item, outcome="admitted")  # someone else's

    with pytest.raises(FinanceError) as caught:
        services.check_item(
            actor=controller, item=staff_item, outcome="partly_admitted", admitted_amount="8000"
        )
    assert caught.value.errors[0]["field"] == "reason"
    with pytest.raises(FinanceError):
        services.check_item(
            actor=controller, item=staff_item, outcome="partly_admitted", admitted_amount="10000", reason="x"
        )
    services.check_item(
        actor=controller,
        item=staff_item,
        outcome="partly_admitted",
        admitted_amount="8000",
        reason="Ore non documentate",
    )
    with pytest.raises(FinanceError) as caught:
        services.close_check(actor=controller, claim=claim)
    assert caught.value.code == "items_pending"
    services.check_item(actor=controller, item=equipment_item, outcome="not_admitted", reason="Fuori periodo")
    with pytest.raises(FinanceError) as caught:
        services.close_check(actor=controller, claim=claim)
    assert caught.value.code == "checklist_incomplete"
    services.save_checklist(
        actor=controller, claim=claim, answers={a.code: (True, "") for a in claim.checklist.all()}
    )
    claim = services.close_check(actor=controller, claim=claim, outcome_note="Tagli motivati")
    # 8.000 € staff + 15% flat rate recomputed on the admitted base (1.200 €); equipment not admitted.
    assert claim.admitted_total == Decimal("9200.00")
    assert claim.status == ClaimStatus.CHECKED
    assert selectors.admitted_expenditure(project) == Decimal("9200.00")
    assert Notification.objects.filter(event="claim_checked").exists()

    user = f.beneficiary_user(project)
    claim = services.submit_counter_arguments(
        actor=user, claim=claim, text="Le ore sono nel registro", per_item={staff_item.pk: "Allego registro"}
    )
    with pytest.raises(WrongState):
        services.submit_counter_arguments(actor=user, claim=claim, text="Ancora")
    services.check_item(actor=controller, item=staff_item, outcome="admitted")
    claim = services.finalise_claim(actor=controller, claim=claim, final_note="Registro verificato")
    assert claim.status == ClaimStatus.FINAL
    assert claim.admitted_total == Decimal("11500.00")


def test_sampling_must_be_documented(project):
    claim = f.claim_with(project, f.invoice(project))
    controller = f.controller()
    services.assign_controller(actor=f.officer(), claim=claim, controller=controller)
    item = claim.items.get()
    with pytest.raises(FinanceError) as caught:
        services.check_item(actor=controller, item=item, outcome="not_sampled")
    assert caught.value.code == "no_sample"
    services.save_checklist(
        actor=controller, claim=claim, answers={}, sample_note="Estrazione casuale del 20%"
    )
    item = services.check_item(actor=controller, item=item, outcome="not_sampled")
    assert item.admitted_amount == item.amount_claimed and not item.in_sample


def test_the_balance_needs_the_final_report_and_releases_the_retention():
    project = f.ProjectFactory()
    f.dedicated_account(project)  # approval pays the dedicated account only
    officer, manager = f.officer(), f.manager()
    f.checked_claim(
        project,
        f.invoice(project, amount="60000.00"),
        f.invoice(project, code="attrezzature", amount="20000.00"),
    )
    interim = services.propose_payment(actor=officer, project=project, kind="interim")
    assert interim.amount == Decimal("64080.00")  # grant 71.200 − 10% retention
    services.approve_payment(actor=manager, payment=interim)
    with pytest.raises(FinanceError):
        services.propose_payment(actor=officer, project=project, kind="balance")
    f.checked_claim(project, f.invoice(project, code="attrezzature", amount="10.00"), is_final=True)
    balance = services.propose_payment(actor=officer, project=project, kind="balance")
    assert balance.amount == Decimal("7120.00")
    assert selectors.project_money(project).committed == project.grant


# --- loans -------------------------------------------------------------------------------------------------
def test_a_loan_stores_its_schedule_and_flags_arrears(project):
    officer = f.officer()
    with pytest.raises(FinanceError) as caught:
        services.record_loan(
            actor=officer,
            project=project,
            principal="10000",
            annual_rate_percent="1",
            term_months=10,
            pre_amortisation_months=0,
            frequency_months=3,
            first_due_date=f.today(),
        )
    assert caught.value.errors[0]["field"] == "term_months"
    loan = services.record_loan(
        actor=officer,
        project=project,
        principal="12000",
        annual_rate_percent="0.5",
        term_months=24,
        pre_amortisation_months=6,
        frequency_months=6,
        first_due_date=f.today() - timedelta(days=100),
    )
    instalments = list(loan.instalments.all())
    assert len(instalments) == 4 and instalments[0].is_pre_amortisation
    assert sum(i.principal for i in instalments) == Decimal("12000.00")
    arrears = selectors.instalments_in_arrears(loan)
    assert [i.number for i in arrears] == [1]
    services.record_repayment(actor=officer, loan=loan, paid_on=f.today(), amount=instalments[0].amount)
    assert not selectors.instalments_in_arrears(loan).exists()
    with pytest.raises(FinanceError) as caught:
        services.record_repayment(actor=officer, loan=loan, paid_on=f.today(), amount="999999")
    assert caught.value.code == "above_debt"


def test_payment_plan_validation():
    officer = f.officer()
    project = f.ProjectFactory()
    with pytest.raises(FinanceError) as caught:
        services.save_payment_plan(
            actor=officer,
            call=project.call,
            advance_percent="30",
            guarantee_required=False,
            interim_thresholds=["70", "40"],
            retention_percent="10",
        )
    assert caught.value.errors[0]["field"] == "interim_thresholds"
    plan = services.save_payment_plan(
        actor=officer,
        call=project.call,
        advance_percent="20",
        guarantee_required=False,
        interim_thresholds=["50"],
        retention_percent="5",
    )
    assert plan.terms.interim_thresholds == (Decimal("50"),)
    payment = services.propose_payment(actor=officer, project=project, kind="advance")  # no guarantee needed
    assert payment.amount == Decimal("14240.00")
    assert AuditEvent.objects.filter(action="payment.proposed", object_id=str(payment.pk)).exists()
    assert Payment.objects.filter(project=project).count() == 1


def test_a_partial_revocation_by_the_projects_service_opens_the_recovery(
    project, django_capture_on_commit_callbacks
):
    from grants.projects import services as project_services
    from grants.projects.tests.factories import project_officer

    f.dedicated_account(project)  # approval pays the dedicated account only

    officer, manager = f.officer(), f.manager()
    advance = services.propose_payment(
        actor=officer, project=project, kind="advance", guarantee=f.guarantee(project)
    )
    services.approve_payment(actor=manager, payment=advance)
    services.mark_paid(actor=officer, payment=advance, paid_on=f.today(), reference="MP-1")
    with django_capture_on_commit_callbacks(execute=True):
        project_services.revoke(
            actor=project_officer(), project=project, new_grant=Decimal("20000.00"), reason="Attività ridotte"
        )
    recovery = Recovery.objects.get(project=project)
    assert recovery.amount == Decimal("1360.00") and recovery.new_grant == Decimal("20000.00")
    project.refresh_from_db()
    assert "recupero" in selectors.payment_blocker(project)

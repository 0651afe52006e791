"""A project's money: the call's payment plan, payments, guarantees, recoveries and loans."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Status

from grants.finance import permissions, selectors, services
from grants.finance.models import (
    Guarantee,
    Loan,
    Payment,
    Recovery,
    plan_for,
)
from grants.programme.models import Call
from grants.programme.permissions import is_call_staff
from grants.projects.models import Project

from ..problems import problem_response
from . import router
from .common import project_for, readable
from .schemas import (
    AmountIn,
    FinanceReportOut,
    GuaranteeIn,
    GuaranteeOut,
    LoanIn,
    LoanOut,
    PaidIn,
    PaymentIn,
    PaymentOut,
    PlanIn,
    PlanOut,
    ProjectFinanceOut,
    RecoveryOut,
    RejectionIn,
    RepaymentIn,
)


def _payment_out(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "project_id": payment.project_id,
        "kind": payment.kind,
        "status": payment.status,
        "amount": payment.amount,
        "guarantee_id": payment.guarantee_id,
        "claim_id": payment.claim_id,
        "note": payment.note,
        "approved_at": payment.approved_at,
        "paid_on": payment.paid_on,
        "payment_reference": payment.payment_reference,
        "rejection_reason": payment.rejection_reason,
        "cup": payment.cup,
        "cig": payment.cig,
        "causale": payment.causale,
        "iban": payment.iban,
        "account_holder": payment.account_holder,
        "exported_at": payment.exported_at,
    }


def _project_out(project: Project) -> dict:
    money = selectors.project_money(project)
    today = selectors.today()
    return {
        "project_id": project.pk,
        "cup": project.cup,
        "grant": project.grant,
        "eligible_cost": project.total_eligible_cost,
        "admitted": money.admitted,
        "committed": money.committed,
        "paid": selectors.paid_total(project),
        "blocked_reason": selectors.payment_blocker(project),
        "payable": [vars(row) for row in selectors.payable_now(project)],
        "payments": [_payment_out(p) for p in project.payments.all()],
        "guarantees": [
            {
                "id": g.pk,
                "issuer": g.issuer,
                "number": g.number,
                "amount": g.amount,
                "issued_on": g.issued_on,
                "expires_on": g.expires_on,
                "expired": g.expires_on < today,
            }
            for g in project.guarantees.all()
        ],
        "recoveries": [
            {
                "id": r.pk,
                "amount": r.amount,
                "recovered_amount": r.recovered_amount,
                "status": r.status,
                "reason": r.reason,
            }
            for r in project.recoveries.all()
        ],
    }


def _loan_out(loan: Loan) -> dict:
    arrears = set(selectors.instalments_in_arrears(loan).values_list("pk", flat=True))
    instalments = list(loan.instalments.all())
    return {
        "id": loan.pk,
        "project_id": loan.project_id,
        "principal": loan.principal,
        "annual_rate_percent": loan.annual_rate_percent,
        "rating_category": loan.rating_category,
        "collateral_level": loan.collateral_level,
        "base_rate_percent": loan.base_rate_percent,
        "reference_rate_percent": loan.reference_rate_percent,
        "gross_grant_equivalent": loan.gross_grant_equivalent,
        "term_months": loan.term_months,
        "pre_amortisation_months": loan.pre_amortisation_months,
        "frequency_months": loan.frequency_months,
        "total_interest": sum((i.interest for i in instalments), Decimal("0.00")),
        "arrears": sum((i.remaining for i in instalments if i.pk in arrears), Decimal("0.00")),
        "instalments": [
            {
                "number": i.number,
                "due_date": i.due_date,
                "is_pre_amortisation": i.is_pre_amortisation,
                "principal": i.principal,
                "interest": i.interest,
                "amount": i.amount,
                "outstanding_after": i.outstanding_after,
                "paid_amount": i.paid_amount,
                "in_arrears": i.pk in arrears,
            }
            for i in instalments
        ],
    }


def _plan_out(call: Call) -> dict:
    plan = plan_for(call)
    return {
        "call_id": call.pk,
        "advance_percent": plan.advance_percent,
        "guarantee_required": plan.guarantee_required,
        "interim_thresholds": list(plan.terms.interim_thresholds),
        "retention_percent": plan.retention_percent,
        "is_default": plan.pk is None,
    }


# --- payment plans ------------------------------------------------------------------------------------------
@router.get("/finance/calls/{call_id}/payment-plan", response=PlanOut)
def get_payment_plan(request, call_id: int):
    if not permissions.can_view_all_finance(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    call = Call.objects.filter(pk=call_id).first()
    if call is None or not is_call_staff(request.auth, call):  # a call one does not work on: as a missing one
        raise Http404
    return _plan_out(call)


@router.put("/finance/calls/{call_id}/payment-plan", response=PlanOut)
def put_payment_plan(request, call_id: int, payload: PlanIn):
    if not permissions.can_configure_payment_plan(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    call = Call.objects.filter(pk=call_id).first()
    if call is None or not is_call_staff(request.auth, call):  # a call one does not work on: as a missing one
        raise Http404
    services.save_payment_plan(
        actor=request.auth,
        call=call,
        advance_percent=payload.advance_percent,
        guarantee_required=payload.guarantee_required,
        interim_thresholds=[str(v) for v in payload.interim_thresholds],
        retention_percent=payload.retention_percent,
    )
    return _plan_out(call)


# --- a project's money --------------------------------------------------------------------------------------
@router.get("/finance/projects/{project_id}", response=ProjectFinanceOut)
def get_project_finance(request, project_id: int):
    return _project_out(project_for(request, project_id))


@router.get("/finance/projects/{project_id}/report", response=FinanceReportOut)
def get_project_report(request, project_id: int):
    report = selectors.project_report(project_for(request, project_id))
    return {
        "project_id": project_id,
        "rows": [vars(r) for r in report.rows],
        "total": vars(report.totals),
        "paid": report.paid,
        "committed": report.committed,
    }


@router.post("/finance/projects/{project_id}/payments", response={201: PaymentOut})
def propose_payment(request, project_id: int, payload: PaymentIn):
    project = project_for(request, project_id)
    guarantee = None
    if payload.guarantee_id is not None:
        guarantee = Guarantee.objects.filter(pk=payload.guarantee_id, project=project).first()
        if guarantee is None:
            return problem_response(
                422,
                detail="Fideiussione non trovata per questo progetto.",
                errors=[{"field": "guarantee_id", "message": "Fideiussione non trovata.", "code": "invalid"}],
            )
    result = services.propose_payment(
        actor=request.auth,
        project=project,
        kind=payload.kind,
        amount=payload.amount,
        guarantee=guarantee,
        note=payload.note,
        cig=payload.cig,
        causale=payload.causale,
    )
    return Status(201, _payment_out(result))


def _payment(request, payment_id: int) -> Payment:
    return readable(Payment, request, payment_id, lambda p: p.project)


@router.post("/finance/payments/{payment_id}/approve", response=PaymentOut)
def approve_payment(request, payment_id: int):
    payment = _payment(request, payment_id)
    result = services.approve_payment(actor=request.auth, payment=payment)
    return _payment_out(result)


@router.post("/finance/payments/{payment_id}/reject", response=PaymentOut)
def reject_payment(request, payment_id: int, payload: RejectionIn):
    payment = _payment(request, payment_id)
    result = services.reject_payment(actor=request.auth, payment=payment, reason=payload.reason)
    return _payment_out(result)


@router.post("/finance/payments/{payment_id}/paid", response=PaymentOut)
def mark_payment_paid(request, payment_id: int, payload: PaidIn):
    payment = _payment(request, payment_id)
    result = services.mark_paid(
        actor=request.auth, payment=payment, paid_on=payload.paid_on, reference=payload.reference
    )
    return _payment_out(result)


@router.post("/finance/projects/{project_id}/guarantees", response={201: GuaranteeOut})
def record_guarantee(request, project_id: int, payload: GuaranteeIn):
    project = project_for(request, project_id)
    result = services.record_guarantee(actor=request.auth, project=project, **payload.dict())
    return Status(
        201,
        {
            **{k: getattr(result, k) for k in ("issuer", "number", "amount", "issued_on", "expires_on")},
            "id": result.pk,
            "expired": result.expires_on < selectors.today(),
        },
    )


@router.post("/finance/recoveries/{recovery_id}/recovered", response=RecoveryOut)
def record_recovered(request, recovery_id: int, payload: AmountIn):
    recovery = readable(Recovery, request, recovery_id, lambda r: r.project)
    result = services.record_recovered(actor=request.auth, recovery=recovery, amount=payload.amount)
    return {k: getattr(result, k) for k in ("amount", "recovered_amount", "status", "reason")} | {
        "id": result.pk
    }


# --- loans --------------------------------------------------------------------------------------------------
@router.get("/finance/projects/{project_id}/loan", response=LoanOut)
def get_loan(request, project_id: int):
    project = project_for(request, project_id)
    loan = Loan.objects.filter(project=project).first()
    if loan is None:
        raise Http404
    return _loan_out(loan)


@router.post("/finance/projects/{project_id}/loan", response={201: LoanOut})
def record_loan(request, project_id: int, payload: LoanIn):
    project = project_for(request, project_id)
    result = services.record_loan(actor=request.auth, project=project, **payload.dict())
    return Status(201, _loan_out(result))


@router.post("/finance/loans/{loan_id}/repayments", response={201: LoanOut})
def record_repayment(request, loan_id: int, payload: RepaymentIn):
    loan = readable(Loan, request, loan_id, lambda loan: loan.project)
    services.record_repayment(actor=request.auth, loan=loan, **payload.dict())
    return Status(201, _loan_out(loan))

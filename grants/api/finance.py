"""API endpoints of the finance context (thin: input shapes here, rules in grants.finance.services).

A project's money and claims are visible to the beneficiary's members and to finance staff; a controller
reaches only the claims assigned to them. To anyone else the object does not exist (404). Staff actions
without the permission answer 403; rule refusals 422 with field-level ``errors``, wrong states 409.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.finance import permissions, selectors, services
from grants.finance.models import (
    ExpenseClaim,
    ExpenseItem,
    Guarantee,
    Loan,
    Payment,
    Recovery,
    plan_for,
)
from grants.finance.services import FinanceError, ItemInput
from grants.finance.states import ClaimStatus
from grants.programme.models import Call
from grants.projects.models import Project

from .auth import API_AUTH
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response

router = Router(tags=["finance"], auth=API_AUTH)


# --- shapes -------------------------------------------------------------------------------------------------
class PayableOut(Schema):
    kind: str
    label: str
    amount: Decimal
    reason: str


class PaymentOut(Schema):
    id: int
    project_id: int
    kind: str
    status: str
    amount: Decimal
    guarantee_id: int | None
    claim_id: int | None
    note: str
    approved_at: datetime | None
    paid_on: date | None
    payment_reference: str
    rejection_reason: str


class GuaranteeOut(Schema):
    id: int
    issuer: str
    number: str
    amount: Decimal
    issued_on: date
    expires_on: date
    expired: bool


class RecoveryOut(Schema):
    id: int
    amount: Decimal
    recovered_amount: Decimal
    status: str
    reason: str


class ProjectFinanceOut(Schema):
    project_id: int
    cup: str
    grant: Decimal
    eligible_cost: Decimal
    admitted: Decimal
    committed: Decimal
    paid: Decimal
    blocked_reason: str
    payable: list[PayableOut]
    payments: list[PaymentOut]
    guarantees: list[GuaranteeOut]
    recoveries: list[RecoveryOut]


class FinanceReportRowOut(Schema):
    partner: str
    category: str
    budget: Decimal
    claimed: Decimal
    admitted: Decimal


class FinanceReportOut(Schema):
    project_id: int
    rows: list[FinanceReportRowOut]
    total: FinanceReportRowOut
    paid: Decimal
    committed: Decimal


class PaymentIn(Schema):
    kind: str
    amount: Decimal | None = None
    guarantee_id: int | None = None
    note: str = ""


class RejectionIn(Schema):
    reason: str


class PaidIn(Schema):
    paid_on: date
    reference: str


class GuaranteeIn(Schema):
    issuer: str
    number: str
    amount: Decimal
    issued_on: date
    expires_on: date


class PlanIn(Schema):
    advance_percent: Decimal
    guarantee_required: bool
    interim_thresholds: list[Decimal]
    retention_percent: Decimal


class PlanOut(Schema):
    call_id: int
    advance_percent: Decimal
    guarantee_required: bool
    interim_thresholds: list[Decimal]
    retention_percent: Decimal
    is_default: bool


class LoanIn(Schema):
    principal: Decimal
    annual_rate_percent: Decimal
    term_months: int
    pre_amortisation_months: int = 0
    frequency_months: int = 6
    first_due_date: date


class InstalmentOut(Schema):
    number: int
    due_date: date
    is_pre_amortisation: bool
    principal: Decimal
    interest: Decimal
    amount: Decimal
    outstanding_after: Decimal
    paid_amount: Decimal
    in_arrears: bool


class LoanOut(Schema):
    id: int
    project_id: int
    principal: Decimal
    annual_rate_percent: Decimal
    term_months: int
    pre_amortisation_months: int
    frequency_months: int
    total_interest: Decimal
    arrears: Decimal
    instalments: list[InstalmentOut]


class RepaymentIn(Schema):
    paid_on: date
    amount: Decimal
    reference: str = ""


class AmountIn(Schema):
    amount: Decimal


class ClaimIn(Schema):
    is_final: bool = False
    period_end: date | None = None


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ItemOut(Schema):
    id: int
    partner_id: int
    partner: str
    category: str
    description: str
    document_type: str
    document_number: str
    document_date: date | None
    supplier_name: str
    supplier_tax_id: str
    taxable_amount: Decimal
    vat_amount: Decimal
    vat_eligible: bool
    quantity: Decimal | None
    quantity_evidence: str
    amount_claimed: Decimal
    payment_date: date | None
    payment_method: str
    outcome: str
    admitted_quantity: Decimal | None
    admitted_amount: Decimal
    control_reason: str
    counter_argument: str
    attachments: list[AttachmentOut]


class ClaimChecklistRowOut(Schema):
    code: str
    question: str
    satisfied: bool | None
    note: str


class DuplicateOut(Schema):
    supplier_tax_id: str
    document_number: str
    document_date: date
    attempted_at: datetime


class ClaimOut(Schema):
    id: int
    project_id: int
    number: int
    is_final: bool
    status: str
    submitted_at: datetime | None
    controller_id: int | None
    claimed_total: Decimal
    admitted_total: Decimal
    sample_note: str
    outcome_note: str
    counter_arguments: str
    final_note: str
    items: list[ItemOut]
    checklist: list[ClaimChecklistRowOut]
    duplicate_attempts: list[DuplicateOut]


class ItemIn(Schema):
    partner_id: int
    category_id: int
    description: str
    document_type: str
    document_number: str = ""
    document_date: date | None = None
    supplier_name: str = ""
    supplier_tax_id: str = ""
    taxable_amount: Decimal = Decimal(0)
    vat_amount: Decimal = Decimal(0)
    vat_eligible: bool = False
    amount_claimed: Decimal | None = None
    quantity: Decimal | None = None
    quantity_evidence: str = ""
    payment_date: date | None = None
    payment_method: str = ""


class ControllerIn(Schema):
    controller_id: int


class CheckIn(Schema):
    outcome: str
    admitted_amount: Decimal | None = None
    admitted_quantity: Decimal | None = None
    reason: str = ""


class ChecklistAnswerIn(Schema):
    code: str
    satisfied: bool | None = None
    note: str = ""


class ClaimChecklistIn(Schema):
    answers: list[ChecklistAnswerIn] = []
    sample_note: str = ""


class CloseIn(Schema):
    outcome_note: str = ""


class CounterArgumentsIn(Schema):
    text: str = ""
    items: dict[int, str] = {}


class FinaliseIn(Schema):
    final_note: str


# --- helpers ------------------------------------------------------------------------------------------------
def _run(action):
    """Call a service: its result, or the problem response of its refusal."""
    try:
        return action()
    except PermissionDenied as exc:
        return problem_response(403, detail=str(exc) or "Operazione non consentita.")
    except FinanceError as exc:
        return problem_response(exc.status, detail=exc.message, errors=exc.errors, code=exc.code)


def _is_response(value) -> bool:
    return hasattr(value, "status_code")


def _project(request, project_id: int) -> Project:
    project = Project.objects.select_related("call", "beneficiary").filter(pk=project_id).first()
    if project is None or not permissions.can_read_project_finance(request.auth, project):
        raise Http404
    return project


def _claim(request, claim_id: int) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_related("project", "project__call").filter(pk=claim_id).first()
    if claim is None or not permissions.can_read_claim(request.auth, claim):
        raise Http404
    return claim


def _item(request, item_id: int) -> ExpenseItem:
    item = (
        ExpenseItem.objects.select_related("claim", "claim__project", "category").filter(pk=item_id).first()
    )
    if item is None or not permissions.can_read_claim(request.auth, item.claim):
        raise Http404
    return item


def _readable(model, request, pk: int, project_of):
    obj = model.objects.filter(pk=pk).first()
    if obj is None or not permissions.can_read_project_finance(request.auth, project_of(obj)):
        raise Http404
    return obj


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


def _item_out(item: ExpenseItem) -> dict:
    return {
        "id": item.pk,
        "partner_id": item.partner_id,
        "partner": item.partner.name,
        "category": item.category.code,
        "description": item.description,
        "document_type": item.document_type,
        "document_number": item.document_number,
        "document_date": item.document_date,
        "supplier_name": item.supplier_name,
        "supplier_tax_id": item.supplier_tax_id,
        "taxable_amount": item.taxable_amount,
        "vat_amount": item.vat_amount,
        "vat_eligible": item.vat_eligible,
        "quantity": item.quantity,
        "quantity_evidence": item.quantity_evidence,
        "amount_claimed": item.amount_claimed,
        "payment_date": item.payment_date,
        "payment_method": item.payment_method,
        "outcome": item.outcome,
        "admitted_quantity": item.admitted_quantity,
        "admitted_amount": item.admitted_amount,
        "control_reason": item.control_reason,
        "counter_argument": item.counter_argument,
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in item.attachments.all()
        ],
    }


def _claim_out(request, claim: ExpenseClaim) -> dict:
    claim.refresh_from_db()
    # Refused attempts to claim a document twice are for the control, not for the beneficiary.
    staff_view = permissions.can_view_all_finance(request.auth) or permissions.is_assigned_controller(
        request.auth, claim
    )
    return {
        "id": claim.pk,
        "project_id": claim.project_id,
        "number": claim.number,
        "is_final": claim.is_final,
        "status": claim.status,
        "submitted_at": claim.submitted_at,
        "controller_id": claim.controller_id,
        "claimed_total": claim.claimed_total,
        "admitted_total": claim.admitted_total,
        "sample_note": claim.sample_note,
        "outcome_note": claim.outcome_note,
        "counter_arguments": claim.counter_arguments,
        "final_note": claim.final_note,
        "items": [
            _item_out(i)
            for i in claim.items.select_related("partner", "category").prefetch_related("attachments")
        ],
        "checklist": [
            {"code": c.code, "question": c.question, "satisfied": c.satisfied, "note": c.note}
            for c in claim.checklist.all()
        ],
        "duplicate_attempts": [
            {
                "supplier_tax_id": d.supplier_tax_id,
                "document_number": d.document_number,
                "document_date": d.document_date,
                "attempted_at": d.created_at,
            }
            for d in claim.duplicate_attempts.all()
        ]
        if staff_view
        else [],
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
        return problem_response(403, detail="Operazione non consentita.")
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404
    return _plan_out(call)


@router.put("/finance/calls/{call_id}/payment-plan", response=PlanOut)
def put_payment_plan(request, call_id: int, payload: PlanIn):
    if not permissions.can_configure_payment_plan(request.auth):
        return problem_response(403, detail="Operazione non consentita.")
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404
    result = _run(
        lambda: services.save_payment_plan(
            actor=request.auth,
            call=call,
            advance_percent=payload.advance_percent,
            guarantee_required=payload.guarantee_required,
            interim_thresholds=[str(v) for v in payload.interim_thresholds],
            retention_percent=payload.retention_percent,
        )
    )
    return result if _is_response(result) else _plan_out(call)


# --- a project's money --------------------------------------------------------------------------------------
@router.get("/finance/projects/{project_id}", response=ProjectFinanceOut)
def get_project_finance(request, project_id: int):
    return _project_out(_project(request, project_id))


@router.get("/finance/projects/{project_id}/report", response=FinanceReportOut)
def get_project_report(request, project_id: int):
    report = selectors.project_report(_project(request, project_id))
    return {
        "project_id": project_id,
        "rows": [vars(r) for r in report.rows],
        "total": vars(report.totals),
        "paid": report.paid,
        "committed": report.committed,
    }


@router.post("/finance/projects/{project_id}/payments", response={201: PaymentOut})
def propose_payment(request, project_id: int, payload: PaymentIn):
    project = _project(request, project_id)
    guarantee = None
    if payload.guarantee_id is not None:
        guarantee = Guarantee.objects.filter(pk=payload.guarantee_id, project=project).first()
        if guarantee is None:
            return problem_response(
                422,
                detail="Fideiussione non trovata per questo progetto.",
                errors=[{"field": "guarantee_id", "message": "Fideiussione non trovata.", "code": "invalid"}],
            )
    result = _run(
        lambda: services.propose_payment(
            actor=request.auth,
            project=project,
            kind=payload.kind,
            amount=payload.amount,
            guarantee=guarantee,
            note=payload.note,
        )
    )
    return result if _is_response(result) else Status(201, _payment_out(result))


def _payment(request, payment_id: int) -> Payment:
    return _readable(Payment, request, payment_id, lambda p: p.project)


@router.post("/finance/payments/{payment_id}/approve", response=PaymentOut)
def approve_payment(request, payment_id: int):
    payment = _payment(request, payment_id)
    result = _run(lambda: services.approve_payment(actor=request.auth, payment=payment))
    return result if _is_response(result) else _payment_out(result)


@router.post("/finance/payments/{payment_id}/reject", response=PaymentOut)
def reject_payment(request, payment_id: int, payload: RejectionIn):
    payment = _payment(request, payment_id)
    result = _run(lambda: services.reject_payment(actor=request.auth, payment=payment, reason=payload.reason))
    return result if _is_response(result) else _payment_out(result)


@router.post("/finance/payments/{payment_id}/paid", response=PaymentOut)
def mark_payment_paid(request, payment_id: int, payload: PaidIn):
    payment = _payment(request, payment_id)
    result = _run(
        lambda: services.mark_paid(
            actor=request.auth, payment=payment, paid_on=payload.paid_on, reference=payload.reference
        )
    )
    return result if _is_response(result) else _payment_out(result)


@router.post("/finance/projects/{project_id}/guarantees", response={201: GuaranteeOut})
def record_guarantee(request, project_id: int, payload: GuaranteeIn):
    project = _project(request, project_id)
    result = _run(lambda: services.record_guarantee(actor=request.auth, project=project, **payload.dict()))
    if _is_response(result):
        return result
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
    recovery = _readable(Recovery, request, recovery_id, lambda r: r.project)
    result = _run(
        lambda: services.record_recovered(actor=request.auth, recovery=recovery, amount=payload.amount)
    )
    if _is_response(result):
        return result
    return {k: getattr(result, k) for k in ("amount", "recovered_amount", "status", "reason")} | {
        "id": result.pk
    }


# --- loans --------------------------------------------------------------------------------------------------
@router.get("/finance/projects/{project_id}/loan", response=LoanOut)
def get_loan(request, project_id: int):
    project = _project(request, project_id)
    loan = Loan.objects.filter(project=project).first()
    if loan is None:
        raise Http404
    return _loan_out(loan)


@router.post("/finance/projects/{project_id}/loan", response={201: LoanOut})
def record_loan(request, project_id: int, payload: LoanIn):
    project = _project(request, project_id)
    result = _run(lambda: services.record_loan(actor=request.auth, project=project, **payload.dict()))
    return result if _is_response(result) else Status(201, _loan_out(result))


@router.post("/finance/loans/{loan_id}/repayments", response={201: LoanOut})
def record_repayment(request, loan_id: int, payload: RepaymentIn):
    loan = _readable(Loan, request, loan_id, lambda loan: loan.project)
    result = _run(lambda: services.record_repayment(actor=request.auth, loan=loan, **payload.dict()))
    return result if _is_response(result) else Status(201, _loan_out(loan))


# --- expense claims -----------------------------------------------------------------------------------------
CLAIM_ORDERING = Ordering("number", number="number", submitted_at="submitted_at")
ASSIGNED_CLAIM_ORDERING = Ordering(
    "submitted_at", submitted_at="submitted_at", project=("project__cup", "number"), status="status"
)
ClaimStatusFilter = Literal[tuple(ClaimStatus.values)]  # type: ignore[valid-type]


class ClaimFilters(Schema):
    status: ClaimStatusFilter | None = None
    is_final: bool | None = Field(None, description="true: solo le rendicontazioni finali")
    ordering: CLAIM_ORDERING.choices = CLAIM_ORDERING.field()


class AssignedClaimFilters(Schema):
    status: ClaimStatusFilter | None = None
    project_id: int | None = None
    call: str | None = Field(None, description="Codice del bando del progetto")
    ordering: ASSIGNED_CLAIM_ORDERING.choices = ASSIGNED_CLAIM_ORDERING.field()


def _claims_page(request, claims, ordering: Ordering, value: str) -> LazyRows:
    return LazyRows(ordering.apply(claims, value), lambda claim: _claim_out(request, claim))


@router.get("/finance/projects/{project_id}/claims", response=list[ClaimOut])
@paginate(Pagination, page_size=20)
def list_claims(request, project_id: int, filters: Query[ClaimFilters]):
    project = _project(request, project_id)
    claims = project.expense_claims.all()
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.is_final is not None:
        claims = claims.filter(is_final=filters.is_final)
    return _claims_page(request, claims, CLAIM_ORDERING, filters.ordering)


@router.post("/finance/projects/{project_id}/claims", response={201: ClaimOut})
def create_claim(request, project_id: int, payload: ClaimIn):
    project = _project(request, project_id)
    result = _run(
        lambda: services.create_claim(
            actor=request.auth, project=project, is_final=payload.is_final, period_end=payload.period_end
        )
    )
    return result if _is_response(result) else Status(201, _claim_out(request, result))


@router.get("/finance/controller/claims", response=list[ClaimOut])
@paginate(Pagination, page_size=20)
def my_assigned_claims(request, filters: Query[AssignedClaimFilters]):
    """The claims assigned to the caller for the check, oldest submission first."""
    if not permissions.can_be_controller(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    claims = selectors.assigned_claims(request.auth)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.project_id is not None:
        claims = claims.filter(project_id=filters.project_id)
    if filters.call:
        claims = claims.filter(project__call__code=filters.call)
    return _claims_page(request, claims, ASSIGNED_CLAIM_ORDERING, filters.ordering)


@router.get("/finance/claims/{claim_id}", response=ClaimOut)
def get_claim(request, claim_id: int):
    return _claim_out(request, _claim(request, claim_id))


def _field_problem(field: str, message: str):
    return problem_response(
        422, detail=message, errors=[{"field": field, "message": message, "code": "invalid"}]
    )


@router.post("/finance/claims/{claim_id}/items", response={201: ItemOut})
def add_claim_item(request, claim_id: int, payload: ItemIn):
    claim = _claim(request, claim_id)
    partner = claim.project.partners.filter(pk=payload.partner_id).first()
    if partner is None:
        return _field_problem("partner_id", "Il soggetto non fa parte del progetto.")
    category = claim.project.call.cost_categories.filter(pk=payload.category_id).first()
    if category is None:
        return _field_problem("category_id", "La voce di spesa non è del bando del progetto.")
    values = payload.dict(exclude={"partner_id", "category_id"})
    result = _run(
        lambda: services.add_item(
            actor=request.auth, claim=claim, data=ItemInput(partner=partner, category=category, **values)
        )
    )
    return result if _is_response(result) else Status(201, _item_out(result))


@router.delete("/finance/items/{item_id}", response={204: None})
def remove_claim_item(request, item_id: int):
    item = _item(request, item_id)
    result = _run(lambda: services.remove_item(actor=request.auth, item=item))
    return result if _is_response(result) else Status(204, None)


@router.post("/finance/items/{item_id}/attachments", response={201: ItemOut})
def attach_to_item(request, item_id: int, file: File[UploadedFile]):
    item = _item(request, item_id)
    result = _run(lambda: services.attach_to_item(actor=request.auth, item=item, uploaded_file=file))
    return result if _is_response(result) else Status(201, _item_out(item))


@router.post("/finance/claims/{claim_id}/submit", response=ClaimOut)
def submit_claim(request, claim_id: int):
    claim = _claim(request, claim_id)
    result = _run(lambda: services.submit_claim(actor=request.auth, claim=claim))
    return result if _is_response(result) else _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/assign", response=ClaimOut)
def assign_claim(request, claim_id: int, payload: ControllerIn):
    claim = _claim(request, claim_id)
    controller = get_user_model().objects.filter(pk=payload.controller_id, is_active=True).first()
    result = _run(lambda: services.assign_controller(actor=request.auth, claim=claim, controller=controller))
    return result if _is_response(result) else _claim_out(request, result)


@router.post("/finance/items/{item_id}/check", response=ItemOut)
def check_claim_item(request, item_id: int, payload: CheckIn):
    item = _item(request, item_id)
    result = _run(lambda: services.check_item(actor=request.auth, item=item, **payload.dict()))
    return result if _is_response(result) else _item_out(result)


@router.put("/finance/claims/{claim_id}/checklist", response=ClaimOut)
def save_claim_checklist(request, claim_id: int, payload: ClaimChecklistIn):
    claim = _claim(request, claim_id)
    answers = {a.code: (a.satisfied, a.note) for a in payload.answers}
    result = _run(
        lambda: services.save_checklist(
            actor=request.auth, claim=claim, answers=answers, sample_note=payload.sample_note
        )
    )
    return result if _is_response(result) else _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/close", response=ClaimOut)
def close_claim_check(request, claim_id: int, payload: CloseIn):
    claim = _claim(request, claim_id)
    result = _run(
        lambda: services.close_check(actor=request.auth, claim=claim, outcome_note=payload.outcome_note)
    )
    return result if _is_response(result) else _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/counter-arguments", response=ClaimOut)
def submit_counter_arguments(request, claim_id: int, payload: CounterArgumentsIn):
    claim = _claim(request, claim_id)
    result = _run(
        lambda: services.submit_counter_arguments(
            actor=request.auth, claim=claim, text=payload.text, per_item=payload.items
        )
    )
    return result if _is_response(result) else _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/finalise", response=ClaimOut)
def finalise_claim(request, claim_id: int, payload: FinaliseIn):
    claim = _claim(request, claim_id)
    result = _run(
        lambda: services.finalise_claim(actor=request.auth, claim=claim, final_note=payload.final_note)
    )
    return result if _is_response(result) else _claim_out(request, result)

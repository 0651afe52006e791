"""Expense claims: the beneficiary's items and attachments, the controller's check and its outcome."""

from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.finance import permissions, selectors, services
from grants.finance.models import (
    ExpenseClaim,
    ExpenseItem,
)
from grants.finance.services import ItemInput
from grants.finance.states import ClaimStatus

from ..pagination import LazyRows, Ordering, Pagination
from ..problems import problem_response
from . import router
from .common import claim_for, item_for, project_for
from .schemas import (
    CheckIn,
    ClaimChecklistIn,
    ClaimIn,
    ClaimOut,
    CloseIn,
    ControllerIn,
    CounterArgumentsIn,
    FinaliseIn,
    ItemIn,
    ItemOut,
)


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
    staff_view = (
        permissions.can_view_all_finance(request.auth, claim.project.call_id)
        or permissions.is_assigned_controller(request.auth, claim)
        or permissions.is_project_controller(request.auth, claim.project_id)
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
    project = project_for(request, project_id)
    claims = selectors.project_claims(request.auth, project)
    if filters.status:
        claims = claims.filter(status=filters.status)
    if filters.is_final is not None:
        claims = claims.filter(is_final=filters.is_final)
    return _claims_page(request, claims, CLAIM_ORDERING, filters.ordering)


@router.post("/finance/projects/{project_id}/claims", response={201: ClaimOut})
def create_claim(request, project_id: int, payload: ClaimIn):
    project = project_for(request, project_id)
    result = services.create_claim(
        actor=request.auth, project=project, is_final=payload.is_final, period_end=payload.period_end
    )
    return Status(201, _claim_out(request, result))


@router.get("/finance/controller/claims", response=list[ClaimOut])
@paginate(Pagination, page_size=20)
def my_assigned_claims(request, filters: Query[AssignedClaimFilters]):
    """The claims the caller controls: the sent claims of the projects they are assigned to and those
    assigned to them one by one, oldest submission first."""
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
    return _claim_out(request, claim_for(request, claim_id))


def _field_problem(field: str, message: str):
    return problem_response(
        422, detail=message, errors=[{"field": field, "message": message, "code": "invalid"}]
    )


@router.post("/finance/claims/{claim_id}/items", response={201: ItemOut})
def add_claim_item(request, claim_id: int, payload: ItemIn):
    claim = claim_for(request, claim_id)
    partner = claim.project.partners.filter(pk=payload.partner_id).first()
    if partner is None:
        return _field_problem("partner_id", "Il soggetto non fa parte del progetto.")
    category = claim.project.call.cost_categories.filter(pk=payload.category_id).first()
    if category is None:
        return _field_problem("category_id", "La voce di spesa non è del bando del progetto.")
    values = payload.dict(exclude={"partner_id", "category_id"})
    result = services.add_item(
        actor=request.auth, claim=claim, data=ItemInput(partner=partner, category=category, **values)
    )
    return Status(201, _item_out(result))


@router.delete("/finance/items/{item_id}", response={204: None})
def remove_claim_item(request, item_id: int):
    item = item_for(request, item_id)
    services.remove_item(actor=request.auth, item=item)
    return Status(204, None)


@router.post("/finance/items/{item_id}/attachments", response={201: ItemOut})
def attach_to_item(request, item_id: int, file: File[UploadedFile]):
    item = item_for(request, item_id)
    services.attach_to_item(actor=request.auth, item=item, uploaded_file=file)
    return Status(201, _item_out(item))


@router.post("/finance/claims/{claim_id}/submit", response=ClaimOut)
def submit_claim(request, claim_id: int):
    claim = claim_for(request, claim_id)
    result = services.submit_claim(actor=request.auth, claim=claim)
    return _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/assign", response=ClaimOut)
def assign_claim(request, claim_id: int, payload: ControllerIn):
    claim = claim_for(request, claim_id)
    controller = get_user_model().objects.filter(pk=payload.controller_id, is_active=True).first()
    result = services.assign_controller(actor=request.auth, claim=claim, controller=controller)
    return _claim_out(request, result)


@router.post("/finance/items/{item_id}/check", response=ItemOut)
def check_claim_item(request, item_id: int, payload: CheckIn):
    item = item_for(request, item_id)
    result = services.check_item(actor=request.auth, item=item, **payload.dict())
    return _item_out(result)


@router.put("/finance/claims/{claim_id}/checklist", response=ClaimOut)
def save_claim_checklist(request, claim_id: int, payload: ClaimChecklistIn):
    claim = claim_for(request, claim_id)
    answers = {a.code: (a.satisfied, a.note) for a in payload.answers}
    result = services.save_checklist(
        actor=request.auth, claim=claim, answers=answers, sample_note=payload.sample_note
    )
    return _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/close", response=ClaimOut)
def close_claim_check(request, claim_id: int, payload: CloseIn):
    claim = claim_for(request, claim_id)
    result = services.close_check(actor=request.auth, claim=claim, outcome_note=payload.outcome_note)
    return _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/counter-arguments", response=ClaimOut)
def submit_counter_arguments(request, claim_id: int, payload: CounterArgumentsIn):
    claim = claim_for(request, claim_id)
    result = services.submit_counter_arguments(
        actor=request.auth, claim=claim, text=payload.text, per_item=payload.items
    )
    return _claim_out(request, result)


@router.post("/finance/claims/{claim_id}/finalise", response=ClaimOut)
def finalise_claim(request, claim_id: int, payload: FinaliseIn):
    claim = claim_for(request, claim_id)
    result = services.finalise_claim(actor=request.auth, claim=claim, final_note=payload.final_note)
    return _claim_out(request, result)

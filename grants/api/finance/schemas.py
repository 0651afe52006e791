"""The finance API's shapes: what its endpoints read and answer."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema


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
    cup: str
    cig: str
    causale: str
    iban: str
    account_holder: str
    exported_at: datetime | None


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
    cig: str = Field("", description="Codice Identificativo Gara, se la spesa ne ha uno (10 caratteri)")
    causale: str = Field("", description="Causale del bonifico (max 140 caratteri); vuota: tipo, CUP e bando")


class OperatorIO(Schema):
    name: str = Field(description="Nome e cognome della persona delegata a operare sul conto")
    fiscal_code: str = Field(description="Codice fiscale della persona (16 caratteri)")


class DedicatedAccountIn(Schema):
    iban: str
    holder: str
    bank_name: str = ""
    operators: list[OperatorIO]


class DedicatedAccountOut(Schema):
    project_id: int
    iban: str
    holder: str
    bank_name: str
    operators: list[OperatorIO]
    updated_at: datetime


# A database id (bigint): anything outside is refused as input (422), never looked up.
PaymentId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class SepaExportIn(Schema):
    payment_ids: list[PaymentId] = Field(
        min_length=1,
        max_length=5000,
        description="Pagamenti approvati da includere nel flusso pain.001.001.03",
    )


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
    # Communication 2008/C 14/02: the margin over the EU base rate that gives the reference rate of the GGE.
    rating_category: Literal["strong", "good", "satisfactory", "weak", "bad"] = "satisfactory"
    collateral_level: Literal["high", "normal", "low"] = "normal"


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
    rating_category: str
    collateral_level: str
    base_rate_percent: Decimal
    reference_rate_percent: Decimal
    gross_grant_equivalent: Decimal
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


class ProjectControllerOut(Schema):
    project_id: int
    user_id: int
    name: str
    email: str
    assigned_at: datetime


class ProjectControllerIn(Schema):
    user_id: int


# --- RNA records -------------------------------------------------------------------------------------------
RnaRecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class RnaRecordOut(Schema):
    id: int
    project_id: int
    call_code: str
    kind: str
    status: str
    car: str
    regime: str
    instrument: str
    beneficiary_fiscal_code: str
    beneficiary_name: str
    cup: str
    nominal_amount: Decimal
    aid_amount: Decimal
    previous_aid_amount: Decimal
    concession_date: date
    act_date: date
    cor: str
    refusal_reason: str


class RnaCorIn(Schema):
    cor: str = Field(..., pattern=r"^\d{1,20}$", description="COR given by the RNA (digits)")
    registered_on: date | None = None


class RnaFilters(Schema):
    call_id: int | None = Field(None, ge=1, le=2**63 - 1)
    status: Literal["to_send", "sent", "registered", "refused"] | None = None

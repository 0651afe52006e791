"""The projects API's shapes: what its endpoints read and answer."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class ProjectPartnerOut(Schema):
    id: int
    name: str
    organisation_id: int | None
    role: str
    budget_share: Decimal
    withdrawn_on: date | None


class ProjectBudgetLineOut(Schema):
    id: int
    category: str
    category_title: str
    partner_id: int | None
    cost_option: str
    requested_amount: Decimal
    approved_amount: Decimal


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: date
    achieved_on: date | None


class PhaseOut(Schema):
    title: str
    planned_start_date: date
    planned_end_date: date
    milestones: list[MilestoneOut]


class VariationItemOut(Schema):
    budget_line_id: int
    previous_amount: Decimal
    new_amount: Decimal


class ChangeOut(Schema):
    id: int
    kind: str
    status: str
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    moved_amount: Decimal | None
    moved_percent: Decimal | None
    previous_end_date: date | None
    new_end_date: date | None
    previous_grant: Decimal | None
    new_grant: Decimal | None
    partner_action: str
    partner_id: int | None
    organisation_id: int | None
    items: list[VariationItemOut]


class ProjectSummaryOut(Schema):
    id: int
    application_id: int
    call: str
    beneficiary_id: int
    beneficiary: str
    cup: str
    title: str
    status: str
    grant: Decimal
    cofinancing: Decimal
    total_eligible_cost: Decimal


class ProjectOut(ProjectSummaryOut):
    summary: str
    original_grant: Decimal
    planned_start_date: date
    planned_end_date: date
    actual_start_date: date | None
    actual_end_date: date | None
    acceptance_deadline: datetime
    accepted_at: datetime | None
    signed_agreement_sha256: str
    can_receive_payments: bool
    payment_block_reason: str
    partners: list[ProjectPartnerOut]
    budget_lines: list[ProjectBudgetLineOut]
    phases: list[PhaseOut]
    changes: list[ChangeOut]


class CupIn(Schema):
    cup: str


class StartIn(Schema):
    start_date: date


class VariationIn(Schema):
    amounts: dict[int, Decimal]
    reason: str


class PartnerChangeIn(Schema):
    action: str
    reason: str
    fiscal_code: str = Field(
        "", max_length=30, description="Codice fiscale dell'organizzazione che entra (come nella pagina)"
    )
    organisation_id: int | None = Field(
        None, description="Solo per un'organizzazione per cui si agisce o già partner; altrimenti fiscal_code"
    )
    partner_id: int | None = None


class ExtensionIn(Schema):
    new_end_date: date
    reason: str


class DecisionIn(Schema):
    approve: bool
    note: str = ""


class MilestoneIn(Schema):
    achieved_on: date


class ReasonIn(Schema):
    reason: str


class RevocationIn(Schema):
    new_grant: Decimal
    reason: str


class ConcludeIn(Schema):
    end_date: date
    reason: str = ""

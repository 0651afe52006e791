"""Output shapes of the programme API: money as strings with two decimals, datetimes in Europe/Rome."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from grants.core.timeutils import in_rome
from grants.programme.models import CallPhaseStatus

from ..pagination import Ordering


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def number(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def rome(value: datetime | None) -> datetime | None:
    return None if value is None else in_rome(value)


# --- schemas ----------------------------------------------------------------------------------------------


class FundOut(Schema):
    programme: str = Field(..., alias="programme.code")
    code: str
    title: str
    title_en: str
    operational_programme: str
    eu_share: str
    national_share: str
    regional_share: str

    @staticmethod
    def resolve_eu_share(obj):
        return number(obj.eu_share)

    @staticmethod
    def resolve_national_share(obj):
        return number(obj.national_share)

    @staticmethod
    def resolve_regional_share(obj):
        return number(obj.regional_share)


class MeasurePhaseOut(Schema):
    title: str
    title_en: str
    start_date: date
    end_date: date


class MeasureOut(Schema):
    programme: str = Field(..., alias="programme.code")
    fund: str = Field(..., alias="fund.code")
    code: str
    title: str
    title_en: str
    objective: str
    objective_en: str
    budget: str
    has_public_calls: bool

    @staticmethod
    def resolve_budget(obj):
        return money(obj.budget)


class CallSummaryOut(Schema):
    id: int = Field(description="Da indicare come call_id in POST /applications (in alternativa a call_code)")
    code: str
    programme: str = Field(..., alias="measure.programme.code")
    measure: str = Field(..., alias="measure.code")
    title: str
    title_en: str
    summary: str
    mode: str
    status: str
    phase_status: str
    opens_at: datetime
    closes_at: datetime
    budget: str
    aid_instrument: str
    state_aid_regime: str
    rna_car: str
    has_indicative_values: bool = Field(
        False, description="Vero se il programma indica come indicativo almeno un valore del bando"
    )
    indicative_fields: list[str] = Field(
        default_factory=list,
        description="Campi il cui valore è indicativo (non tratto dal testo del bando)",
    )

    @staticmethod
    def resolve_has_indicative_values(obj):
        return bool(obj.indicative_fields)

    @staticmethod
    def resolve_phase_status(obj):
        return getattr(obj, "phase", None) or obj.status_at()

    @staticmethod
    def resolve_opens_at(obj):
        return rome(obj.opens_at)

    @staticmethod
    def resolve_closes_at(obj):
        return rome(obj.closes_at)

    @staticmethod
    def resolve_budget(obj):
        return money(obj.budget)


class MeasureDetailOut(MeasureOut):
    phases: list[MeasurePhaseOut]
    calls: list[CallSummaryOut]

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_calls(obj):
        return obj.public_calls


class ProgrammeOut(Schema):
    code: str
    title: str
    title_en: str
    description: str
    region_istat_code: str = Field(..., alias="region.istat_code")
    legal_basis: str
    period_start: date | None
    period_end: date | None
    is_demo: bool
    total_budget: str

    @staticmethod
    def resolve_total_budget(obj):
        return money(obj.budget_total)


class ProgrammeMeasureOut(MeasureOut):
    call_count: int
    open_call_count: int


class ProgrammeDetailOut(ProgrammeOut):
    funds: list[FundOut]
    measures: list[ProgrammeMeasureOut]

    @staticmethod
    def resolve_total_budget(obj):
        return money(obj.overview.total_budget)

    @staticmethod
    def resolve_funds(obj):
        return obj.overview.funds

    @staticmethod
    def resolve_measures(obj):
        return obj.overview.measures


class CallPhaseOut(Schema):
    code: str
    title: str
    title_en: str
    opens_at: datetime
    closes_at: datetime

    @staticmethod
    def resolve_opens_at(obj):
        return rome(obj.opens_at)

    @staticmethod
    def resolve_closes_at(obj):
        return rome(obj.closes_at)


class ReserveOut(Schema):
    code: str
    label: str
    kind: str
    province: str | None
    district: str | None
    legal_forms: list[str]
    company_sizes: list[str]
    amount: str

    @staticmethod
    def resolve_province(obj):
        return obj.province.abbreviation if obj.province else None

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district else None

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)


class CallProjectPhaseOut(Schema):
    code: str
    title: str
    title_en: str
    months: int


class CostCategoryOut(Schema):
    id: int = Field(description="Da indicare come category_id nelle voci di una rendicontazione")
    code: str
    title: str
    title_en: str
    cost_option: str
    cap_percent: str | None
    flat_rate_percent: str | None
    flat_rate_base: list[str]
    unit_rate: str | None
    unit_label: str

    @staticmethod
    def resolve_cap_percent(obj):
        return number(obj.cap_percent)

    @staticmethod
    def resolve_flat_rate_percent(obj):
        return number(obj.flat_rate_percent)

    @staticmethod
    def resolve_unit_rate(obj):
        return money(obj.unit_rate)


class CriterionOut(Schema):
    code: str
    title: str
    title_en: str
    description: str
    max_points: str
    min_points: str | None
    weight: str
    is_bonus: bool
    children: list["CriterionOut"]


CriterionOut.model_rebuild()


def criterion_data(criterion) -> dict:
    """A criterion and its sub-criteria as plain data (the tree is built by the selector, not by the ORM)."""
    return {
        "code": criterion.code,
        "title": criterion.title,
        "title_en": criterion.title_en,
        "description": criterion.description,
        "max_points": number(criterion.max_points),
        "min_points": number(criterion.min_points),
        "weight": number(criterion.weight),
        "is_bonus": criterion.is_bonus,
        "children": [criterion_data(child) for child in criterion.subcriteria],
    }


class RequiredDocumentOut(Schema):
    code: str
    title: str
    title_en: str
    description: str
    is_mandatory: bool
    per_partner: bool
    allowed_types: list[str]
    max_size_mb: int
    requires_signature: bool = Field(
        False,
        description="Il file va firmato digitalmente (PAdES o .p7m) dal legale rappresentante o delegato",
    )


class CallDetailOut(CallSummaryOut):
    summary_en: str
    legal_reference: str
    published_at: datetime | None
    lead_legal_forms: list[str]
    partner_legal_forms: list[str]
    lead_company_sizes: list[str]
    admitted_ateco_prefixes: list[str] = Field(
        default_factory=list, description="Prefissi ATECO 2025 ammessi; vuoto = tutti i settori"
    )
    eligibility_notes: str
    min_partners: int
    max_partners: int | None
    requires_public_private_partnership: bool
    requires_partner_confirmation: bool
    territorial_scope: str
    min_project_cost: str | None
    max_project_cost: str | None
    min_grant: str | None
    max_grant: str | None
    max_aid_intensity: str
    min_cofinancing: str
    is_two_phase: bool
    min_total_score: str | None
    tie_break_rules: list[str]
    phases: list[CallPhaseOut]
    project_phases: list[CallProjectPhaseOut] = Field(
        default_factory=list, description="Fasi dei progetti finanziati, in mesi dall'avvio del progetto"
    )
    reserves: list[ReserveOut]
    cost_categories: list[CostCategoryOut]
    criteria: list[CriterionOut]
    required_documents: list[RequiredDocumentOut]

    @staticmethod
    def resolve_published_at(obj):
        return rome(obj.published_at)

    @staticmethod
    def resolve_min_project_cost(obj):
        return money(obj.min_project_cost)

    @staticmethod
    def resolve_max_project_cost(obj):
        return money(obj.max_project_cost)

    @staticmethod
    def resolve_min_grant(obj):
        return money(obj.min_grant)

    @staticmethod
    def resolve_max_grant(obj):
        return money(obj.max_grant)

    @staticmethod
    def resolve_max_aid_intensity(obj):
        return number(obj.max_aid_intensity)

    @staticmethod
    def resolve_min_cofinancing(obj):
        return number(obj.min_cofinancing)

    @staticmethod
    def resolve_min_total_score(obj):
        return number(obj.min_total_score)

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_project_phases(obj):
        return list(obj.project_phases.all())

    @staticmethod
    def resolve_reserves(obj):
        return list(obj.reserves.all())

    @staticmethod
    def resolve_cost_categories(obj):
        return list(obj.cost_categories.all())

    @staticmethod
    def resolve_criteria(obj):
        return [criterion_data(criterion) for criterion in obj.criteria_tree]

    @staticmethod
    def resolve_required_documents(obj):
        return list(obj.required_documents.all())


CallStatusFilter = Literal[
    CallPhaseStatus.UPCOMING.value,
    CallPhaseStatus.OPEN.value,
    CallPhaseStatus.CLOSED.value,
    CallPhaseStatus.RANKING_APPROVED.value,
    CallPhaseStatus.ARCHIVED.value,
]


CALL_ORDERING = Ordering("-opens_at", opens_at="opens_at", closes_at="closes_at", code="code", title="title")


class CallFilters(Schema):
    programme: str | None = Field(None, description="Codice del programma (es. wecare)")
    measure: str | None = Field(None, description="Codice della misura (es. FSE1)")
    mode: Literal["ranking", "first_come"] | None = Field(None, description="Graduatoria o sportello")
    status: CallStatusFilter | None = Field(None, description="Stato visto dal pubblico, calcolato sull'ora")
    ordering: CALL_ORDERING.choices = CALL_ORDERING.field()

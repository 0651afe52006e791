"""The evaluation API's shapes: what its endpoints read and answer."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from grants.evaluation import services

from ..applications.schemas import ViolationOut  # the applications' checks: one schema in the document


class ChecklistItemIn(Schema):
    code: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=40, description="Lettere, cifre, - e _")
    title: str = Field(min_length=1, max_length=255)
    description: str = ""


class ChecklistIn(Schema):
    items: list[ChecklistItemIn]


class ChecklistItemOut(Schema):
    id: int
    code: str
    title: str
    description: str


class AnswerIn(Schema):
    item_id: int
    satisfied: bool | None = None
    note: str = ""


class AdmissibilityIn(Schema):
    answers: list[AnswerIn] = []
    outcome: str | None = None
    reasons: str = ""
    project_lines: list[str] | None = Field(
        None,
        description="Codici delle linee di progetto del bando (riserve per tipologia di progetto) in cui "
        "rientra il progetto; sostituiscono le precedenti. Assente: invariate.",
    )


class ChecklistRowOut(Schema):
    item_id: int
    code: str
    title: str
    satisfied: bool | None
    note: str


class ProjectLineOut(Schema):
    code: str
    label: str
    amount: Decimal


class AdmissibilityOut(Schema):
    application_id: int
    status: str
    outcome: str
    reasons: str
    decided_at: datetime | None
    checklist: list[ChecklistRowOut]
    automatic_checks: list[ViolationOut]
    project_lines: list[str] = Field(description="Linee di progetto riconosciute")
    available_project_lines: list[ProjectLineOut] = Field(description="Linee di progetto del bando")


class IntegrationRequestIn(Schema):
    items: list[str]
    message: str = ""
    signature_required: bool = Field(
        False, description="Ogni elemento va integrato con un documento firmato digitalmente"
    )
    deadline: datetime | date | None = Field(
        None,
        description="Scadenza: una data (AAAA-MM-GG) vale fino alle 23:59:59 (ora di Roma) di quel giorno; "
        "senza scadenza, 10 giorni da oggi alle 23:59:59.",
    )

    @field_validator("deadline", mode="before")
    @classmethod
    def _date_only(cls, value):
        """A date without a time is a date (the end of that day), not midnight at its start."""
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value
        return value


class IntegrationItemOut(Schema):
    id: int
    description: str
    response: str
    original_name: str = Field(description="Il documento allegato alla risposta (vuoto: nessuno)")
    signature_format: str = Field(description="PAdES o CAdES se il documento è firmato e la firma è valida")
    signer_name: str
    signer_fiscal_code: str


class IntegrationRequestOut(Schema):
    id: int
    application_id: int
    status: str
    message: str
    deadline: datetime | None = Field(
        description=(
            "End of the term; empty until the PEC notice is delivered (the term counts from delivery) or, "
            "without a PEC, until a member first reads the request (presa visione)"
        )
    )
    term_days: int | None
    term_from_reading: bool = Field(description="Without a PEC: the term counts from the first reading")
    seen_at: datetime | None = Field(description="First reading by a member of the applicant (presa visione)")
    signature_required: bool
    answered_at: datetime | None
    items: list[IntegrationItemOut]


class IntegrationAnswerIn(Schema):
    responses: dict[int, str]


class PanelIn(Schema):
    evaluators_per_application: int = Field(
        2, ge=1, le=services.MAX_EVALUATORS_PER_APPLICATION, description="Valutatori per ogni domanda"
    )
    disagreement_threshold: Decimal = Field(
        Decimal(10), ge=0, description="Scarto tra i punteggi oltre il quale serve il consenso"
    )


class MemberIn(Schema):
    user_id: int
    is_president: bool = False


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    is_president: bool
    is_active: bool
    load: int


class PanelOut(Schema):
    id: int
    call_id: int
    evaluators_per_application: int
    disagreement_threshold: Decimal
    members: list[MemberOut]


class AssignIn(Schema):
    application_id: int
    member_id: int


class AssignmentOut(Schema):
    id: int
    application_id: int
    call_code: str
    protocol: str
    member_id: int
    evaluator: str
    status: str
    automatic: bool


class AutoAssignOut(Schema):
    created: list[AssignmentOut]
    short_application_ids: list[int]


class PartyOut(Schema):
    partner_id: int
    name: str
    role: str


class DeclarationIn(Schema):
    conflicts: dict[int, bool]
    notes: dict[int, str] = {}


class DeclarationOut(Schema):
    assignment: AssignmentOut
    conflict: bool
    replacement: AssignmentOut | None


class ScoresIn(Schema):
    points: dict[str, Decimal | None]
    justifications: dict[str, str] = {}
    submit: bool = False


class ConsensusIn(Schema):
    points: dict[str, Decimal | None]
    justifications: dict[str, str] = {}
    note: str


class ScoreOut(Schema):
    criterion: str
    points: Decimal
    justification: str


class EvaluationOut(Schema):
    id: int
    application_id: int
    evaluator: str
    is_consensus: bool
    status: str
    total: Decimal
    bonus: Decimal
    scores: list[ScoreOut]


class ConsolidatedOut(Schema):
    application_id: int
    method: str
    base_score: Decimal
    bonus_score: Decimal
    total_score: Decimal
    meets_thresholds: bool
    threshold_failures: list[str]
    disagreement: bool
    spread: Decimal


class EntryOut(Schema):
    position: int | None
    application_id: int
    protocol: str
    applicant: str
    title: str
    score: Decimal
    outcome: str
    requested: Decimal
    granted: Decimal
    funded_from: dict[str, Decimal] = Field(
        default_factory=dict, description="Fonti del contributo: riserva (codice) o dotazione generale ('')"
    )
    reserves: list[str] = Field(default_factory=list, description="Riserve per cui la domanda concorre")
    tie_break_note: str


Stage = Literal["final", "preliminary"]


class RankingOut(Schema):
    id: int
    call_id: int
    stage: Stage
    status: str
    determination_number: str
    determination_date: date | None
    budget: Decimal
    granted: Decimal
    remaining: Decimal
    computed_at: datetime
    approved_at: datetime | None
    ignored_tie_break_rules: list[str]
    entries: list[EntryOut]


class RenunciationIn(Schema):
    reason: str


class ApproveRankingIn(Schema):
    stage: Stage = "final"
    determination_number: str = Field(..., max_length=40, description="Numero della determinazione")
    determination_date: date = Field(..., description="Data della determinazione (non futura)")


class ExecutiveProjectOut(Schema):
    application_id: int = Field(description="L'idea progettuale")
    admitted: bool = Field(description="Ammessa alla seconda fase dalla graduatoria approvata")
    window_title: str
    opens_at: datetime = Field(description="Apertura della seconda fase")
    closes_at: datetime = Field(description="Scadenza della seconda fase")
    is_open: bool
    executive_application_id: int | None = Field(description="Il progetto esecutivo, se avviato")


class ExecutiveCreatedOut(Schema):
    id: int
    preliminary_id: int
    call_code: str
    status: str
    title: str


class NoticeOut(Schema):
    id: int
    application_id: int
    subject: str
    body: str
    created_at: datetime

"""The shape of a programme file (pydantic): every entry, its fields and how their values are read."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from grants.core.money import CENT
from grants.core.timeutils import ROME

from ..models import (
    INDICATIVE_FIELDS,
    AidInstrument,
    CallMode,
    CallStatus,
    CostOption,
    ReserveKind,
    StateAidRegime,
    TerritorialScope,
)

# --- shape of the file (pydantic) -------------------------------------------------------------------------


def _money(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_("importo non valido"))
    if isinstance(value, float):
        raise ValueError(
            _('importo scritto come numero decimale: scriverlo tra virgolette, es. "6400000.00"')
        )
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(_("importo non valido: usare cifre e il punto per i decimali")) from None
    else:
        raise ValueError(_("importo non valido"))
    if not amount.is_finite():
        raise ValueError(_("importo non valido"))
    if amount < 0:
        raise ValueError(_("l'importo non può essere negativo"))
    if amount != amount.quantize(CENT):
        raise ValueError(_("l'importo ha più di due decimali"))
    return amount.quantize(CENT)


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_("numero non valido"))
    if isinstance(value, float):
        value = str(value)  # a percentage or a score: the written digits, never the binary float
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str | int | Decimal) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(_("numero non valido"))
    return number


def _percent(value: Any) -> Any:
    number = _number(value)
    if not (Decimal(0) <= number <= Decimal(100)):
        raise ValueError(_("una percentuale va da 0 a 100"))
    return number


def _moment(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                _("data e ora non valide: usare il formato ISO, es. 2017-11-02T09:00:00+01:00")
            ) from None
    else:
        raise ValueError(_("data e ora attese come testo ISO, es. 2017-11-02T09:00:00+01:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ROME)  # a wall-clock time as written in the call: Europe/Rome
    return moment


def _day(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(_("data non valida: usare il formato AAAA-MM-GG"))


Money = Annotated[Decimal, BeforeValidator(_money)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
Points = Annotated[Decimal, BeforeValidator(_number)]
Moment = Annotated[datetime, BeforeValidator(_moment)]
Day = Annotated[date, BeforeValidator(_day)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")
]


def _choice(choices: type[models.TextChoices]):
    return Literal[tuple(choices.values)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodIn(_Entry):
    start: Day
    end: Day


class ProgrammeIn(_Entry):
    code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")
    ]
    title: Text
    title_en: str = ""
    description: str = ""
    description_en: str = ""
    region_istat_code: Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
    legal_basis: str = ""
    period: PeriodIn | None = None
    is_demo: bool = False


class FundIn(_Entry):
    code: Code
    title: Text
    title_en: str = ""
    operational_programme: str = ""
    eu_share: Percent
    national_share: Percent
    regional_share: Percent


class MeasurePhaseIn(_Entry):
    title: Text
    title_en: str = ""
    start_date: Day
    end_date: Day


class CallPhaseIn(_Entry):
    code: Code
    title: Text
    title_en: str = ""
    opens_at: Moment
    closes_at: Moment


class CallProjectPhaseIn(_Entry):
    """A phase of the call's funded projects, by length (each project runs them from its own start)."""

    code: Code
    title: Text
    title_en: str = ""
    months: Annotated[int, Field(ge=1, le=240)]


class ReserveIn(_Entry):
    code: Code
    label: Text
    kind: _choice(ReserveKind)
    province: str | None = None
    district: str | None = None
    legal_forms: list[str] = Field(default_factory=list)
    company_sizes: list[str] = Field(default_factory=list)
    amount: Money
    unused_returns_to_pool: bool = True


class CostCategoryIn(_Entry):
    code: Code
    title: Text
    title_en: str = ""
    cost_option: _choice(CostOption)
    cap_percent: Percent | None = None
    flat_rate_percent: Percent | None = None
    flat_rate_base: list[str] = Field(default_factory=list)
    unit_rate: Money | None = None
    unit_label: str = ""


class CriterionIn(_Entry):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    title: Text
    title_en: str = ""
    description: str = ""
    max_points: Points
    weight: Points = Decimal(1)
    min_points: Points | None = None
    is_bonus: bool = False
    children: list[CriterionIn] = Field(default_factory=list)


class RequiredDocumentIn(_Entry):
    code: Code
    title: Text
    title_en: str = ""
    description: str = ""
    is_mandatory: bool = True
    per_partner: bool = False
    allowed_types: list[str] = Field(default_factory=lambda: ["application/pdf"])
    max_size_mb: Annotated[int, Field(ge=1, le=500)] = 10
    requires_signature: bool = False


class CallIn(_Entry):
    code: Code
    title: Text
    title_en: str = ""
    summary: Text
    summary_en: str = ""
    legal_reference: str = ""
    opens_at: Moment
    closes_at: Moment
    mode: _choice(CallMode) = CallMode.RANKING.value
    budget: Money
    aid_instrument: _choice(AidInstrument) = AidInstrument.GRANT.value
    state_aid_regime: _choice(StateAidRegime) = StateAidRegime.NONE.value
    rna_car: str = Field(default="", pattern=r"^\d{0,10}$")  # Codice Aiuto RNA of the measure
    lead_legal_forms: list[str]
    partner_legal_forms: list[str] = Field(default_factory=list)
    lead_company_sizes: list[str] = Field(default_factory=list)
    admitted_ateco_prefixes: list[str] = Field(default_factory=list)
    eligibility_notes: str = ""
    min_partners: Annotated[int, Field(ge=0)] = 0
    max_partners: Annotated[int, Field(ge=0)] | None = None
    requires_public_private_partnership: bool = False
    requires_partner_confirmation: bool = True
    requires_stamp_duty: bool = False
    territorial_scope: _choice(TerritorialScope) = TerritorialScope.REGION.value
    min_project_cost: Money | None = None
    max_project_cost: Money | None = None
    min_grant: Money | None = None
    max_grant: Money | None = None
    max_aid_intensity: Percent = Decimal(100)
    min_cofinancing: Percent = Decimal(0)
    is_two_phase: bool = False
    min_total_score: Points | None = None
    tie_break_rules: list[Text] = Field(default_factory=list)
    partial_funding_allowed: bool = True
    partial_funding_min_percent: Percent = Decimal(0)
    fund_next_that_fits: bool = True
    status: _choice(CallStatus) = CallStatus.DRAFT.value
    published_at: Moment | None = None
    phases: list[CallPhaseIn] = Field(default_factory=list)
    project_phases: list[CallProjectPhaseIn] = Field(default_factory=list)
    # The call's values not taken from its text (shown as "valore indicativo").
    indicative: list[Literal[INDICATIVE_FIELDS]] = Field(default_factory=list)
    reserves: list[ReserveIn] = Field(default_factory=list)
    cost_categories: list[CostCategoryIn] = Field(default_factory=list)
    criteria: list[CriterionIn] = Field(default_factory=list)
    required_documents: list[RequiredDocumentIn] = Field(default_factory=list)


class MeasureIn(_Entry):
    code: Code
    fund: Code
    title: Text
    title_en: str = ""
    objective: Text
    objective_en: str = ""
    budget: Money
    has_public_calls: bool = True
    phases: list[MeasurePhaseIn] = Field(default_factory=list)
    calls: list[CallIn] = Field(default_factory=list)


class ProgrammeFileIn(_Entry):
    programme: ProgrammeIn
    funds: Annotated[list[FundIn], Field(min_length=1)]
    measures: Annotated[list[MeasureIn], Field(min_length=1)]

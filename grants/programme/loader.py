"""Programme definition files: a whole programme (funds, measures, calls, their rules) in one YAML/JSON file.

``load_programme_file(path)`` validates the file (shape with pydantic, rules with the same functions the
back-office uses), then upserts everything by code in ONE transaction: loading the same file twice changes
nothing, and what the file no longer lists is removed. Any problem raises ``ProgrammeFileError`` naming the
file, the entry (``measures[2].calls[0]`` and its code) and the field, and leaves the database as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticValidationError

from grants.core.audit import save_audited
from grants.core.money import CENT
from grants.core.timeutils import ROME
from grants.territory.models import CohesionDistrict, Province, Region

from .models import (
    AidInstrument,
    Call,
    CallMode,
    CallPhase,
    CallReserve,
    CallStatus,
    CostCategory,
    CostOption,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
    ReserveKind,
    StateAidRegime,
    TerritorialScope,
)
from .services import call_consistency_errors

# --- reading ----------------------------------------------------------------------------------------------


class _FileLoader(yaml.SafeLoader):
    """YAML without the surprises of YAML 1.1: dates stay text (checked below with clear messages) and only
    true/false are booleans, so that the province of Novara ("NO") stays "NO"."""


_FileLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
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
    lead_legal_forms: list[str]
    partner_legal_forms: list[str] = Field(default_factory=list)
    lead_company_sizes: list[str] = Field(default_factory=list)
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


# --- errors and report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    entry: str
    code: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = self.entry or _("(radice del file)")
        if self.code:
            where += f" («{self.code}»)"
        if self.field:
            return _("%(where)s, campo «%(field)s»: %(reason)s") % {
                "where": where,
                "field": self.field,
                "reason": self.reason,
            }
        return f"{where}: {self.reason}"


class ProgrammeFileError(Exception):
    """A programme definition file that cannot be loaded; nothing of it was written."""

    def __init__(self, path: str | Path, problems: list[Problem]):
        self.path = str(path)
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        header = _("Il file %(file)s non è stato caricato (%(n)s errori, nessuna modifica al database):") % {
            "file": self.path,
            "n": len(self.problems),
        }
        return "\n".join([header, *(f"- {self.path}: {problem}" for problem in self.problems)])


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


_REPORT_ORDER = [
    Programme,
    Fund,
    Measure,
    MeasurePhase,
    Call,
    CallPhase,
    CallReserve,
    CostCategory,
    Criterion,
    RequiredDocument,
]


@dataclass
class LoadReport:
    path: str
    programme_code: str = ""
    counts: dict[str, Counts] = field(
        default_factory=lambda: {m._meta.model_name: Counts() for m in _REPORT_ORDER}
    )

    def count(self, model: type[models.Model]) -> Counts:
        return self.counts[model._meta.model_name]

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = [_("File %(file)s – programma «%(code)s»") % {"file": self.path, "code": self.programme_code}]
        for model in _REPORT_ORDER:
            c = self.count(model)
            lines.append(
                _(
                    "  %(what)s: %(created)s creati, %(updated)s aggiornati, %(unchanged)s invariati, "
                    "%(deleted)s eliminati"
                )
                % {
                    "what": str(model._meta.verbose_name_plural),
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                    "deleted": c.deleted,
                }
            )
        if not self.changed:
            lines.append(_("Nessuna modifica: il database era già allineato al file."))
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


_PYDANTIC_REASONS = {
    "missing": "campo obbligatorio mancante",
    "extra_forbidden": "campo non previsto (controllare il nome)",
    "string_type": "deve essere un testo (tra virgolette se sembra un numero)",
    "string_too_short": "non può essere vuoto",
    "string_too_long": "testo troppo lungo (al massimo {max_length} caratteri)",
    "string_pattern_mismatch": "formato non valido (ammessi lettere, cifre, trattini; schema {pattern})",
    "int_parsing": "deve essere un numero intero",
    "int_type": "deve essere un numero intero",
    "int_from_float": "deve essere un numero intero",
    "bool_parsing": "deve essere true o false",
    "bool_type": "deve essere true o false",
    "list_type": "deve essere un elenco",
    "dict_type": "deve essere una sezione con campi (chiave: valore)",
    "model_type": "deve essere una sezione con campi (chiave: valore)",
    "model_attributes_type": "deve essere una sezione con campi (chiave: valore)",
    "literal_error": "valore non ammesso (ammessi: {expected})",
    "greater_than_equal": "deve essere almeno {ge}",
    "less_than_equal": "deve essere al massimo {le}",
    "too_short": "deve contenere almeno {min_length} elementi",
}


def _format_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _locate(raw: Any, loc: tuple) -> tuple[str, str, str]:
    """Split a location into (entry, its code, field): the entry is the innermost mapping in a list."""
    node, entry_length, entry_node = raw, 0, None
    for index, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            entry_length, entry_node = index + 1, node
    if entry_length == 0 and loc and loc[0] == "programme" and len(loc) > 1:
        entry_length, entry_node = 1, raw.get("programme") if isinstance(raw, dict) else None
    code = entry_node.get("code", "") if isinstance(entry_node, dict) else ""
    return _format_path(loc[:entry_length]), str(code or ""), _format_path(loc[entry_length:])


def _reason(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _PYDANTIC_REASONS.get(kind)
    if template is None:
        return _("valore non valido (%(detail)s)") % {"detail": error.get("msg", kind)}
    values = {k: str(v).replace("' or '", "', '") for k, v in ctx.items()}
    try:
        return _(template).format(**values)
    except (KeyError, IndexError):
        return _(template)


def read_programme_file(path: str | Path) -> dict:
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProgrammeFileError(
            path, [Problem("", "", "", _("file non leggibile: %s") % exc.strerror)]
        ) from exc
    try:
        if suffix in (".yaml", ".yml"):
            data = yaml.load(text, Loader=_FileLoader)  # noqa: S506 - a SafeLoader subclass
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise ProgrammeFileError(
                path, [Problem("", "", "", _("estensione non riconosciuta: usare .yaml, .yml o .json"))]
            )
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ProgrammeFileError(path, [Problem("", "", "", _("sintassi non valida: %s") % exc)]) from exc
    if not isinstance(data, dict):
        raise ProgrammeFileError(
            path, [Problem("", "", "", _("il file deve contenere le sezioni programme, funds e measures"))]
        )
    return data


def parse_programme_file(path: str | Path) -> tuple[dict, ProgrammeFileIn]:
    raw = read_programme_file(path)
    try:
        return raw, ProgrammeFileIn.model_validate(raw)
    except PydanticValidationError as exc:
        problems = []
        for error in exc.errors():
            entry, code, field_name = _locate(raw, tuple(error["loc"]))
            problems.append(Problem(entry, code, field_name, _reason(error)))
        raise ProgrammeFileError(path, problems) from None


# --- writing ----------------------------------------------------------------------------------------------


class _Abort(Exception):
    pass


def _same(instance: models.Model, name: str, value: Any) -> bool:
    model_field = instance._meta.get_field(name)
    if model_field.is_relation:
        return getattr(instance, model_field.attname) == (value.pk if value is not None else None)
    return getattr(instance, name) == value


class _Writer:
    def __init__(self, path: Path, raw: dict, data: ProgrammeFileIn, actor):
        self.path = path
        self.raw = raw
        self.data = data
        self.actor = actor
        self.reason = _("Caricamento da %(file)s") % {"file": path.name}
        self.report = LoadReport(path=str(path), programme_code=data.programme.code)
        self.problems: list[Problem] = []

    # helpers
    def problem(self, entry: str, code: str, field_name: str, reason: str) -> None:
        self.problems.append(Problem(entry, code, field_name, reason))

    def validation_problems(self, entry: str, code: str, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field_name, messages in exc.message_dict.items():
                name = "" if field_name == "__all__" else field_name
                for message in messages:
                    self.problem(entry, code, name, message)
        else:
            for message in exc.messages:
                self.problem(entry, code, "", message)

    def upsert(self, model, lookup: dict, values: dict, *, entry: str, code: str):
        instance = model.objects.filter(**lookup).first()
        counts = self.report.count(model)
        if instance is None:
            instance = model(**lookup, **values)
            created, changed = True, True
        else:
            created = False
            changed = [name for name, value in values.items() if not _same(instance, name, value)]
            for name, value in values.items():
                setattr(instance, name, value)
        if not changed:
            counts.unchanged += 1
            return instance
        try:
            save_audited(instance, actor=self.actor, reason=self.reason)
        except ValidationError as exc:
            self.validation_problems(entry, code, exc)
            raise _Abort from exc
        except IntegrityError as exc:
            self.problem(entry, code, "", _("violato un vincolo del database: %s") % exc)
            raise _Abort from exc
        if created:
            counts.created += 1
        else:
            counts.updated += 1
        return instance

    def delete_stale(self, queryset, *, entry: str) -> None:
        for instance in queryset:
            instance._change_reason = self.reason[:100]
            try:
                instance.delete()
            except ProtectedError as exc:
                self.problem(
                    entry,
                    getattr(instance, "code", ""),
                    "",
                    _("«%(obj)s» non è più nel file ma non si può eliminare: ha dati collegati (%(n)s).")
                    % {"obj": instance, "n": len(exc.protected_objects)},
                )
                raise _Abort from exc
            self.report.count(type(instance)).deleted += 1

    # the file, top down
    def run(self) -> LoadReport:
        programme = self.write_programme()
        funds = self.write_funds(programme)
        measure_codes, call_codes = [], []
        for m_index, measure_in in enumerate(self.data.measures):
            entry = f"measures[{m_index}]"
            measure = self.write_measure(programme, funds, measure_in, entry)
            measure_codes.append(measure_in.code)
            for c_index, call_in in enumerate(measure_in.calls):
                call_codes.append(call_in.code)
                self.write_call(programme, measure, measure_in, call_in, f"{entry}.calls[{c_index}]")
        if self.problems:
            raise _Abort
        self.delete_stale(
            Call.objects.filter(measure__programme=programme).exclude(code__in=call_codes), entry="measures"
        )
        self.delete_stale(programme.measures.exclude(code__in=measure_codes), entry="measures")
        self.delete_stale(programme.funds.exclude(code__in=[f.code for f in self.data.funds]), entry="funds")
        return self.report

    def write_programme(self) -> Programme:
        spec = self.data.programme
        region = Region.objects.filter(istat_code=spec.region_istat_code).first()
        if region is None:
            self.problem(
                "programme",
                spec.code,
                "region_istat_code",
                _("nessuna regione con codice ISTAT %(code)s: caricare prima il territorio")
                % {"code": spec.region_istat_code},
            )
            raise _Abort
        if spec.period and spec.period.end < spec.period.start:
            self.problem("programme", spec.code, "period.end", _("la fine precede l'inizio"))
            raise _Abort
        values = {
            "title": spec.title,
            "title_en": spec.title_en,
            "description": spec.description,
            "description_en": spec.description_en,
            "region": region,
            "legal_basis": spec.legal_basis,
            "period_start": spec.period.start if spec.period else None,
            "period_end": spec.period.end if spec.period else None,
            "is_demo": spec.is_demo,
        }
        return self.upsert(Programme, {"code": spec.code}, values, entry="programme", code=spec.code)

    def write_funds(self, programme: Programme) -> dict[str, Fund]:
        funds, seen = {}, set()
        for index, spec in enumerate(self.data.funds):
            entry = f"funds[{index}]"
            if spec.code in seen:
                self.problem(entry, spec.code, "code", _("codice ripetuto nel file"))
                continue
            seen.add(spec.code)
            if spec.eu_share + spec.national_share + spec.regional_share != Decimal(100):
                self.problem(
                    entry, spec.code, "eu_share", _("le quote UE, nazionale e regionale devono sommare a 100")
                )
                continue
            values = {
                "title": spec.title,
                "title_en": spec.title_en,
                "operational_programme": spec.operational_programme,
                "eu_share": spec.eu_share,
                "national_share": spec.national_share,
                "regional_share": spec.regional_share,
            }
            funds[spec.code] = self.upsert(
                Fund, {"programme": programme, "code": spec.code}, values, entry=entry, code=spec.code
            )
        if self.problems:
            raise _Abort
        return funds

    def write_measure(self, programme, funds, spec: MeasureIn, entry: str) -> Measure:
        codes = [m.code for m in self.data.measures]
        if codes.count(spec.code) > 1:
            self.problem(entry, spec.code, "code", _("codice ripetuto nel file"))
            raise _Abort
        fund = funds.get(spec.fund)
        if fund is None:
            self.problem(
                entry,
                spec.code,
                "fund",
                _("fondo «%(fund)s» non definito nella sezione funds (definiti: %(known)s)")
                % {"fund": spec.fund, "known": ", ".join(funds) or "–"},
            )
            raise _Abort
        calls_total = sum((c.budget for c in spec.calls), Decimal("0.00"))
        if calls_total > spec.budget:
            self.problem(
                entry,
                spec.code,
                "budget",
                _(
                    "la somma delle dotazioni dei bandi (%(total)s) supera "
                    "la dotazione della misura (%(budget)s)"
                )
                % {"total": calls_total, "budget": spec.budget},
            )
        if spec.calls and not spec.has_public_calls:
            self.problem(
                entry, spec.code, "has_public_calls", _("una misura senza bandi pubblici non può avere bandi")
            )
        for p_index, phase in enumerate(spec.phases):
            if phase.end_date < phase.start_date:
                self.problem(f"{entry}.phases[{p_index}]", "", "end_date", _("la fine precede l'inizio"))
        values = {
            "fund": fund,
            "title": spec.title,
            "title_en": spec.title_en,
            "objective": spec.objective,
            "objective_en": spec.objective_en,
            "budget": spec.budget,
            "has_public_calls": spec.has_public_calls,
            "order": self.data.measures.index(spec),
        }
        measure = self.upsert(
            Measure, {"programme": programme, "code": spec.code}, values, entry=entry, code=spec.code
        )
        # Phases of a measure have no code: they are identified by their position in the file.
        for p_index, phase in enumerate(spec.phases):
            values = {
                "title": phase.title,
                "title_en": phase.title_en,
                "start_date": phase.start_date,
                "end_date": phase.end_date,
            }
            if phase.end_date >= phase.start_date:
                self.upsert(
                    MeasurePhase,
                    {"measure": measure, "order": p_index},
                    values,
                    entry=f"{entry}.phases[{p_index}]",
                    code="",
                )
        self.delete_stale(measure.phases.filter(order__gte=len(spec.phases)), entry=f"{entry}.phases")
        return measure

    def write_call(self, programme, measure, measure_in: MeasureIn, spec: CallIn, entry: str) -> None:
        all_codes = [c.code for m in self.data.measures for c in m.calls]
        if all_codes.count(spec.code) > 1:
            self.problem(entry, spec.code, "code", _("codice di bando ripetuto nel file"))
            return
        existing = Call.objects.select_related("measure").filter(code=spec.code).first()
        if existing is not None and existing.measure.programme_id != programme.pk:
            self.problem(entry, spec.code, "code", _("codice già usato da un bando di un altro programma"))
            return
        values = {
            "measure": measure,
            "title": spec.title,
            "title_en": spec.title_en,
            "summary": spec.summary,
            "summary_en": spec.summary_en,
            "legal_reference": spec.legal_reference,
            "opens_at": spec.opens_at,
            "closes_at": spec.closes_at,
            "mode": spec.mode,
            "budget": spec.budget,
            "aid_instrument": spec.aid_instrument,
            "state_aid_regime": spec.state_aid_regime,
            "lead_legal_forms": spec.lead_legal_forms,
            "partner_legal_forms": spec.partner_legal_forms,
            "lead_company_sizes": spec.lead_company_sizes,
            "eligibility_notes": spec.eligibility_notes,
            "min_partners": spec.min_partners,
            "max_partners": spec.max_partners,
            "requires_public_private_partnership": spec.requires_public_private_partnership,
            "requires_partner_confirmation": spec.requires_partner_confirmation,
            "requires_stamp_duty": spec.requires_stamp_duty,
            "territorial_scope": spec.territorial_scope,
            "min_project_cost": spec.min_project_cost,
            "max_project_cost": spec.max_project_cost,
            "min_grant": spec.min_grant,
            "max_grant": spec.max_grant,
            "max_aid_intensity": spec.max_aid_intensity,
            "min_cofinancing": spec.min_cofinancing,
            "is_two_phase": spec.is_two_phase,
            "min_total_score": spec.min_total_score,
            "tie_break_rules": spec.tie_break_rules,
            "partial_funding_allowed": spec.partial_funding_allowed,
            "partial_funding_min_percent": spec.partial_funding_min_percent,
            "fund_next_that_fits": spec.fund_next_that_fits,
            "status": spec.status,
            "published_at": spec.published_at or (spec.opens_at if spec.status != CallStatus.DRAFT else None),
        }
        # Check the whole call as it will be, with the back-office's rules, before writing any of it.
        draft = Call(code=spec.code, **values)
        if existing is not None:
            draft.pk = existing.pk
        phases = [
            CallPhase(call=draft, order=i, **p.model_dump(exclude={"code"}), code=p.code)
            for i, p in enumerate(spec.phases)
        ]
        reserves = []
        for r_index, reserve in enumerate(spec.reserves):
            reserves.append(self.reserve_values(reserve, f"{entry}.reserves[{r_index}]"))
        categories = [self.category_values(category, i) for i, category in enumerate(spec.cost_categories)]
        criteria_specs = list(self.flatten_criteria(spec.criteria))
        criteria = {}
        for _path, criterion_spec, parent_spec, order in criteria_specs:
            criteria[criterion_spec.code] = Criterion(
                call=draft,
                parent=criteria.get(parent_spec.code) if parent_spec else None,
                order=order,
                **self.criterion_values(criterion_spec),
            )
        siblings_total = sum((c.budget for c in measure_in.calls if c.code != spec.code), Decimal("0.00"))
        errors = call_consistency_errors(
            draft,
            phases=phases,
            reserves=[CallReserve(call=draft, **values) for values in reserves if values is not None],
            cost_categories=[CostCategory(call=draft, **values) for values in categories],
            criteria=list(criteria.values()),
            siblings_total=siblings_total,
        )
        for field_name, messages in errors.items():
            for message in messages:
                self.problem(entry, spec.code, field_name, message)
        if errors or any(values is None for values in reserves):
            return

        call = self.upsert(Call, {"code": spec.code}, values, entry=entry, code=spec.code)
        for index, phase in enumerate(spec.phases):
            self.upsert(
                CallPhase,
                {"call": call, "code": phase.code},
                {
                    "title": phase.title,
                    "title_en": phase.title_en,
                    "opens_at": phase.opens_at,
                    "closes_at": phase.closes_at,
                    "order": index,
                },
                entry=f"{entry}.phases[{index}]",
                code=phase.code,
            )
        self.delete_stale(
            call.phases.exclude(code__in=[p.code for p in spec.phases]), entry=f"{entry}.phases"
        )
        for index, (reserve, reserve_values) in enumerate(zip(spec.reserves, reserves, strict=True)):
            fields = {k: v for k, v in reserve_values.items() if k != "code"}
            self.upsert(
                CallReserve,
                {"call": call, "code": reserve.code},
                fields,
                entry=f"{entry}.reserves[{index}]",
                code=reserve.code,
            )
        self.delete_stale(
            call.reserves.exclude(code__in=[r.code for r in spec.reserves]), entry=f"{entry}.reserves"
        )
        for index, (category, category_values) in enumerate(
            zip(spec.cost_categories, categories, strict=True)
        ):
            fields = {k: v for k, v in category_values.items() if k != "code"}
            self.upsert(
                CostCategory,
                {"call": call, "code": category.code},
                fields,
                entry=f"{entry}.cost_categories[{index}]",
                code=category.code,
            )
        self.delete_stale(
            call.cost_categories.exclude(code__in=[c.code for c in spec.cost_categories]),
            entry=f"{entry}.cost_categories",
        )
        saved: dict[str, Criterion] = {}
        for path, criterion_spec, parent_spec, order in criteria_specs:
            fields = self.criterion_values(criterion_spec)
            fields.pop("code")
            fields["parent"] = saved[parent_spec.code] if parent_spec else None
            fields["order"] = order
            saved[criterion_spec.code] = self.upsert(
                Criterion,
                {"call": call, "code": criterion_spec.code},
                fields,
                entry=f"{entry}.{path}",
                code=criterion_spec.code,
            )
        self.delete_stale(
            call.criteria.exclude(code__in=list(saved)).order_by("-parent_id"), entry=f"{entry}.criteria"
        )
        for index, document in enumerate(spec.required_documents):
            fields = document.model_dump(exclude={"code"})
            fields["order"] = index
            self.upsert(
                RequiredDocument,
                {"call": call, "code": document.code},
                fields,
                entry=f"{entry}.required_documents[{index}]",
                code=document.code,
            )
        self.delete_stale(
            call.required_documents.exclude(code__in=[d.code for d in spec.required_documents]),
            entry=f"{entry}.required_documents",
        )

    def reserve_values(self, spec: ReserveIn, entry: str) -> dict | None:
        province = district = None
        ok = True
        if spec.province:
            province = Province.objects.filter(abbreviation=spec.province.upper()).first()
            if province is None:
                self.problem(
                    entry,
                    spec.code,
                    "province",
                    _("provincia «%s» sconosciuta (usare la sigla, es. TO)") % spec.province,
                )
                ok = False
        if spec.district:
            district = CohesionDistrict.objects.filter(code=spec.district).first()
            if district is None:
                self.problem(entry, spec.code, "district", _("distretto «%s» sconosciuto") % spec.district)
                ok = False
        if not ok:
            return None
        return {
            "code": spec.code,
            "label": spec.label,
            "kind": spec.kind,
            "province": province,
            "district": district,
            "legal_forms": spec.legal_forms,
            "company_sizes": spec.company_sizes,
            "amount": spec.amount,
            "unused_returns_to_pool": spec.unused_returns_to_pool,
        }

    @staticmethod
    def category_values(spec: CostCategoryIn, order: int) -> dict:
        values = spec.model_dump()
        values["order"] = order
        return values

    @staticmethod
    def criterion_values(spec: CriterionIn) -> dict:
        return spec.model_dump(exclude={"children"})

    def flatten_criteria(self, criteria: list[CriterionIn], parent=None, prefix="criteria"):
        for index, criterion in enumerate(criteria):
            path = f"{prefix}[{index}]"
            yield path, criterion, parent, index
            yield from self.flatten_criteria(criterion.children, criterion, f"{path}.children")


def load_programme_file(path: str | Path, *, actor=None) -> LoadReport:
    """Load (create or update) a programme from its definition file, all or nothing."""
    path = Path(path)
    raw, data = parse_programme_file(path)
    writer = _Writer(path, raw, data, actor)
    try:
        with transaction.atomic():
            report = writer.run()
            if writer.problems:
                raise _Abort
    except _Abort:
        raise ProgrammeFileError(path, writer.problems) from None
    return report

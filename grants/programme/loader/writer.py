"""Writing a checked programme file: everything upserted by code in one transaction, what the file no
longer lists removed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.territory.models import CohesionDistrict, Province, Region

from ..models import (
    Call,
    CallPhase,
    CallProjectPhase,
    CallReserve,
    CallStatus,
    CostCategory,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
)
from ..services import call_consistency_errors
from .reading import parse_programme_file
from .report import LoadReport, Problem, ProgrammeFileError
from .schema import CallIn, CostCategoryIn, CriterionIn, MeasureIn, ProgrammeFileIn, ReserveIn

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
            "rna_car": spec.rna_car,
            "lead_legal_forms": spec.lead_legal_forms,
            "partner_legal_forms": spec.partner_legal_forms,
            "lead_company_sizes": spec.lead_company_sizes,
            "admitted_ateco_prefixes": spec.admitted_ateco_prefixes,
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
            "indicative_fields": list(dict.fromkeys(spec.indicative)),
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
        self.sync_children(
            call,
            CallPhase,
            "phases",
            [
                (f"phases[{i}]", p.code, {**p.model_dump(exclude={"code"}), "order": i})
                for i, p in enumerate(spec.phases)
            ],
            entry=entry,
        )
        project_phases = [
            (f"project_phases[{i}]", p.code, {**p.model_dump(exclude={"code"}), "order": i})
            for i, p in enumerate(spec.project_phases)
        ]
        self.sync_children(call, CallProjectPhase, "project_phases", project_phases, entry=entry)
        for name, model, specs, values in (
            ("reserves", CallReserve, spec.reserves, reserves),
            ("cost_categories", CostCategory, spec.cost_categories, categories),
        ):
            rows = [
                (f"{name}[{i}]", item.code, {k: v for k, v in item_values.items() if k != "code"})
                for i, (item, item_values) in enumerate(zip(specs, values, strict=True))
            ]
            self.sync_children(call, model, name, rows, entry=entry)
        saved: dict[str, Criterion] = {}

        def criteria_rows():
            # Parents come before their children in criteria_specs: each child finds its parent saved.
            for path, criterion_spec, parent_spec, order in criteria_specs:
                fields = self.criterion_values(criterion_spec)
                fields.pop("code")
                fields["parent"] = saved[parent_spec.code] if parent_spec else None
                fields["order"] = order
                yield path, criterion_spec.code, fields

        self.sync_children(
            call,
            Criterion,
            "criteria",
            criteria_rows(),
            entry=entry,
            saved=saved,
            stale_order=("-parent_id",),
        )
        self.sync_children(
            call,
            RequiredDocument,
            "required_documents",
            [
                (f"required_documents[{i}]", d.code, {**d.model_dump(exclude={"code"}), "order": i})
                for i, d in enumerate(spec.required_documents)
            ],
            entry=entry,
        )

    def sync_children(
        self,
        call: Call,
        model,
        related_name: str,
        rows,
        *,
        entry: str,
        saved: dict | None = None,
        stale_order: tuple[str, ...] = (),
    ) -> dict:
        """Upsert the call's child rows of ``model`` by code, then delete those the file no longer lists.

        ``rows`` yields ``(path, code, fields)``, ``path`` locating the entry in the call (``phases[0]``); it
        may be a generator reading ``saved`` (filled here as each row is written, keyed by code). Deletions
        follow ``stale_order`` when given (children before their parents), else the model's ordering.
        """
        saved = {} if saved is None else saved
        for path, code, fields in rows:
            saved[code] = self.upsert(
                model, {"call": call, "code": code}, fields, entry=f"{entry}.{path}", code=code
            )
        stale = getattr(call, related_name).exclude(code__in=list(saved))
        if stale_order:
            stale = stale.order_by(*stale_order)
        self.delete_stale(stale, entry=f"{entry}.{related_name}")
        return saved

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

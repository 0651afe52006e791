"""Every write to programmes, measures and calls, and the consistency rules a call must respect.

The rules are written once, as functions over model instances that may not be saved yet, so that the
back-officeforms, the programme definition loader and the state transitions all check exactly the same things.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from grants.core.audit import save_audited
from grants.core.money import ZERO, format_eur
from grants.core.timeutils import format_rome, now
from grants.core.vocabulary import CompanySize, LegalForm

from .models import (
    Call,
    CallMode,
    CallPhase,
    CallReserve,
    CallStatus,
    CostCategory,
    CostOption,
    Criterion,
    Measure,
    ReserveKind,
)
from .permissions import can_configure_programme

Errors = dict[str, list[str]]

LEGAL_FORM_VALUES = frozenset(LegalForm.values)
COMPANY_SIZE_VALUES = frozenset(CompanySize.values)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: Errors, more: Errors) -> Errors:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _vocabulary_errors(errors: Errors, field: str, values, allowed: frozenset, *, required: bool) -> None:
    if not isinstance(values, list):
        _add(errors, field, _("Deve essere un elenco di valori."))
        return
    if required and not values:
        _add(errors, field, _("Indicare almeno un tipo di soggetto ammesso."))
    unknown = [str(v) for v in values if v not in allowed]
    if unknown:
        _add(
            errors,
            field,
            _("Valori non ammessi: %(unknown)s (ammessi: %(allowed)s).")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
        )
    if len(set(map(str, values))) != len(values):
        _add(errors, field, _("Lo stesso valore è indicato più volte."))


# --- rules on the call's own fields -----------------------------------------------------------------------


def call_field_errors(call: Call, *, siblings_total: Decimal | None = None) -> Errors:
    """Rules on the call's own fields (and its measure's budget). ``siblings_total`` is the budget of the
    other
    calls of the same measure; when not given it is read from the database."""
    errors: Errors = {}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        _add(errors, "closes_at", _("La scadenza deve essere successiva all'apertura."))
    if call.budget is not None and call.budget < 0:
        _add(errors, "budget", _("La dotazione non può essere negativa."))
    if call.min_grant is not None and call.max_grant is not None and call.min_grant > call.max_grant:
        _add(errors, "max_grant", _("Il contributo massimo non può essere inferiore al minimo."))
    if (
        call.min_project_cost is not None
        and call.max_project_cost is not None
        and call.min_project_cost > call.max_project_cost
    ):
        _add(
            errors, "max_project_cost", _("Il costo massimo del progetto non può essere inferiore al minimo.")
        )
    if (
        call.max_partners is not None
        and call.min_partners is not None
        and call.min_partners > call.max_partners
    ):
        _add(errors, "max_partners", _("Il numero massimo di partner non può essere inferiore al minimo."))
    if call.max_grant is not None and call.budget is not None and call.max_grant > call.budget:
        _add(errors, "max_grant", _("Il contributo massimo non può superare la dotazione del bando."))
    if (
        call.max_aid_intensity is not None
        and call.min_cofinancing is not None
        and call.max_aid_intensity + call.min_cofinancing > Decimal(100)
    ):
        _add(
            errors,
            "min_cofinancing",
            _("Intensità massima dell'aiuto e cofinanziamento minimo insieme superano il 100 %."),
        )
    if call.min_total_score is not None and call.min_total_score < 0:
        _add(errors, "min_total_score", _("Il punteggio minimo non può essere negativo."))
    _vocabulary_errors(errors, "lead_legal_forms", call.lead_legal_forms, LEGAL_FORM_VALUES, required=True)
    _vocabulary_errors(
        errors, "partner_legal_forms", call.partner_legal_forms, LEGAL_FORM_VALUES, required=False
    )
    _vocabulary_errors(
        errors, "lead_company_sizes", call.lead_company_sizes, COMPANY_SIZE_VALUES, required=False
    )
    if call.max_partners == 0 and call.partner_legal_forms:
        _add(errors, "partner_legal_forms", _("Indicati tipi di partner ma nessun partner è ammesso."))
    if not isinstance(call.tie_break_rules, list) or not all(
        isinstance(rule, str) and rule.strip() for rule in call.tie_break_rules
    ):
        _add(errors, "tie_break_rules", _("I criteri di parità devono essere un elenco di testi."))
    measure = getattr(call, "measure", None) if call.measure_id or _has_cached(call, "measure") else None
    if measure is not None and call.budget is not None:
        if siblings_total is None:
            siblings = Call.objects.filter(measure_id=measure.pk) if measure.pk else Call.objects.none()
            if call.pk:
                siblings = siblings.exclude(pk=call.pk)
            siblings_total = siblings.aggregate(total=Sum("budget"))["total"] or ZERO
        if siblings_total + call.budget > measure.budget:
            _add(
                errors,
                "budget",
                _(
                    "La somma delle dotazioni dei bandi della misura %(measure)s (%(total)s) supera la "
                    "dotazione della misura (%(budget)s)."
                )
                % {
                    "measure": measure.code,
                    "total": format_eur(siblings_total + call.budget),
                    "budget": format_eur(measure.budget),
                },
            )
    return errors


def _has_cached(instance, field: str) -> bool:
    return instance._meta.get_field(field).is_cached(instance)


# --- rules on the call's children -------------------------------------------------------------------------


def phase_errors(call: Call, phases: Iterable[CallPhase]) -> Errors:
    errors: Errors = {}
    phases = list(phases)
    if call.is_two_phase and len(phases) < 2:
        _add(
            errors,
            "phases",
            _("Un bando in due fasi deve avere almeno due fasi (idea progettuale, progetto esecutivo)."),
        )
    codes = [p.code for p in phases]
    if len(set(codes)) != len(codes):
        _add(errors, "phases", _("Due fasi hanno lo stesso codice."))
    ordered = sorted(phases, key=lambda p: (p.order, p.opens_at))
    for phase in phases:
        if phase.opens_at and phase.closes_at and phase.closes_at <= phase.opens_at:
            _add(
                errors,
                "phases",
                _("Fase «%(phase)s»: la scadenza deve essere successiva all'apertura.")
                % {"phase": phase.title},
            )
        if (
            call.opens_at
            and call.closes_at
            and phase.opens_at
            and phase.closes_at
            and (phase.opens_at < call.opens_at or phase.closes_at > call.closes_at)
        ):
            _add(
                errors,
                "phases",
                _(
                    "Fase «%(phase)s»: deve svolgersi tra l'apertura (%(opens)s) "
                    "e la scadenza (%(closes)s) del bando."
                )
                % {
                    "phase": phase.title,
                    "opens": format_rome(call.opens_at),
                    "closes": format_rome(call.closes_at),
                },
            )
    for before, after in pairwise(ordered):
        if before.closes_at and after.opens_at and after.opens_at < before.closes_at:
            _add(
                errors,
                "phases",
                _("La fase «%(after)s» non può aprire prima della scadenza della fase «%(before)s».")
                % {"after": after.title, "before": before.title},
            )
    return errors


def reserve_errors(call: Call, reserves: Iterable[CallReserve]) -> Errors:
    errors: Errors = {}
    reserves = list(reserves)
    total = ZERO
    for reserve in reserves:
        label = reserve.label or reserve.code
        if reserve.amount is None or reserve.amount < 0:
            _add(errors, "reserves", _("Riserva «%(r)s»: l'importo non può essere negativo.") % {"r": label})
        else:
            total += reserve.amount
        has_province = bool(reserve.province_id) or _cached_value(reserve, "province") is not None
        has_district = bool(reserve.district_id) or _cached_value(reserve, "district") is not None
        if reserve.kind == ReserveKind.PROVINCE:
            if not has_province or has_district:
                _add(
                    errors,
                    "reserves",
                    _("Riserva «%(r)s»: una riserva per provincia indica la provincia e nessun distretto.")
                    % {"r": label},
                )
        elif reserve.kind == ReserveKind.DISTRICT:
            if not has_district or has_province:
                _add(
                    errors,
                    "reserves",
                    _("Riserva «%(r)s»: una riserva per distretto indica il distretto e nessuna provincia.")
                    % {"r": label},
                )
        elif reserve.kind in (ReserveKind.APPLICANT_TYPE, ReserveKind.PROJECT_TYPE):
            if has_province or has_district:
                _add(
                    errors,
                    "reserves",
                    _("Riserva «%(r)s»: una linea non indica provincia né distretto.") % {"r": label},
                )
            if reserve.kind == ReserveKind.APPLICANT_TYPE and not (
                reserve.legal_forms or reserve.company_sizes
            ):
                _add(
                    errors,
                    "reserves",
                    _("Riserva «%(r)s»: indicare le tipologie di soggetto o le dimensioni d'impresa.")
                    % {"r": label},
                )
        else:
            _add(errors, "reserves", _("Riserva «%(r)s»: tipo di riserva non valido.") % {"r": label})
        sub: Errors = {}
        _vocabulary_errors(sub, "legal_forms", reserve.legal_forms, LEGAL_FORM_VALUES, required=False)
        _vocabulary_errors(sub, "company_sizes", reserve.company_sizes, COMPANY_SIZE_VALUES, required=False)
        for messages in sub.values():
            for message in messages:
                _add(errors, "reserves", _("Riserva «%(r)s»: %(m)s") % {"r": label, "m": message})
    if call.budget is not None and total > call.budget:
        _add(
            errors,
            "reserves",
            _("Il totale delle riserve (%(total)s) supera la dotazione del bando (%(budget)s).")
            % {"total": format_eur(total), "budget": format_eur(call.budget)},
        )
    return errors


def _cached_value(instance, field: str):
    descriptor = instance._meta.get_field(field)
    return descriptor.get_cached_value(instance, None)


def cost_category_errors(call: Call, categories: Iterable[CostCategory]) -> Errors:
    errors: Errors = {}
    categories = list(categories)
    codes = {c.code for c in categories}
    if len(codes) != len(categories):
        _add(errors, "cost_categories", _("Due voci di spesa hanno lo stesso codice."))
    for category in categories:
        label = category.title or category.code
        for field, value in (
            ("cap_percent", category.cap_percent),
            ("flat_rate_percent", category.flat_rate_percent),
        ):
            if value is not None and not (Decimal(0) <= value <= Decimal(100)):
                _add(
                    errors,
                    "cost_categories",
                    _("Voce «%(c)s»: le percentuali vanno da 0 a 100 (%(field)s).")
                    % {"c": label, "field": field},
                )
        if category.cost_option == CostOption.FLAT_RATE:
            if category.flat_rate_percent is None:
                _add(
                    errors,
                    "cost_categories",
                    _("Voce «%(c)s»: indicare il tasso forfettario.") % {"c": label},
                )
            base = category.flat_rate_base
            if not isinstance(base, list) or not base:
                _add(
                    errors,
                    "cost_categories",
                    _("Voce «%(c)s»: indicare le voci su cui si calcola il forfait.") % {"c": label},
                )
            else:
                missing = [str(code) for code in base if code not in codes]
                if missing:
                    _add(
                        errors,
                        "cost_categories",
                        _("Voce «%(c)s»: la base del forfait nomina voci inesistenti nel bando: %(missing)s.")
                        % {"c": label, "missing": ", ".join(missing)},
                    )
                if category.code in base:
                    _add(
                        errors,
                        "cost_categories",
                        _("Voce «%(c)s»: il forfait non può calcolarsi su se stesso.") % {"c": label},
                    )
        elif category.flat_rate_base:
            _add(
                errors,
                "cost_categories",
                _("Voce «%(c)s»: la base del forfait vale solo per le voci a tasso forfettario.")
                % {"c": label},
            )
        if category.cost_option == CostOption.UNIT_COST and not category.unit_rate:
            _add(
                errors, "cost_categories", _("Voce «%(c)s»: indicare il costo unitario (UCS).") % {"c": label}
            )
        if category.cost_option not in CostOption.values:
            _add(errors, "cost_categories", _("Voce «%(c)s»: opzione di costo non valida.") % {"c": label})
    return errors


def criteria_errors(call: Call, criteria: Iterable[Criterion]) -> Errors:
    """Thresholds within the maximum; the sub-criteria of a macro-criterion add up to its maximum."""
    errors: Errors = {}
    criteria = list(criteria)
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        _add(errors, "criteria", _("Due criteri hanno lo stesso codice."))
    by_pk = {c.pk: c for c in criteria if c.pk}

    def parent_code(criterion: Criterion) -> str | None:
        parent = _cached_value(criterion, "parent")
        if parent is not None:
            return parent.code
        if criterion.parent_id is None:
            return None
        if criterion.parent_id in by_pk:
            return by_pk[criterion.parent_id].code
        return Criterion.objects.filter(pk=criterion.parent_id).values_list("code", flat=True).first()

    children: dict[str, list[Criterion]] = defaultdict(list)
    roots: list[Criterion] = []
    for criterion in criteria:
        code = parent_code(criterion)
        if code is None:
            roots.append(criterion)
        else:
            children[code].append(criterion)
        if criterion.max_points is None or criterion.max_points <= 0:
            _add(
                errors,
                "criteria",
                _("Criterio %(c)s: il punteggio massimo deve essere positivo.") % {"c": criterion.code},
            )
        elif criterion.min_points is not None and criterion.min_points > criterion.max_points:
            _add(
                errors,
                "criteria",
                _("Criterio %(c)s: la soglia minima (%(min)s) supera il punteggio massimo (%(max)s).")
                % {"c": criterion.code, "min": criterion.min_points, "max": criterion.max_points},
            )
        if criterion.min_points is not None and criterion.min_points < 0:
            _add(
                errors,
                "criteria",
                _("Criterio %(c)s: la soglia non può essere negativa.") % {"c": criterion.code},
            )
    for criterion in criteria:
        subs = children.get(criterion.code)
        if subs and criterion.max_points is not None:
            total = sum((s.max_points or Decimal(0) for s in subs), Decimal(0))
            if total != criterion.max_points:
                _add(
                    errors,
                    "criteria",
                    _(
                        "Criterio %(c)s: i sotto-criteri valgono in tutto %(total)s punti, "
                        "ma il massimo del criterio è %(max)s."
                    )
                    % {"c": criterion.code, "total": _points(total), "max": _points(criterion.max_points)},
                )
    root_total = sum((c.max_points or Decimal(0) for c in roots), Decimal(0))
    if call.min_total_score is not None and criteria and call.min_total_score > root_total:
        _add(
            errors,
            "min_total_score",
            _("Il punteggio minimo complessivo (%(min)s) supera il punteggio massimo ottenibile (%(max)s).")
            % {"min": _points(call.min_total_score), "max": _points(root_total)},
        )
    return errors


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}"


def call_consistency_errors(
    call: Call,
    *,
    phases: Iterable[CallPhase] | None = None,
    reserves: Iterable[CallReserve] | None = None,
    cost_categories: Iterable[CostCategory] | None = None,
    criteria: Iterable[Criterion] | None = None,
    siblings_total: Decimal | None = None,
) -> Errors:
    """All the rules a call must respect, keyed by field. Children not given are read from the database."""

    def stored(related_name: str, *related):
        if not call.pk:
            return []
        return list(getattr(call, related_name).select_related(*related))

    errors = call_field_errors(call, siblings_total=siblings_total)
    _merge(errors, phase_errors(call, stored("phases") if phases is None else phases))
    _merge(errors, reserve_errors(call, stored("reserves") if reserves is None else reserves))
    _merge(
        errors,
        cost_category_errors(call, stored("cost_categories") if cost_categories is None else cost_categories),
    )
    _merge(
        errors,
        criteria_errors(call, stored("criteria", "parent") if criteria is None else criteria),
    )
    return errors


def check_call_consistency(call: Call, **children) -> list[str]:
    """The consistency problems of a call as readable lines ("campo: messaggio"); empty when all is well."""
    return [
        f"{field}: {message}"
        for field, messages in call_consistency_errors(call, **children).items()
        for message in messages
    ]


def ensure_call_consistency(call: Call, **children) -> None:
    errors = call_consistency_errors(call, **children)
    if errors:
        raise ValidationError(errors)


def measure_budget_errors(measure: Measure, *, calls_total: Decimal | None = None) -> Errors:
    """The calls of a measure may not spend more than the measure's budget."""
    errors: Errors = {}
    if calls_total is None:
        calls_total = measure.calls.aggregate(total=Sum("budget"))["total"] or ZERO if measure.pk else ZERO
    if measure.budget is not None and calls_total > measure.budget:
        _add(
            errors,
            "budget",
            _("La dotazione della misura (%(budget)s) è inferiore alla somma dei suoi bandi (%(total)s).")
            % {"budget": format_eur(measure.budget), "total": format_eur(calls_total)},
        )
    if not measure.has_public_calls and measure.pk and measure.calls.exists():
        _add(errors, "has_public_calls", _("La misura ha dei bandi: non può essere senza bandi pubblici."))
    return errors


# --- writes -----------------------------------------------------------------------------------------------


def _require_configurer(actor) -> None:
    if not can_configure_programme(actor):
        raise PermissionDenied(_("Non hai i permessi per configurare i bandi."))


@transaction.atomic
def save_call(*, actor, call: Call, reason: str = "", check_children: bool = True) -> Call:
    """Create or change a call: field checks, consistency with the rules it holds, audit.

    ``check_children=False`` checks only the call's own fields: the back-office uses it because its inline
    forms check phases, reserves, cost categories and criteria (with the same rule functions) as they are
    submitted, before they are saved after the call."""
    _require_configurer(actor)
    errors: Errors = {}
    try:
        call.full_clean()
    except ValidationError as exc:
        _merge(errors, exc.message_dict)
    _merge(errors, call_consistency_errors(call) if check_children else call_field_errors(call))
    if errors:
        raise ValidationError(errors)
    return save_audited(call, actor=actor, reason=reason or _("Modifica del bando"))


@transaction.atomic
def save_measure(*, actor, measure: Measure, reason: str = "") -> Measure:
    _require_configurer(actor)
    errors: Errors = {}
    try:
        measure.full_clean()
    except ValidationError as exc:
        _merge(errors, exc.message_dict)
    _merge(errors, measure_budget_errors(measure))
    if errors:
        raise ValidationError(errors)
    return save_audited(measure, actor=actor, reason=reason or _("Modifica della misura"))


def _locked(call: Call) -> Call:
    return Call.objects.select_for_update().select_related("measure").get(pk=call.pk)


@transaction.atomic
def publish_call(*, actor, call: Call) -> Call:
    """draft → published: only a consistent call goes public."""
    _require_configurer(actor)
    call = _locked(call)
    if not can_proceed(call.publish):
        raise ValidationError(
            {
                "status": _("Si può pubblicare solo un bando in preparazione (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    ensure_call_consistency(call)
    call.publish()
    return save_audited(call, actor=actor, reason=_("Pubblicazione del bando"))


@transaction.atomic
def approve_call_ranking(*, actor, call: Call, moment=None) -> Call:
    """published → ranking_approved: only for calls with a ranking, and only after their deadline."""
    _require_configurer(actor)
    call = _locked(call)
    if call.mode != CallMode.RANKING:
        raise ValidationError({"mode": _("Il bando è a sportello: non ha una graduatoria da approvare.")})
    if not can_proceed(call.approve_ranking):
        raise ValidationError(
            {
                "status": _("La graduatoria si approva solo per un bando pubblicato (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    moment = moment or now()
    if moment < call.closes_at:
        raise ValidationError(
            {
                "closes_at": _(
                    "La graduatoria si può approvare solo dopo la scadenza del bando "
                    "(%(deadline)s, ora di Roma)."
                )
                % {"deadline": format_rome(call.closes_at)}
            }
        )
    call.approve_ranking()
    return save_audited(call, actor=actor, reason=_("Approvazione della graduatoria"))


@transaction.atomic
def archive_call(*, actor, call: Call, moment=None) -> Call:
    """published | ranking_approved → archived, once the call has closed."""
    _require_configurer(actor)
    call = _locked(call)
    if not can_proceed(call.archive):
        raise ValidationError(
            {
                "status": _("Si può archiviare solo un bando pubblicato (stato attuale: %(s)s).")
                % {"s": call.get_status_display()}
            }
        )
    moment = moment or now()
    if call.status == CallStatus.PUBLISHED and moment < call.closes_at:
        raise ValidationError(
            {
                "closes_at": _(
                    "Il bando è ancora aperto o di prossima apertura: si archivia dopo la scadenza (%(d)s)."
                )
                % {"d": format_rome(call.closes_at)}
            }
        )
    call.archive()
    return save_audited(call, actor=actor, reason=_("Archiviazione del bando"))

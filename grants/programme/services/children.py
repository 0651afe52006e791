"""The rules on the call's children: phases, reserves, cost categories and criteria."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur
from grants.core.timeutils import format_rome
from grants.core.vocabulary import CompanySize, LegalForm

from ..models import (
    Call,
    CallMode,
    CallPhase,
    CallReserve,
    CostCategory,
    CostOption,
    Criterion,
    ReserveKind,
)
from .common import COMPANY_SIZE_VALUES, LEGAL_FORM_VALUES, Errors, _add, _cached_value, _vocabulary_errors

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
    elif call.budget is not None and total == call.budget:
        for label in _never_bookable(call, reserves):
            _add(
                errors,
                "reserves",
                _(
                    "Le riserve assorbono tutta la dotazione e nessuna copre i proponenti «%(who)s», che il "
                    "bando ammette: le loro domande non potrebbero mai essere prenotate. Riduci le riserve o "
                    "togli questi proponenti da quelli ammessi."
                )
                % {"who": label},
            )
    return errors


def _never_bookable(call: Call, reserves: list[CallReserve]) -> list[str]:
    """First-come calls whose reserves take the whole budget (no general pool): the admitted kinds of lead
    applicant (legal form, and size for companies) that no applicant-type reserve matches. Territorial
    reserves depend on where the project is, so a call with any is not judged here."""
    if call.mode != CallMode.FIRST_COME or not reserves:
        return []
    if any(r.kind != ReserveKind.APPLICANT_TYPE for r in reserves):
        return []
    missing = []
    for form in call.lead_legal_forms or sorted(LEGAL_FORM_VALUES):
        if form == LegalForm.COMPANY:
            sizes = call.lead_company_sizes or sorted(COMPANY_SIZE_VALUES)
            for size in sizes:
                if not any(
                    (not r.legal_forms or form in r.legal_forms)
                    and (not r.company_sizes or size in r.company_sizes)
                    for r in reserves
                ):
                    missing.append(f"{LegalForm(form).label} – {CompanySize(size).label}")
        elif not any(not r.legal_forms or form in r.legal_forms for r in reserves):
            missing.append(str(LegalForm(form).label))
    return missing


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

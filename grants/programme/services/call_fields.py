"""The rules on the call's own fields."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur

from ..models import (
    Call,
)
from .common import COMPANY_SIZE_VALUES, LEGAL_FORM_VALUES, Errors, _add, _has_cached, _vocabulary_errors

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

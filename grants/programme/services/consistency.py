"""All the rules of a call together, and the rule on a measure's budget."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur

from ..models import (
    Call,
    CallPhase,
    CallReserve,
    CostCategory,
    Criterion,
    Measure,
)
from .call_fields import call_field_errors
from .children import cost_category_errors, criteria_errors, phase_errors, reserve_errors
from .common import Errors, _add, _merge


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

"""Every write to programmes, measures and calls, and the consistency rules a call must respect.

The rules are written once, as functions over model instances that may not be saved yet, so that the
back-officeforms, the programme definition loader and the state transitions all check exactly the same things.

One module per sub-domain: common (errors mapping and helpers), call_fields (the call's own fields), children
(phases, reserves, cost categories, criteria), consistency (all of a call's rules, the measure's budget),
writes (saves and transitions); this package re-exports their public names.
"""

from .call_fields import call_field_errors
from .children import cost_category_errors, criteria_errors, phase_errors, reserve_errors
from .common import COMPANY_SIZE_VALUES, LEGAL_FORM_VALUES, Errors
from .consistency import (
    call_consistency_errors,
    check_call_consistency,
    ensure_call_consistency,
    measure_budget_errors,
)
from .staff import assign_call_staff, remove_call_staff
from .writes import approve_call_ranking, archive_call, publish_call, save_call, save_measure

__all__ = [
    "COMPANY_SIZE_VALUES",
    "LEGAL_FORM_VALUES",
    "Errors",
    "approve_call_ranking",
    "archive_call",
    "assign_call_staff",
    "call_consistency_errors",
    "call_field_errors",
    "check_call_consistency",
    "cost_category_errors",
    "criteria_errors",
    "ensure_call_consistency",
    "measure_budget_errors",
    "phase_errors",
    "publish_call",
    "remove_call_staff",
    "reserve_errors",
    "save_call",
    "save_measure",
]

"""Every write of the evaluation context: formal check, integration requests, panel, conflict declarations,
scores and their consolidation, ranking, allocation, approval, renunciation and slide.

Functions are keyword-only, take the acting user first, never a request; they check permissions
(grants.evaluation.permissions), enforce the rules, move the application's state machine
(grants.applications.models.Application.mark_*) and the evaluation entities' own (states in
grants.evaluation.states, transitions ``mark_*`` on the models) and leave history and audit events
(grants.core.audit).

One module per sub-domain: common (errors, checks, lock, notice), admissibility, integration, panel (and
assignments, conflicts), scores (and consensus), executive (two-phase calls), ranking (and approval), slide
(renunciation), rejection (notice of intended rejection, art. 10-bis), reading (the first reading of a
notice, from which a term runs without PEC), desk (grant decisions of first-come calls), below_minimum (the
decision after a notice on a score below the minimum, first-come calls); this package re-exports their
public names.
"""

from .admissibility import ChecklistAnswer, ChecklistItemInput, record_admissibility, save_checklist
from .below_minimum import decide_below_minimum, score_notice
from .common import EvaluationError, WrongState
from .desk import (
    GrantInput,
    close_below_minimum,
    decide_grants,
    flag_below_minimum,
    release_after_revocation,
)
from .executive import create_executive_project
from .integration import (
    answer_integration,
    expire_integration_requests,
    request_integration,
    set_deadline_from_delivery,
)
from .panel import (
    CENT,
    MAX_EVALUATORS_PER_APPLICATION,
    AutoAssignResult,
    DeclarationResult,
    add_panel_member,
    assign,
    auto_assign,
    deactivate_panel_member,
    declare_conflicts,
    set_panel,
)
from .ranking import PENDING_STATUSES, approve_ranking, compute_ranking
from .reading import record_reading
from .rejection import (
    below_minimum,
    in_formal_check,
    lapse_rejection_notices,
    latest_notice,
    notice_required,
    notify_intended_rejection,
    ready_for_decision,
    rescore_pending,
    set_observation_deadline_from_delivery,
    submit_observations,
)
from .scores import _threshold_failures, save_scores, set_consensus
from .slide import record_renunciation

__all__ = [
    "CENT",
    "MAX_EVALUATORS_PER_APPLICATION",
    "PENDING_STATUSES",
    "AutoAssignResult",
    "ChecklistAnswer",
    "ChecklistItemInput",
    "DeclarationResult",
    "EvaluationError",
    "GrantInput",
    "WrongState",
    "_threshold_failures",
    "add_panel_member",
    "answer_integration",
    "approve_ranking",
    "assign",
    "auto_assign",
    "below_minimum",
    "close_below_minimum",
    "compute_ranking",
    "create_executive_project",
    "deactivate_panel_member",
    "decide_below_minimum",
    "decide_grants",
    "declare_conflicts",
    "expire_integration_requests",
    "flag_below_minimum",
    "in_formal_check",
    "lapse_rejection_notices",
    "latest_notice",
    "notice_required",
    "notify_intended_rejection",
    "ready_for_decision",
    "record_admissibility",
    "record_reading",
    "record_renunciation",
    "release_after_revocation",
    "request_integration",
    "rescore_pending",
    "save_checklist",
    "save_scores",
    "score_notice",
    "set_consensus",
    "set_deadline_from_delivery",
    "set_observation_deadline_from_delivery",
    "set_panel",
    "submit_observations",
]

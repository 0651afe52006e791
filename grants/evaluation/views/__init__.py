"""Pages of the evaluation, by who uses them: officers (``officers``: the call's overview and panel, the
formal check of one application with the integration request), evaluators and the panel's president
(``evaluators``: declaration, score sheet, consensus), the head of measure's staff of a call (``staff``:
RUP and officers), the sportello (``desk``: queue and grant decisions; ``desk_notice``: the notice of
intended rejection on a score below the minimum and the decision after it), the ranking (``ranking``:
computation, approval, renunciation) and applicants (``applicants``: executive project, answer to an
integration request).

Thin: each action binds its form (``grants/evaluation/forms.py``), ``services`` decide (their messages are
shown), ``selectors`` read. One URL per action.
"""

from .applicants import (
    executive_project,
    integration_answer,
    integration_document,
    rejection_observations,
)
from .desk import desk_calls, desk_decision, desk_queue, desk_queue_csv
from .desk_notice import desk_notice, desk_notice_decision
from .evaluators import (
    assignment_declare,
    assignment_detail,
    assignment_document,
    assignment_save,
    assignment_submit,
    consensus,
    consensus_list,
    my_assignments,
)
from .officers import (
    admissibility,
    call_overview,
    integration_request,
    panel_auto_assign,
    panel_member_add,
    panel_update,
    rejection_notice,
)
from .ranking import ranking, ranking_approve, ranking_compute, ranking_renounce
from .staff import call_staff, call_staff_add, call_staff_remove
from .workspace import my_calls

__all__ = [
    "admissibility",
    "assignment_declare",
    "assignment_detail",
    "assignment_document",
    "assignment_save",
    "assignment_submit",
    "call_overview",
    "call_staff",
    "call_staff_add",
    "call_staff_remove",
    "consensus",
    "consensus_list",
    "desk_calls",
    "desk_decision",
    "desk_notice",
    "desk_notice_decision",
    "desk_queue",
    "desk_queue_csv",
    "executive_project",
    "integration_answer",
    "integration_document",
    "integration_request",
    "my_assignments",
    "my_calls",
    "panel_auto_assign",
    "panel_member_add",
    "panel_update",
    "ranking",
    "ranking_approve",
    "ranking_compute",
    "ranking_renounce",
    "rejection_notice",
    "rejection_observations",
]

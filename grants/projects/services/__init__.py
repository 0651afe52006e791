"""Every write of the projects context: creation from a funded application, CUP, grant acceptance (atto di
adesione) and start (avvio), change requests and their decisions (budget variations, partner changes,
extensions), suspension and resumption, renunciation and revocation.

Functions are keyword-only, take the acting user first and plain data, never a request; they check the
permissions (grants.projects.permissions), enforce the rules, move the state machines declared in
grants.projects.states and leave history and audit events (grants.core.audit).

One module per sub-domain: common (errors, checks, lock), creation, lifecycle (CUP, agreement, start,
suspension, milestones), notices (and the de minimis register), changes, closure; this package re-exports
their public names.
"""

from .changes import decide_change, request_budget_variation, request_extension, request_partner_change
from .closure import conclude, on_application_defunded, renounce, revoke
from .common import AGREEMENT_MAX_BYTES, ProjectError, WrongState, add_months
from .creation import create_missing_projects, create_project_from_application, refresh_partner_shares
from .lifecycle import (
    assign_cup,
    communicate_start,
    mark_milestone_achieved,
    resume,
    suspend,
    upload_signed_agreement,
)
from .rna import record_rna_cor

__all__ = [
    "AGREEMENT_MAX_BYTES",
    "ProjectError",
    "WrongState",
    "add_months",
    "assign_cup",
    "communicate_start",
    "conclude",
    "create_missing_projects",
    "create_project_from_application",
    "decide_change",
    "mark_milestone_achieved",
    "on_application_defunded",
    "record_rna_cor",
    "refresh_partner_shares",
    "renounce",
    "request_budget_variation",
    "request_extension",
    "request_partner_change",
    "resume",
    "revoke",
    "suspend",
    "upload_signed_agreement",
]

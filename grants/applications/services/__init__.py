"""Every write of the applications context: drafts, partnership, budget, documents, submission, withdrawal,
and the first-come (sportello) booking.

Functions are keyword-only, take the acting user first, never a request; they check permissions
(grants.applications.permissions), enforce the rules and leave history through grants.core.audit.

The submission is built for a click day: one short transaction that locks, in this order, the application
row, then (first-come calls) the call's booking row, then — last, so that the hottest lock of the platform
is held only for two UPDATEs and the commit — the protocol counter of the year.

One module per sub-domain: common (errors, checks, lock), drafts (and partners, budget), attachments
(stamp duty, documents), submission, booking (withdrawal, first-come bookings), retention; this package
re-exports their public names.
"""

from .attachments import attach_document, set_stamp_duty
from .booking import GENERAL_POOL, fund_waiting, reduce_booking, release_booking, withdraw
from .common import (
    AlreadySubmitted,
    ApplicationError,
    IdempotencyKeyReused,
    NotEditable,
    OutsideSubmissionWindow,
    SubmissionRefused,
)
from .drafts import (
    BudgetLineInput,
    PartnerInput,
    confirm_participation,
    create_draft,
    set_budget,
    set_partners,
    set_proposed_targets,
    update_general,
)
from .invitations import RESEND_AFTER, InvitationTooSoon, resend_partner_invitation
from .retention import delete_stale_drafts, months_before, stale_drafts
from .submission import MAX_IDEMPOTENCY_KEY_LENGTH, SubmissionResult, submit

__all__ = [
    "GENERAL_POOL",
    "MAX_IDEMPOTENCY_KEY_LENGTH",
    "RESEND_AFTER",
    "AlreadySubmitted",
    "ApplicationError",
    "BudgetLineInput",
    "IdempotencyKeyReused",
    "InvitationTooSoon",
    "NotEditable",
    "OutsideSubmissionWindow",
    "PartnerInput",
    "SubmissionRefused",
    "SubmissionResult",
    "attach_document",
    "confirm_participation",
    "create_draft",
    "delete_stale_drafts",
    "fund_waiting",
    "months_before",
    "reduce_booking",
    "release_booking",
    "resend_partner_invitation",
    "set_budget",
    "set_partners",
    "set_proposed_targets",
    "set_stamp_duty",
    "stale_drafts",
    "submit",
    "update_general",
    "withdraw",
]

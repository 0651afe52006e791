"""Pages of the applications context: my applications, start a draft, the draft with its sections, submission,
receipt, withdrawal, partner confirmations; for officers, the applications submitted to a call.

Thin: forms collect the data, ``services`` decide (their field-level errors are shown next to the field),
``selectors`` read. Another organisation's application answers 404, the same as one that does not exist.
"""

from .common import BUDGET_FIELDS, SECTIONS, section_of
from .drafts import (
    PARTNER_FIELDS,
    SECTION_HANDLERS,
    CategorySummary,
    DocumentSlot,
    application_detail,
    application_list,
    participate,
    resend_invitation,
    save_section,
)

# officer_views.py uses the officers' lookups
from .officers import _forbidden, _officer_call, officer_application_detail, officer_application_list  # noqa: F401
from .partnerships import partnerships
from .submission import (
    application_document,
    application_receipt,
    application_submit,
    application_submitted,
    application_withdraw,
    receipt_response,
)

__all__ = [
    "BUDGET_FIELDS",
    "PARTNER_FIELDS",
    "SECTIONS",
    "SECTION_HANDLERS",
    "CategorySummary",
    "DocumentSlot",
    "application_detail",
    "application_document",
    "application_list",
    "application_receipt",
    "application_submit",
    "application_submitted",
    "application_withdraw",
    "officer_application_detail",
    "officer_application_list",
    "participate",
    "partnerships",
    "receipt_response",
    "resend_invitation",
    "save_section",
    "section_of",
]

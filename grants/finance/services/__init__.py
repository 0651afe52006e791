"""Every write of the finance context: payment plans, guarantees, payments within their ceilings, loans and
repayments, expense claims and their first-level control, recoveries.

Functions are keyword-only, take the acting user and plain data, check the permission and the rule, and
write audit (grants.core.audit). Refusals raise ``FinanceError`` (422, with the field at fault),
``WrongState`` (409) or ``PermissionDenied``; objects the actor may not read are the caller's 404.

One module per sub-domain: common (errors, checks, money input), payments (plan, guarantees, payments),
loans, claims (the beneficiary's side), controls (the controllers' side), project_controllers (who
controls each project), recoveries; this package re-exports their public names.
"""

from .claims import (
    ItemInput,
    add_item,
    attach_to_item,
    create_claim,
    normalise_tax_id,
    remove_item,
    submit_claim,
    submit_counter_arguments,
)
from .common import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    CHECKLIST,
    CLAIMABLE_PROJECT_STATUSES,
    DuplicateDocument,
    FinanceError,
    WrongState,
)
from .controls import assign_controller, check_item, close_check, finalise_claim, save_checklist
from .einvoices import import_einvoice
from .loans import record_loan, record_repayment
from .payments import (
    approve_payment,
    declare_dedicated_account,
    default_causale,
    mark_paid,
    propose_payment,
    record_guarantee,
    reject_payment,
    save_payment_plan,
    validate_iban,
)
from .project_controllers import assign_project_controller, remove_project_controller
from .recoveries import open_recovery_for_revocation, record_recovered
from .sepa import export_credit_transfer

__all__ = [
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "CHECKLIST",
    "CLAIMABLE_PROJECT_STATUSES",
    "DuplicateDocument",
    "FinanceError",
    "ItemInput",
    "WrongState",
    "add_item",
    "approve_payment",
    "assign_controller",
    "assign_project_controller",
    "attach_to_item",
    "check_item",
    "close_check",
    "create_claim",
    "declare_dedicated_account",
    "default_causale",
    "export_credit_transfer",
    "finalise_claim",
    "import_einvoice",
    "mark_paid",
    "normalise_tax_id",
    "open_recovery_for_revocation",
    "propose_payment",
    "record_guarantee",
    "record_loan",
    "record_recovered",
    "record_repayment",
    "reject_payment",
    "remove_item",
    "remove_project_controller",
    "save_checklist",
    "save_payment_plan",
    "submit_claim",
    "submit_counter_arguments",
    "validate_iban",
]

"""Money after the grant: payment plans, guarantees, payments, loans, expense claims with their first-level
control, recoveries.

Every write goes through grants.finance.services (rules, ceilings, audit); the states are declared in
grants.finance.states and the transitions here. Amounts are Decimal (grants.core.money), never negative.

One module per sub-domain: payments (payment plan, guarantees, payments), loans (loans, instalments,
repayments), claims (expense claims, items, attachments, duplicate attempts, checklist answers), recoveries,
controllers (who controls each project).
This package imports every model so that Django finds them and re-exports every public name;
``attachment_upload_to`` stays importable here, where the migrations reference it.
"""

from .claims import (
    ChecklistAnswer,
    DocumentType,
    DuplicateAttempt,
    ExpenseAttachment,
    ExpenseClaim,
    ExpenseItem,
    PaymentMethod,
    attachment_upload_to,
)
from .controllers import ProjectController
from .invoices import EInvoice
from .loans import Loan, LoanInstalment, LoanRepayment
from .payments import (
    DEFAULT_ADVANCE_PERCENT,
    DEFAULT_INTERIM_THRESHOLDS,
    DEFAULT_RETENTION_PERCENT,
    DedicatedAccount,
    Guarantee,
    Payment,
    PaymentPlan,
    plan_for,
)
from .recoveries import Recovery
from .rna import RnaRecord

__all__ = [
    "DEFAULT_ADVANCE_PERCENT",
    "DEFAULT_INTERIM_THRESHOLDS",
    "DEFAULT_RETENTION_PERCENT",
    "ChecklistAnswer",
    "DedicatedAccount",
    "DocumentType",
    "DuplicateAttempt",
    "EInvoice",
    "ExpenseAttachment",
    "ExpenseClaim",
    "ExpenseItem",
    "Guarantee",
    "Loan",
    "LoanInstalment",
    "LoanRepayment",
    "Payment",
    "PaymentMethod",
    "PaymentPlan",
    "ProjectController",
    "Recovery",
    "RnaRecord",
    "attachment_upload_to",
    "plan_for",
]

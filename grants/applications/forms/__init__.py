"""Forms of the application pages: one per section of the draft. They collect plain data; the rules live in
``services`` (which answer with field-level errors) and ``rules``."""

from .actions import DocumentForm, OfficerFilterForm, StampDutyForm, SubmitForm, WithdrawForm
from .common import HUNDRED, SectionFormMixin
from .sections import (
    MUNICIPALITY_WITH_PROVINCE,
    BaseBudgetFormSet,
    BasePartnerFormSet,
    BudgetFormSet,
    BudgetLineForm,
    CategorySelect,
    GeneralForm,
    LeadShareForm,
    PartnerForm,
    PartnerFormSet,
    budget_initial,
    partner_initial,
    resolve_municipalities,
)

__all__ = [
    "HUNDRED",
    "MUNICIPALITY_WITH_PROVINCE",
    "BaseBudgetFormSet",
    "BasePartnerFormSet",
    "BudgetFormSet",
    "BudgetLineForm",
    "CategorySelect",
    "DocumentForm",
    "GeneralForm",
    "LeadShareForm",
    "OfficerFilterForm",
    "PartnerForm",
    "PartnerFormSet",
    "SectionFormMixin",
    "StampDutyForm",
    "SubmitForm",
    "WithdrawForm",
    "budget_initial",
    "partner_initial",
    "resolve_municipalities",
]

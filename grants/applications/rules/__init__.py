"""The checks an application must pass against its call, as pure functions over plain data.

``selectors.rule_inputs(application)`` reads the database once and builds the two inputs; each rule returns
a list of ``Violation`` (code, field, Italian message with the numbers). ``check`` runs them all: the
``/checks`` endpoint shows the result live, and ``services.submit`` refuses while any is left.

One module per sub-domain: common (inputs, violation, helpers), eligibility (general section, territory,
applicant), partnership, amounts (budget, cost, grant, co-financing, caps), compliance (documents, de minimis,
stamp duty), catalogue (``RULES`` and ``check``); this package re-exports their public names.
"""

from .amounts import budget_totals, category_caps, cofinancing_and_intensity, project_cost, requested_grant
from .catalogue import RULES, check
from .common import (
    DE_MINIMIS,
    PUBLIC_LEGAL_FORMS,
    ApplicationFacts,
    CallTerms,
    DeMinimisFacts,
    DistrictFacts,
    DocumentRule,
    MemberDeMinimis,
    PartnerFacts,
    Rule,
    Violation,
    format_percent,
)
from .compliance import de_minimis_ceiling, de_minimis_shares, documents, stamp_duty
from .eligibility import applicant_legal_form, ateco_sectors, general_section, territory
from .partnership import (
    partner_confirmation,
    partner_count,
    partner_legal_forms,
    partner_shares,
    public_private_partnership,
)

__all__ = [
    "DE_MINIMIS",
    "PUBLIC_LEGAL_FORMS",
    "RULES",
    "ApplicationFacts",
    "CallTerms",
    "DeMinimisFacts",
    "DistrictFacts",
    "DocumentRule",
    "MemberDeMinimis",
    "PartnerFacts",
    "Rule",
    "Violation",
    "applicant_legal_form",
    "ateco_sectors",
    "budget_totals",
    "category_caps",
    "check",
    "cofinancing_and_intensity",
    "de_minimis_ceiling",
    "de_minimis_shares",
    "documents",
    "format_percent",
    "general_section",
    "partner_confirmation",
    "partner_count",
    "partner_legal_forms",
    "partner_shares",
    "project_cost",
    "public_private_partnership",
    "requested_grant",
    "stamp_duty",
    "territory",
]

"""Every rule in the order they are checked, and ``check`` that runs them all."""

from .amounts import budget_totals, category_caps, cofinancing_and_intensity, project_cost, requested_grant
from .common import ApplicationFacts, CallTerms, Rule, Violation
from .compliance import de_minimis_ceiling, documents, stamp_duty
from .eligibility import applicant_legal_form, ateco_sectors, general_section, territory
from .partnership import (
    partner_confirmation,
    partner_count,
    partner_legal_forms,
    partner_shares,
    public_private_partnership,
)

RULES: tuple[Rule, ...] = (
    general_section,
    territory,
    applicant_legal_form,
    ateco_sectors,
    partner_legal_forms,
    partner_count,
    partner_shares,
    partner_confirmation,
    public_private_partnership,
    budget_totals,
    project_cost,
    requested_grant,
    cofinancing_and_intensity,
    category_caps,
    de_minimis_ceiling,
    documents,
    stamp_duty,
)


def check(terms: CallTerms, facts: ApplicationFacts) -> list[Violation]:
    found: list[Violation] = []
    for rule in RULES:
        found.extend(rule(terms, facts))
    return found

"""Each company's part of a project's de minimis aid: the lead and the company partners (companies and social
cooperatives, grants.registry.deminimis.UNDERTAKING_FORMS) by their share of the partnership, split to the
cent so that the parts add up to the aid. Used for the grant (on acceptance, grants.projects.services.notices)
and for a loan's gross grant equivalent (grants.finance.services.loans)."""

from decimal import Decimal

from grants.core.money import ZERO
from grants.programme.models import AidInstrument
from grants.registry.deminimis import UNDERTAKING_FORMS, member_percents, split_by_shares
from grants.registry.models import Organisation

from .models import Project
from .states import PartnerRole


def company_shares(project: Project, amount: Decimal) -> list[tuple[Organisation, Decimal, bool]]:
    """(organisation, its part of ``amount``, is the lead) for each company with a part above zero. The lead
    takes what the partners' shares leave when it has none; public partners and unregistered ones have a
    part of the split (their share is not aid to an undertaking) but are not returned."""
    partners = list(project.partners.select_related("organisation", "application_partner").order_by("order"))
    lead = next((p for p in partners if p.role == PartnerRole.LEAD), None)
    others = [p for p in partners if p is not lead]

    def percent(partner) -> Decimal:
        return partner.application_partner.share_percent if partner.application_partner_id else Decimal(0)

    members = [lead, *others] if lead is not None else others
    percents = member_percents(percent(lead) if lead else Decimal(0), [percent(p) for p in others])
    if lead is None:
        percents = percents[1:]
    result = []
    for partner, part in zip(members, split_by_shares(amount, percents), strict=True):
        org = partner.organisation
        if org is None or part <= ZERO:
            continue
        if partner is not lead and org.legal_form not in UNDERTAKING_FORMS:
            continue
        result.append((org, part, partner is lead))
    return result


def grant_aid(project: Project, *, loan_amount: Decimal = ZERO) -> Decimal:
    """The part of the project's grant that is a non-repayable contribution: a loan is aid by its gross grant
    equivalent, recorded with the loan, never by its nominal amount (no double count)."""
    if project.call.aid_instrument == AidInstrument.LOAN:
        return ZERO
    return max(project.grant - loan_amount, ZERO)

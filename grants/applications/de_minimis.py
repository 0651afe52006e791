"""Reads for the de minimis check of a partnership: where each company of the lead and the partners stands
(its single undertaking's register, grants.registry.selectors.de_minimis_position) and its share of the
requested grant. The rule (``rules.compliance.de_minimis_ceiling``) and the pages read the same members."""

from dataclasses import dataclass
from decimal import Decimal

from grants.registry.deminimis import UNDERTAKING_FORMS, member_percents
from grants.registry.selectors import de_minimis_position

from .rules import ApplicationFacts, MemberDeMinimis, de_minimis_shares
from .states import PartnerRole


def members_of(partners, *, lead_position=None) -> tuple[MemberDeMinimis, ...]:
    """The lead then the partners (``partners``: the application's partner rows with their organisations, in
    order). The lead counts whatever its form (the call admits it as the beneficiary of de minimis aid);
    a partner counts when it is a company or a social cooperative."""
    lead = next((p for p in partners if p.role == PartnerRole.LEAD), None)
    others = [p for p in partners if p.role == PartnerRole.PARTNER]
    lead_percent = lead.share_percent if lead else Decimal(100)
    percents = member_percents(lead_percent, [p.share_percent for p in others])
    members = []
    for index, (row, percent) in enumerate(zip([lead, *others], percents, strict=True)):
        if row is None:
            continue
        organisation = row.organisation if row.organisation_id else None
        is_undertaking = index == 0 or row.effective_legal_form in UNDERTAKING_FORMS
        if organisation is None or not is_undertaking:
            members.append(
                MemberDeMinimis(
                    name=row.display_name,
                    share_percent=percent,
                    is_undertaking=is_undertaking,
                    registered=organisation is not None,
                )
            )
            continue
        position = lead_position if index == 0 and lead_position is not None else None
        position = position or de_minimis_position(organisation)
        members.append(
            MemberDeMinimis(
                name=organisation.name,
                share_percent=percent,
                is_undertaking=True,
                used=position.used,
                headroom=position.headroom,
                undertaking_key=min(position.organisation_ids),
            )
        )
    return tuple(members)


@dataclass(frozen=True)
class MemberRow:
    """A line of the partnership's de minimis table."""

    name: str
    share_percent: Decimal
    share: Decimal
    used: Decimal | None  # None: not an undertaking, or not registered
    headroom: Decimal | None
    is_undertaking: bool
    registered: bool

    @property
    def exceeds(self) -> bool:
        return self.headroom is not None and self.share > self.headroom


def partnership_table(application) -> list[MemberRow]:
    """Company, already received in the period, headroom and its share of this application, per member."""
    partners = list(application.partners.select_related("organisation").order_by("order", "pk"))
    members = members_of(partners)
    facts = ApplicationFacts(requested_grant=application.requested_grant, de_minimis_members=members)
    return [
        MemberRow(
            name=member.name,
            share_percent=member.share_percent,
            share=share,
            used=member.used if member.is_undertaking and member.registered else None,
            headroom=member.headroom if member.is_undertaking and member.registered else None,
            is_undertaking=member.is_undertaking,
            registered=member.registered,
        )
        for member, share in de_minimis_shares(facts)
    ]

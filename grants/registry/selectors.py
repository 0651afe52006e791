"""Reads of the registry, shaped for the pages and the API (one query per list, no N+1)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet, Sum

from grants.core.money import ZERO
from grants.core.timeutils import in_rome, now

from . import deminimis
from .models import (
    DeMinimisAid,
    DeMinimisFamily,
    DeMinimisRegulation,
    Membership,
    Organisation,
    UndertakingLink,
    UndertakingLinkStatus,
    UndertakingRelationship,
)
from .permissions import acting_organisations, sees_all_organisations
from .validators import normalise_fiscal_code


def visible_organisations(user) -> QuerySet[Organisation]:
    """Every organisation for staff who may see the registry; otherwise those the user acts for."""
    if sees_all_organisations(user):
        queryset = Organisation.objects.all()
    else:
        queryset = Organisation.objects.filter(pk__in=acting_organisations(user).values("pk"))
    return queryset.select_related("seat__province").order_by("name", "pk")


def acting_organisation(user, pk: int) -> Organisation | None:
    """One organisation the user acts for, or None: one that exists but is not theirs is just as absent."""
    return acting_organisations(user).filter(pk=pk).first()


def authorised_signers(organisation: Organisation) -> set[str]:
    """Codici fiscali whose digital signature binds the organisation: its registered legal representative and
    the people with an active membership (legal representative or delegate) who have a codice fiscale."""
    codes = {organisation.legal_representative_fiscal_code}
    codes.update(
        Membership.objects.filter(organisation=organisation, revoked_at__isnull=True)
        .exclude(user__fiscal_code__isnull=True)
        .exclude(user__fiscal_code="")
        .values_list("user__fiscal_code", flat=True)
    )
    return {code.upper() for code in codes if code}


def organisation_by_fiscal_code(value) -> Organisation | None:
    """The registered organisation with this codice fiscale (typed with spaces or lower case), or None."""
    code = normalise_fiscal_code(value)
    return Organisation.objects.filter(fiscal_code=code).first() if code else None


def active_members_prefetch() -> Prefetch:
    """Active memberships with their people, stored on each organisation as ``active_memberships``."""
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(revoked_at__isnull=True)
        .select_related("user", "granted_by")
        .order_by("role", "user__last_name", "user__first_name", "user__email"),
        to_attr="active_memberships",
    )


def visible_organisation(user, pk: int) -> Organisation:
    """One organisation the user may see; ``Organisation.DoesNotExist`` otherwise (answer 404 either way)."""
    return visible_organisations(user).get(pk=pk)


def organisation_with_members(user, pk: int) -> Organisation:
    """One visible organisation, its seat and its active members (3 queries whatever the number of members).

    Raises ``Organisation.DoesNotExist`` when it does not exist or the user may not see it, so that callers
    answer 404 in both cases and do not reveal which organisations exist.
    """
    return visible_organisations(user).prefetch_related(active_members_prefetch()).get(pk=pk)


def organisation_memberships(
    organisation: Organisation, *, include_revoked: bool = False
) -> QuerySet[Membership]:
    queryset = Membership.objects.filter(organisation=organisation)
    if not include_revoked:
        queryset = queryset.filter(revoked_at__isnull=True)
    return queryset.select_related("user", "granted_by").order_by("role", "user__email", "pk")


def active_memberships(user) -> QuerySet[Membership]:
    """The user's active memberships with their organisations (for "Le mie organizzazioni")."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("organisation__seat__province")
        .order_by("organisation__name", "pk")
    )


def organisation_membership(organisation: Organisation, membership_id: int) -> Membership:
    """One membership (active or not) of the organisation; ``Membership.DoesNotExist`` if it is another's."""
    return Membership.objects.select_related("user", "granted_by", "organisation").get(
        pk=membership_id, organisation=organisation
    )


# --- de minimis -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeMinimisPosition:
    """Where a single undertaking stands for a grant on ``at``: None regulation = none in force then.

    ``checks`` are the ceilings the grant must fit (``deminimis.cumulation_rules``: for a general grant, the
    general ceiling for general + agricultural + fishery aid and the SIEG ceiling for all aid); ``ceiling``
    and ``used`` are those of the binding one (the least headroom), ``headroom`` what fits them all."""

    at: date
    regulation: DeMinimisRegulation | None
    organisation_ids: frozenset[int]
    # Named by this organisation's own pending declarations: counted in ``used`` for it only.
    pending_organisation_ids: frozenset[int] = frozenset()
    period_start: date | None = None
    ceiling: Decimal = ZERO
    used: Decimal = ZERO
    checks: tuple[deminimis.CeilingCheck, ...] = ()

    @property
    def headroom(self) -> Decimal:
        if not self.regulation:
            return ZERO
        if self.checks:
            return deminimis.binding(self.checks).headroom
        return deminimis.headroom(self.ceiling, self.used)


def regulation_in_force(at: date, family: str = DeMinimisFamily.GENERAL) -> DeMinimisRegulation | None:
    return (
        DeMinimisRegulation.objects.filter(family=family, valid_from__lte=at)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=at))
        .order_by("-valid_from")
        .first()
    )


def single_undertaking_ids(organisation: Organisation) -> frozenset[int]:
    """The organisation and every one reachable through active confirmed links, both ways (one query per
    level). Pending declarations are not followed: see ``pending_declared_ids``."""
    found = {organisation.pk}
    frontier = {organisation.pk}
    while frontier:
        pairs = UndertakingLink.objects.filter(
            ended_at__isnull=True, status=UndertakingLinkStatus.CONFIRMED
        ).filter(Q(organisation_id__in=frontier) | Q(linked_organisation_id__in=frontier))
        reached = set()
        for left, right in pairs.values_list("organisation_id", "linked_organisation_id"):
            reached.update((left, right))
        frontier = reached - found
        found |= frontier
    return frozenset(found)


def pending_declared_ids(organisation: Organisation) -> frozenset[int]:
    """Organisations this one declared linked that have not confirmed yet: their aid counts for the
    declarant only (a declaration binds who makes it, never the organisation it names)."""
    return frozenset(
        UndertakingLink.objects.filter(
            organisation=organisation, ended_at__isnull=True, status=UndertakingLinkStatus.PENDING
        ).values_list("linked_organisation_id", flat=True)
    )


def de_minimis_position(
    organisation: Organisation, *, at: date | None = None, family: str = DeMinimisFamily.GENERAL
) -> DeMinimisPosition:
    """Ceilings, used amounts and headroom of the organisation's single undertaking for a grant on ``at``
    under the regulation of ``family`` in force then (general by default: the platform's grants)."""
    at = at or in_rome(now()).date()
    ids = single_undertaking_ids(organisation)
    pending = pending_declared_ids(organisation) - ids
    regulation = regulation_in_force(at, family)
    if regulation is None:
        return DeMinimisPosition(
            at=at, regulation=None, organisation_ids=ids, pending_organisation_ids=pending
        )
    period = deminimis.Period(kind=regulation.period_kind, years=regulation.period_years)
    start = deminimis.period_start(period, at)
    totals = (
        DeMinimisAid.objects.filter(
            organisation_id__in=ids | pending, granted_on__gte=start, granted_on__lte=at
        )
        .values("regulation__family")
        .annotate(total=Sum(F("amount") - F("revoked_amount")))
    )
    used_by_family = {row["regulation__family"]: row["total"] or ZERO for row in totals}
    general = regulation_in_force(at, DeMinimisFamily.GENERAL)
    sieg = regulation_in_force(at, DeMinimisFamily.SIEG)
    rules = deminimis.cumulation_rules(
        regulation.family,
        regulation.ceiling,
        general_ceiling=general.ceiling if general else None,
        sieg_ceiling=sieg.ceiling if sieg else None,
    )
    checks = deminimis.checks(rules, used_by_family)
    binding = deminimis.binding(checks)
    return DeMinimisPosition(
        at=at,
        regulation=regulation,
        organisation_ids=ids,
        pending_organisation_ids=pending,
        period_start=start,
        ceiling=binding.rule.ceiling,
        used=binding.used,
        checks=checks,
    )


def de_minimis_aid_of(organisation: Organisation) -> QuerySet[DeMinimisAid]:
    return DeMinimisAid.objects.filter(organisation=organisation).select_related("regulation", "recorded_by")


def undertaking_links_of(organisation: Organisation) -> QuerySet[UndertakingLink]:
    """Active links declared by or naming the organisation (confirmed, or pending either way)."""
    return (
        UndertakingLink.objects.filter(ended_at__isnull=True)
        .filter(Q(organisation=organisation) | Q(linked_organisation=organisation))
        .select_related("organisation", "linked_organisation", "declared_by")
        .order_by("pk")
    )


def link_requests_to(organisation: Organisation) -> QuerySet[UndertakingLink]:
    """Pending declarations of other organisations naming this one: it confirms or refuses them."""
    return undertaking_links_of(organisation).filter(
        linked_organisation=organisation, status=UndertakingLinkStatus.PENDING
    )


@dataclass(frozen=True)
class LinkView:
    """A link as one organisation sees it: the other side's name only once the link is confirmed (or when
    the other side is the declarant asking to be linked), otherwise just the fiscal code that was typed."""

    id: int
    organisation_id: int
    linked_organisation_id: int | None
    linked_organisation_name: str | None
    linked_organisation_fiscal_code: str
    relationship: str
    relationship_label: str
    status: str
    status_label: str
    declared_by_this: bool

    @property
    def awaits_answer_of_this(self) -> bool:
        return self.status == UndertakingLinkStatus.PENDING and not self.declared_by_this


MIRRORED_RELATIONSHIP = {
    UndertakingRelationship.CONTROLS: UndertakingRelationship.CONTROLLED_BY,
    UndertakingRelationship.CONTROLLED_BY: UndertakingRelationship.CONTROLS,
    UndertakingRelationship.OTHER: UndertakingRelationship.OTHER,
}


def link_views_of(organisation: Organisation) -> list[LinkView]:
    views = []
    for link in undertaking_links_of(organisation):
        mine = link.organisation_id == organisation.pk
        other = link.linked_organisation if mine else link.organisation
        relationship = UndertakingRelationship(link.relationship)
        if not mine:
            relationship = MIRRORED_RELATIONSHIP[relationship]
        # The named organisation stays anonymous to the declarant until it confirms.
        hidden = mine and link.status != UndertakingLinkStatus.CONFIRMED
        views.append(
            LinkView(
                id=link.pk,
                organisation_id=organisation.pk,
                linked_organisation_id=None if hidden else other.pk,
                linked_organisation_name=None if hidden else other.name,
                linked_organisation_fiscal_code=other.fiscal_code,
                relationship=relationship.value,
                relationship_label=str(relationship.label),
                status=link.status,
                status_label=str(UndertakingLinkStatus(link.status).label),
                declared_by_this=mine,
            )
        )
    return views


def link_view_of(organisation: Organisation, link_id: int) -> LinkView | None:
    return next((view for view in link_views_of(organisation) if view.id == link_id), None)

"""Reads of the registry, shaped for the pages and the API (one query per list, no N+1)."""

from django.db.models import Prefetch, QuerySet

from .models import Membership, Organisation
from .permissions import acting_organisations, sees_all_organisations


def visible_organisations(user) -> QuerySet[Organisation]:
    """Every organisation for staff who may see the registry; otherwise those the user acts for."""
    if sees_all_organisations(user):
        queryset = Organisation.objects.all()
    else:
        queryset = Organisation.objects.filter(pk__in=acting_organisations(user).values("pk"))
    return queryset.select_related("seat__province").order_by("name", "pk")


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

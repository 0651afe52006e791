"""Who may see and act for an organisation: the one policy used by pages, API and services.

- A person acts for an organisation through an *active* membership (not revoked): as its legal
  representative or as a delegate.
- The Region's staff see every organisation when they hold ``registry.view_organisation`` (officers, managers,
  controllers, administrators); superusers always do.
- Members are managed (delegates granted and revoked) by an active legal representative, or by staff holding
  ``registry.change_membership``. Anyone may give up their own delegation.
- The organisation's record is changed by an active legal representative, or by staff holding
  ``registry.change_organisation``. Delegates act in applications, they do not rewrite the registry record.
"""

from django.db.models import QuerySet

from .models import Membership, MembershipRole, Organisation


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _staff_with(user, permission: str) -> bool:
    return user.is_superuser or (user.is_staff and user.has_perm(permission))


def sees_all_organisations(user) -> bool:
    """Staff with the registry view permission (and superusers) see every organisation."""
    return _is_signed_in(user) and _staff_with(user, "registry.view_organisation")


def _active_role(user, organisation: Organisation) -> str | None:
    """The role of the user's active membership in the organisation, or None."""
    if not _is_signed_in(user) or organisation.pk is None:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation, revoked_at__isnull=True)
        .values_list("role", flat=True)
        .first()
    )


def is_member(user, organisation: Organisation) -> bool:
    return _active_role(user, organisation) is not None


def is_legal_representative(user, organisation: Organisation) -> bool:
    return _active_role(user, organisation) == MembershipRole.LEGAL_REPRESENTATIVE


def acting_organisations(user) -> QuerySet[Organisation]:
    """Organisations the user may act for (an active membership), whatever their staff rights."""
    if not _is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__revoked_at__isnull=True
    ).distinct()


def can_view_organisation(user, organisation: Organisation) -> bool:
    if not _is_signed_in(user):
        return False
    return sees_all_organisations(user) or is_member(user, organisation)


def can_change_organisation(user, organisation: Organisation) -> bool:
    if not _is_signed_in(user):
        return False
    return _staff_with(user, "registry.change_organisation") or is_legal_representative(user, organisation)


def can_manage_members(user, organisation: Organisation) -> bool:
    """Grant and revoke delegates: an active legal representative, or staff with
    registry.change_membership."""
    if not _is_signed_in(user):
        return False
    return _staff_with(user, "registry.change_membership") or is_legal_representative(user, organisation)


def can_revoke_membership(user, membership: Membership) -> bool:
    """Those who manage the members, and the member themselves (a delegate may give up the delegation)."""
    if not _is_signed_in(user):
        return False
    return membership.user_id == user.pk or can_manage_members(user, membership.organisation)


def revocable_membership_ids(user, organisation: Organisation, memberships) -> set[int]:
    """Ids among ``memberships`` (of one organisation) that ``can_revoke_membership`` allows, in one query."""
    if not _is_signed_in(user):
        return set()
    if can_manage_members(user, organisation):
        return {membership.pk for membership in memberships}
    return {membership.pk for membership in memberships if membership.user_id == user.pk}


def can_declare_de_minimis(user, organisation: Organisation) -> bool:
    """Declare aid received elsewhere and the links of the single undertaking: the organisation's active
    members (a self-declaration under DPR 445/2000), or staff holding registry.change_organisation."""
    if not _is_signed_in(user):
        return False
    return _staff_with(user, "registry.change_organisation") or is_member(user, organisation)


def can_record_concession(user) -> bool:
    """Concessions through the platform are recorded by the Region's staff (the act of granting is theirs)."""
    return _is_signed_in(user) and (user.is_superuser or user.is_staff)

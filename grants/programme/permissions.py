"""Who may configure programmes and calls, and which calls each visitor may see."""

from django.db.models import QuerySet

from .models import Call, CallStaff, CallStatus


def can_configure_programme(user) -> bool:
    """Programme officers, managers and administrators: the standard Django permission on calls."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm("programme.change_call")
    )


def can_see_draft_calls(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("programme.view_call")
    )


def visible_calls(user, queryset: QuerySet[Call] | None = None) -> QuerySet[Call]:
    """Visitors and applicants see every call but drafts; staff allowed to view calls see them all."""
    queryset = Call.objects.all() if queryset is None else queryset
    if can_see_draft_calls(user):
        return queryset
    return queryset.exclude(status=CallStatus.DRAFT)


# --- the staff of each call ---------------------------------------------------------------------------------
def _is_active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can_assign_call_staff(user) -> bool:
    """The head of measure (responsabile di misura) and superusers: they assign the RUP and the officers."""
    return _is_active(user) and (user.is_superuser or user.has_perm("programme.assign_call_staff"))


def sees_every_call(user) -> bool:
    """Staff whose rights reach every call: superusers and whoever assigns the calls' staff."""
    return can_assign_call_staff(user)


def staff_call_ids(user):
    """Ids of the calls the user is RUP or officer of (a subquery, evaluated by the database)."""
    if not _is_active(user):
        return CallStaff.objects.none().values("call_id")
    return CallStaff.objects.filter(user=user).values("call_id")


def staff_calls(user, queryset: QuerySet[Call] | None = None) -> QuerySet[Call]:
    """The calls a staff member works on: every call for the head of measure and superusers, the calls one
    is RUP or officer of for everyone else (an officer's rights are per role *and* per call)."""
    queryset = Call.objects.all() if queryset is None else queryset
    if sees_every_call(user):
        return queryset
    return queryset.filter(pk__in=staff_call_ids(user))


def is_call_staff(user, call) -> bool:
    """Whether the user's staff rights reach ``call`` (a Call or its id); False for None."""
    call_id = getattr(call, "pk", call)
    if call_id is None or not _is_active(user):
        return False
    return sees_every_call(user) or CallStaff.objects.filter(user=user, call_id=call_id).exists()


def scope_to_staff_calls(user, queryset: QuerySet, call_field: str = "call") -> QuerySet:
    """Narrow any queryset of objects of a call (``call_field`` is the path to the call, e.g.
    ``application__call``) to the calls the staff member works on."""
    if sees_every_call(user):
        return queryset
    return queryset.filter(**{f"{call_field}__in": staff_call_ids(user)})

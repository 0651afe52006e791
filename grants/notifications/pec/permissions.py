"""Who sees formal notices by PEC and records their receipts: staff holding ``notifications.view_pecnotice``
(officers and heads of measure by role), on the calls they work on (grants.programme.permissions); a notice
of another call does not exist to them (404). A notice without a call is seen by who sees every call."""

from django.db.models import QuerySet

from grants.programme.permissions import is_call_staff, scope_to_staff_calls, sees_every_call

from .models import PecNotice


def can_manage_pec(user, call=None) -> bool:
    if not (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("notifications.view_pecnotice")
    ):
        return False
    return call is None or is_call_staff(user, call)


def visible_notices(user, queryset: QuerySet[PecNotice] | None = None) -> QuerySet[PecNotice]:
    queryset = PecNotice.objects.all() if queryset is None else queryset
    if not can_manage_pec(user):
        return queryset.none()
    if sees_every_call(user):
        return queryset
    return scope_to_staff_calls(user, queryset.filter(call__isnull=False), "call")

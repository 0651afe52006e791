"""Who may configure programmes and calls, and which calls each visitor may see."""

from django.db.models import QuerySet

from .models import Call, CallStatus


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

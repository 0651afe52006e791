"""Reads of the notifications context: a user's own notifications and preferences (never anyone else's)."""

from django.db.models import QuerySet

from .events import EVENTS
from .models import Notification, NotificationPreference


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (empty for an anonymous visitor)."""
    if not _signed_in(user):
        return Notification.objects.none()
    queryset = Notification.objects.filter(user=user).select_related("organisation", "actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def notification_for(user, pk: int) -> Notification:
    """One of the user's notifications; ``Notification.DoesNotExist`` for another's (answer 404)."""
    return notifications_for(user).get(pk=pk)


def unread_count(user) -> int:
    """One indexed COUNT, for the header of every page."""
    if not _signed_in(user):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_preferences(user) -> dict[str, bool]:
    """For every known event, in the order of ``EVENTS``: does the user want the e-mail (default yes)?"""
    stored = {}
    if _signed_in(user):
        stored = dict(NotificationPreference.objects.filter(user=user).values_list("event", "email"))
    return {event: stored.get(event, True) for event in EVENTS}


def users_refusing_email(user_ids, event: str) -> set[int]:
    """Of ``user_ids``, those who switched the e-mail of ``event`` off (one query)."""
    return set(
        NotificationPreference.objects.filter(
            user_id__in=list(user_ids), event=event, email=False
        ).values_list("user_id", flat=True)
    )

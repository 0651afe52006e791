"""Reads of the PEC channel for the officer's page and the API: the notices of one's calls."""

from django.db.models import QuerySet

from . import permissions
from .models import UNDELIVERED_STATUSES, PecNotice


def notices_for(user, *, undelivered: bool = False) -> QuerySet[PecNotice]:
    """The notices ``user`` may see (their calls'), oldest first; ``undelivered``: those still to deliver
    (queued, sent, accepted, refused by the provider, or that could not go)."""
    notices = permissions.visible_notices(user).select_related("organisation", "call", "target_type")
    if undelivered:
        notices = notices.filter(status__in=UNDELIVERED_STATUSES)
    return notices.order_by("created_at", "pk")

"""IDOR cases of notifications: each person's own; B never reads or marks A's."""

from .evaluation import (
    _cached,
)
from .world import (
    Case,
    World,
)

# --- notifications: each person's own; B never reads or marks A's -----------------------------------------
NOTIFICATION_SECRET = "Notifica riservata alla Cooperativa Alfa"


def _notification_of_a(w: World):
    from grants.notifications import events
    from grants.notifications.models import Notification

    def build():
        return Notification.objects.create(
            user=w.user_a,
            organisation=w.organisation_a,
            event=events.INTEGRATION_REQUESTED,
            subject=NOTIFICATION_SECRET,
            body=f"Integrazione per {w.organisation_a.name}",
            link=f"/domande/{w.draft.pk}/",
        )

    return _cached(w, "notification", build)


def _notification_state(w: World):
    from grants.notifications.models import Notification

    return Notification.objects.filter(pk=_notification_of_a(w).pk).values_list("read_at", flat=True).get()


def _notification_secrets(w: World) -> list[str]:
    return [NOTIFICATION_SECRET, w.organisation_a.name]


NOTIFICATION_PAGE_CASES: dict[str, Case] = {
    "notifications:open": Case(
        args=lambda w: {"pk": _notification_of_a(w).pk},
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
    "notifications:mark_read": Case(
        args=lambda w: {"pk": _notification_of_a(w).pk},
        method="post",
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
}


NOTIFICATION_API_CASES: dict[str, Case] = {
    "grants_api_notifications_get_notification": Case(
        args=lambda w: {"notification_id": _notification_of_a(w).pk}, secrets=_notification_secrets
    ),
    "grants_api_notifications_mark_read": Case(
        args=lambda w: {"notification_id": _notification_of_a(w).pk},
        method="post",
        body=lambda w: {"read": True},
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
}

"""API endpoints of the notifications context (thin: shapes here, rules in grants.notifications.services).

A caller reads and marks only their own notifications: another person's answers 404, as one that does not
exist. Preferences say, per event, whether the e-mail is wanted (in-app notifications are always on).
"""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grants.notifications import selectors, services
from grants.notifications.events import EVENTS
from grants.notifications.models import Notification

from .auth import API_AUTH
from .pagination import Ordering, Pagination
from .problems import Problem
from .registry import validation_problem

router = Router(tags=["notifications"], auth=API_AUTH)

NOTIFICATIONS_PAGE_SIZE = 20
NOTIFICATION_ORDERING = Ordering("-created_at", created_at="created_at")
EventFilter = Literal[tuple(EVENTS)]  # type: ignore[valid-type]


class NotificationFilters(Schema):
    unread: bool = Field(False, description="true per le sole non lette")
    event: EventFilter | None = Field(None, description="Solo le notifiche di questo evento")
    ordering: NOTIFICATION_ORDERING.choices = NOTIFICATION_ORDERING.field()


class NotificationOut(Schema):
    id: int
    event: str
    event_label: str
    subject: str
    body: str
    link: str = Field(description="Percorso della pagina collegata, sulla piattaforma (può essere vuoto)")
    organisation_id: int | None
    organisation_name: str | None
    target_type: str | None = Field(description="Tipo dell'oggetto a cui si riferisce (app.modello)")
    target_id: str
    created_at: datetime
    read_at: datetime | None
    email_sent_at: datetime | None

    @staticmethod
    def resolve_organisation_name(obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_target_type(obj) -> str | None:
        if not obj.target_type_id:
            return None
        return f"{obj.target_type.app_label}.{obj.target_type.model}"


class ReadIn(Schema):
    read: bool = Field(True, description="false per segnarla di nuovo come non letta")


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    event: str
    label: str
    description: str
    email: bool


class PreferencesIn(Schema):
    email: dict[str, bool] = Field(
        description="Per evento, se ricevere anche l'e-mail: " + ", ".join(EVENTS),
        examples=[{"ranking_published": False}],
    )


def _own(request, notification_id: int) -> Notification:
    try:
        return selectors.notifications_for(request.user).select_related("target_type").get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None


def _preferences(user) -> list[dict]:
    return [
        {"event": event, "label": str(info.label), "description": str(info.description), "email": wanted}
        for (event, wanted), info in zip(
            selectors.email_preferences(user).items(), EVENTS.values(), strict=True
        )
    ]


@router.get("/notifications", response=list[NotificationOut], summary="Le mie notifiche")
@paginate(Pagination, page_size=NOTIFICATIONS_PAGE_SIZE)
def list_notifications(request, filters: Query[NotificationFilters]):
    """Dalla più recente; ``unread=true`` per le sole non lette, ``event=`` per un solo evento."""
    notifications = selectors.notifications_for(request.user, unread_only=filters.unread)
    if filters.event:
        notifications = notifications.filter(event=filters.event)
    return NOTIFICATION_ORDERING.apply(notifications.select_related("target_type"), filters.ordering)


@router.get("/notifications/unread-count", response=CountOut, summary="Quante notifiche non ho letto")
def unread_count(request):
    return {"unread": selectors.unread_count(request.user)}


@router.post("/notifications/read-all", response=MarkedOut, summary="Segna tutte come lette")
def mark_all_read(request):
    return {"marked": services.mark_all_read(user=request.user)}


@router.get("/notifications/preferences", response=list[PreferenceOut], summary="Le mie preferenze e-mail")
def get_preferences(request):
    return _preferences(request.user)


@router.put(
    "/notifications/preferences",
    response={200: list[PreferenceOut], 422: Problem},
    summary="Cambia le preferenze e-mail",
)
def update_preferences(request, payload: PreferencesIn):
    """Solo gli eventi indicati cambiano; un evento sconosciuto è rifiutato con il suo nome."""
    try:
        services.set_email_preferences(user=request.user, email_by_event=payload.email)
    except ValidationError as exc:
        return validation_problem(
            ValidationError({f"email.{name}": messages for name, messages in exc.message_dict.items()})
        )
    return Status(200, _preferences(request.user))


@router.get(
    "/notifications/{notification_id}",
    response={200: NotificationOut, 404: Problem},
    summary="Una mia notifica",
)
def get_notification(request, notification_id: int):
    return _own(request, notification_id)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 404: Problem},
    summary="Segna una notifica come letta (o non letta)",
)
def mark_read(request, notification_id: int, payload: ReadIn | None = None):
    notification = _own(request, notification_id)
    if payload is not None and not payload.read:
        return services.mark_unread(user=request.user, notification=notification)
    return services.mark_read(user=request.user, notification=notification)

"""Every write of the notifications context; ``notify`` is what the other apps call.

    from grants.notifications import events
    from grants.notifications.services import notify

    notify(
        event=events.INTEGRATION_REQUESTED,           # a constant of grants.notifications.events
        subject="Richiesta di integrazione per la domanda 2026/000123",
        body="La Regione chiede ... entro il 12/03/2026.",
        organisation=application.organisation,        # every active member (legal representatives, delegates)
        users=[officer],                              # plus these people (de-duplicated, inactive skipped)
        link=reverse("applications:application_detail", args=[application.pk]),   # a path of the platform
        target=application,                           # optional: the object it is about
        actor=request_user,                           # optional: who did what is notified
        attachments=[("application_receipt", application.pk)],   # see grants.notifications.attachments
    )

One in-app ``Notification`` per recipient is written at once (inside the caller's transaction, so it rolls
back with it). The e-mail goes to those whose preference for the event allows it (default: yes): an idempotent
Celery task per notification, enqueued when the transaction commits, sends it with Django's e-mail backend
(console in development). A failure to send never reaches the caller: the task retries with backoff and, when
the retries are exhausted, lands in the failed-task list of /sistema/attivita-fallite/ (grants.ops).
"""

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.timeutils import now
from grants.registry.selectors import organisation_memberships

from . import attachments as attachment_registry
from .events import EVENTS, is_known
from .models import ExternalEmail, Notification, NotificationPreference, SentReminder
from .selectors import email_preferences, users_refusing_email

logger = logging.getLogger(__name__)

SUBJECT_MAX_LENGTH = 255


def _check_link(link: str) -> str:
    link = (link or "").strip()
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"A notification links to a path of the platform, not to {link!r}.")
    return link


def _recipients(users: Iterable, organisation) -> list:
    """The given users, then the organisation's active members: once each, active accounts only."""
    wanted_ids: list[int] = []
    for user in users or ():
        pk = getattr(user, "pk", user)
        if pk is not None and pk not in wanted_ids:
            wanted_ids.append(pk)
    if organisation is not None:
        for user_id in organisation_memberships(organisation).values_list("user_id", flat=True):
            if user_id not in wanted_ids:
                wanted_ids.append(user_id)
    active = get_user_model().objects.filter(pk__in=wanted_ids, is_active=True).in_bulk()
    return [active[pk] for pk in wanted_ids if pk in active]


def _queue_email(notification_id: int) -> None:
    """Hand the e-mail to the workers; a broker that cannot be reached is logged, never raised."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # the notification is in the app; the periodic sweep queues the e-mail later
        logger.exception("notification e-mail not queued", extra={"notification": notification_id})
        return
    Notification.objects.filter(pk=notification_id, email_queued_at__isnull=True).update(
        email_queued_at=now()
    )


def notify(
    *,
    event: str,
    subject: str,
    body: str,
    users=(),
    organisation=None,
    link: str = "",
    target=None,
    actor=None,
    attachments=None,
) -> list[Notification]:
    """Notify the given users and the organisation's active members of ``event``; returns what was written."""
    if not is_known(event):
        raise ValueError(f"Unknown notification event {event!r}: add it to grants.notifications.events.")
    link = _check_link(link)
    stored_attachments = attachment_registry.normalise(attachments)
    recipients = _recipients(users, organisation)
    if not recipients:
        return []
    refusing = users_refusing_email([user.pk for user in recipients], event)
    target_type = (
        ContentType.objects.get_for_model(target, for_concrete_model=False) if target is not None else None
    )
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    created = []
    with transaction.atomic():
        for user in recipients:
            notification = Notification.objects.create(
                user=user,
                organisation=organisation,
                event=event,
                actor=actor,
                subject=str(subject)[:SUBJECT_MAX_LENGTH],
                body=str(body),
                link=link,
                target_type=target_type,
                target_id=str(target.pk) if target is not None else "",
                attachments=stored_attachments,
                email_wanted=bool(user.email) and user.pk not in refusing,
            )
            created.append(notification)
            if notification.email_wanted:
                pk = notification.pk
                transaction.on_commit(lambda pk=pk: _queue_email(pk))
    return created


def _queue_external(email_id: int) -> None:
    from .tasks import send_external_email

    try:
        send_external_email.delay(email_id)
    except Exception:  # the row stays; the periodic sweep queues it later
        logger.exception("external e-mail not queued", extra={"external_email": email_id})
        return
    ExternalEmail.objects.filter(pk=email_id, email_queued_at__isnull=True).update(email_queued_at=now())


def email_address(*, event: str, to: str, subject: str, body: str, target=None, actor=None) -> ExternalEmail:
    """An e-mail to an address that is no user's (an organisation not registered yet): written now, in the
    caller's transaction, and sent once by a task when it commits. The caller decides whether it may be sent
    (its permission, its own record of what was sent); a failure to send never reaches it."""
    if not is_known(event):
        raise ValueError(f"Unknown notification event {event!r}: add it to grants.notifications.events.")
    to = (to or "").strip()
    if not to:
        raise ValueError("An external e-mail needs an address.")
    email = ExternalEmail.objects.create(
        event=event,
        to=to,
        subject=str(subject)[:SUBJECT_MAX_LENGTH],
        body=str(body),
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False) if target else None,
        target_id=str(target.pk) if target is not None else "",
    )
    pk = email.pk
    transaction.on_commit(lambda: _queue_external(pk))
    return email


def send_once(*, key: str, **notify_kwargs) -> list[Notification]:
    """``notify`` unless a notification with this key (object and threshold) was already sent.

    For scheduled reminders: the key is recorded in the same transaction as the notifications, so a run that
    fails sends nothing and the next run tries again; a run that succeeded is never repeated.
    """
    with transaction.atomic():
        reminder, created = SentReminder.objects.get_or_create(key=key[:200])
        if not created:
            return []
        notifications = notify(**notify_kwargs)
        reminder.recipients = len(notifications)
        reminder.save(update_fields=["recipients"])
    return notifications


def _own(user, notification: Notification) -> None:
    if not getattr(user, "is_authenticated", False) or notification.user_id != user.pk:
        raise PermissionDenied(_("Questa notifica non è tua."))


def mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's notifications as read (again: keeps the first reading time)."""
    _own(user, notification)
    if notification.read_at is None:
        moment = now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=moment)
        notification.read_at = moment
    return notification


def mark_unread(*, user, notification: Notification) -> Notification:
    _own(user, notification)
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    notification.read_at = None
    return notification


def mark_all_read(*, user) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Occorre accedere con il proprio account."))
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now())


def set_email_preferences(*, user, email_by_event: dict[str, bool]) -> dict[str, bool]:
    """Switch the e-mail of some events on or off for the user; unknown events are refused by name."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Occorre accedere con il proprio account."))
    unknown = sorted(set(email_by_event) - set(EVENTS))
    if unknown:
        raise ValidationError(
            {name: _("Evento di notifica sconosciuto: «%(event)s».") % {"event": name} for name in unknown}
        )
    with transaction.atomic():
        for event, wanted in email_by_event.items():
            preference, created = NotificationPreference.objects.get_or_create(
                user=user, event=event, defaults={"email": bool(wanted)}
            )
            if not created and preference.email != bool(wanted):
                preference.email = bool(wanted)
                preference._history_user = user
                preference.save(update_fields=["email", "updated_at"])
    return email_preferences(user)

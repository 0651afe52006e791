"""Background work of the notifications context: one e-mail per notification, sent at most once."""

import logging
from datetime import timedelta

from django.db import transaction

from grants.core.tasks import idempotent_task
from grants.core.timeutils import now

from .emails import build_email, build_external_email
from .models import ExternalEmail, Notification

logger = logging.getLogger(__name__)

# A notification whose e-mail is still unsent after this long was never queued (broker down): sweep it.
SWEEP_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 200


@idempotent_task(name="grants.notifications.tasks.send_notification_email")
def send_notification_email(notification_id: int) -> bool:
    """Send the e-mail of one notification unless already sent; True when this run sent it.

    The row is locked while sending, so two workers never both send it; a failure leaves ``email_sent_at``
    empty and the task is retried (then recorded as a failed task).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "organisation")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or not notification.email_wanted or notification.email_sent_at is not None:
            return False
        build_email(notification).send(fail_silently=False)
        notification.email_sent_at = now()
        Notification.objects.filter(pk=notification.pk).update(email_sent_at=notification.email_sent_at)
    logger.info("notification e-mail sent", extra={"notification": notification_id})
    return True


@idempotent_task(name="grants.notifications.tasks.send_external_email")
def send_external_email(email_id: int) -> bool:
    """Send one e-mail to an external address unless already sent (the row locked meanwhile)."""
    with transaction.atomic():
        email = ExternalEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.email_sent_at is not None:
            return False
        build_external_email(email).send(fail_silently=False)
        ExternalEmail.objects.filter(pk=email.pk).update(email_sent_at=now())
    logger.info("external e-mail sent", extra={"external_email": email_id})
    return True


@idempotent_task(name="grants.notifications.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Queue the e-mails that were never queued (the broker was unreachable when they were written).

    Only never-queued ones: an e-mail that was queued and failed is in the failed-task list (re-run there).
    """
    cutoff = now() - SWEEP_AFTER
    pending = list(
        Notification.objects.filter(
            email_wanted=True,
            email_queued_at__isnull=True,
            email_sent_at__isnull=True,
            created_at__lt=cutoff,
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in pending:
        send_notification_email.delay(pk)
        Notification.objects.filter(pk=pk, email_queued_at__isnull=True).update(email_queued_at=now())
    external = list(
        ExternalEmail.objects.filter(
            email_queued_at__isnull=True, email_sent_at__isnull=True, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in external:
        send_external_email.delay(pk)
        ExternalEmail.objects.filter(pk=pk, email_queued_at__isnull=True).update(email_queued_at=now())
    return len(pending) + len(external)


# The PEC channel's tasks live with it; imported here so that Celery's autodiscovery registers them.
from .pec.tasks import fetch_pec_receipts, send_pec_notice  # noqa: E402, F401

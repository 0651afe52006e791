"""Scheduled reminders of approaching deadlines (Celery beat, hourly; see config/celery.py).

- a draft application of a call that closes within ``NOTIFICATIONS_DRAFT_REMINDER_DAYS`` days (default 3):
  the applicant organisation's active members are reminded that it is not submitted yet;
- an open integration request (soccorso istruttorio) whose deadline is within
  ``NOTIFICATIONS_INTEGRATION_REMINDER_DAYS`` days (default 2): the applicant organisation is reminded.

Each reminder goes once per object, deadline and threshold (``grants.notifications.services.send_once``
records the key in the same transaction), so hourly runs, retries and two beat processes never repeat one; a
deadline moved later gets a reminder of its own. ops is the top layer: it reads the applications and
evaluation models directly and writes only through ``notify``.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.tasks import idempotent_task
from grants.core.timeutils import format_rome, now
from grants.evaluation.models import IntegrationRequest, IntegrationStatus
from grants.notifications import events
from grants.notifications.services import send_once

logger = logging.getLogger(__name__)


def draft_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DRAFT_REMINDER_DAYS", 3))


def integration_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_INTEGRATION_REMINDER_DAYS", 2))


def drafts_closing_soon(*, at=None, days: int | None = None) -> QuerySet[Application]:
    """Drafts whose call is open and closes within ``days`` from ``at``."""
    at = at or now()
    days = draft_reminder_days() if days is None else days
    return (
        Application.objects.filter(
            status=ApplicationStatus.DRAFT,
            call__opens_at__lte=at,
            call__closes_at__gt=at,
            call__closes_at__lte=at + timedelta(days=days),
        )
        .select_related("call", "applicant")
        .order_by("call__closes_at", "pk")
    )


def integrations_due_soon(*, at=None, days: int | None = None) -> QuerySet[IntegrationRequest]:
    """Open integration requests whose deadline falls within ``days`` from ``at``."""
    at = at or now()
    days = integration_reminder_days() if days is None else days
    return (
        IntegrationRequest.objects.filter(
            status=IntegrationStatus.OPEN, deadline__gt=at, deadline__lte=at + timedelta(days=days)
        )
        .select_related("application__call", "application__applicant")
        .order_by("deadline", "pk")
    )


def _remind_draft(application: Application, days: int) -> int:
    call = application.call
    values = {
        "title": application.title or _("senza titolo"),
        "call": call.title,
        "deadline": format_rome(call.closes_at),
    }
    sent = send_once(
        key=f"draft-closing:{application.pk}:{call.closes_at.isoformat()}:{days}d",
        event=events.DEADLINE_REMINDER,
        subject=_("Il bando «%(call)s» chiude il %(deadline)s: la domanda è ancora in bozza") % values,
        body=_(
            "La domanda «%(title)s» al bando «%(call)s» non è stata ancora presentata. Il bando chiude il "
            "%(deadline)s (ora di Roma): dopo quel momento la bozza non potrà più essere inviata."
        )
        % values,
        organisation=application.applicant,
        link=reverse("applications:application_detail", args=[application.pk]),
        target=application,
    )
    return len(sent)


def _remind_integration(request: IntegrationRequest, days: int) -> int:
    application = request.application
    values = {
        "protocol": application.protocol or str(application.pk),
        "deadline": format_rome(request.deadline),
    }
    sent = send_once(
        key=f"integration-deadline:{request.pk}:{request.deadline.isoformat()}:{days}d",
        event=events.DEADLINE_REMINDER,
        subject=_("Integrazione della domanda %(protocol)s: scade il %(deadline)s") % values,
        body=_(
            "La richiesta di integrazione della domanda %(protocol)s attende ancora risposta. Il termine "
            "scade il %(deadline)s (ora di Roma): senza risposta la domanda sarà dichiarata non ammissibile."
        )
        % values,
        organisation=application.applicant,
        link=reverse("evaluation:integration_answer", args=[request.pk]),
        target=request,
    )
    return len(sent)


def send_deadline_reminders(*, at=None) -> dict[str, int]:
    """Send every reminder now due and not sent before; returns how many notifications of each kind."""
    draft_days, integration_days = draft_reminder_days(), integration_reminder_days()
    counts = {"drafts": 0, "integrations": 0}
    for application in drafts_closing_soon(at=at, days=draft_days):
        counts["drafts"] += _remind_draft(application, draft_days)
    for request in integrations_due_soon(at=at, days=integration_days):
        counts["integrations"] += _remind_integration(request, integration_days)
    logger.info("deadline reminders sent", extra=counts)
    return counts


@idempotent_task(name="grants.ops.reminders.send_deadline_reminders")
def send_deadline_reminders_task() -> dict[str, int]:
    return send_deadline_reminders()

"""Scheduled reminders of approaching deadlines (Celery beat, hourly; see config/celery.py).

- a draft application of a call that closes within ``NOTIFICATIONS_DRAFT_REMINDER_DAYS`` days (default 3):
  the applicant organisation's active members are reminded that it is not submitted yet;
- an open integration request (soccorso istruttorio) whose deadline is within
  ``NOTIFICATIONS_INTEGRATION_REMINDER_DAYS`` days (default 2): the applicant organisation is reminded;
- an open notice of intended rejection (preavviso di rigetto) whose term for observations ends within the same
  ``NOTIFICATIONS_INTEGRATION_REMINDER_DAYS`` days: the applicant organisation is reminded;
- a funded project whose grant agreement (atto di adesione) is still to be signed and uploaded, and whose
  acceptance deadline is within ``NOTIFICATIONS_AGREEMENT_REMINDER_DAYS`` days (default 5): the beneficiary;
- a milestone of a running project (traguardo: the progress reports, SAL and final report the project plans)
  not achieved yet and due within ``NOTIFICATIONS_MILESTONE_REMINDER_DAYS`` days (default 7): the beneficiary.

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
from grants.core.timeutils import format_rome, in_rome, now
from grants.evaluation.models import (
    IntegrationRequest,
    IntegrationStatus,
    RejectionNotice,
    RejectionNoticeStatus,
)
from grants.notifications import events
from grants.notifications.services import send_once
from grants.projects.models import Project, ProjectMilestone
from grants.projects.states import ProjectStatus

logger = logging.getLogger(__name__)


def draft_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DRAFT_REMINDER_DAYS", 3))


def integration_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_INTEGRATION_REMINDER_DAYS", 2))


def agreement_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_AGREEMENT_REMINDER_DAYS", 5))


def milestone_reminder_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MILESTONE_REMINDER_DAYS", 7))


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


def observations_due_soon(*, at=None, days: int | None = None) -> QuerySet[RejectionNotice]:
    """Open notices of intended rejection whose term for observations ends within ``days`` from ``at``."""
    at = at or now()
    days = integration_reminder_days() if days is None else days
    return (
        RejectionNotice.objects.filter(
            status=RejectionNoticeStatus.OPEN, deadline__gt=at, deadline__lte=at + timedelta(days=days)
        )
        .select_related("application__applicant", "application__call")
        .order_by("deadline", "pk")
    )


def agreements_due_soon(*, at=None, days: int | None = None) -> QuerySet[Project]:
    """Projects still to accept, without a signed agreement, whose acceptance deadline is within ``days``."""
    at = at or now()
    days = agreement_reminder_days() if days is None else days
    return (
        Project.objects.filter(
            status=ProjectStatus.TO_ACCEPT,
            accepted_at__isnull=True,
            acceptance_deadline__gt=at,
            acceptance_deadline__lte=at + timedelta(days=days),
        )
        .select_related("beneficiary")
        .order_by("acceptance_deadline", "pk")
    )


def milestones_due_soon(*, at=None, days: int | None = None) -> QuerySet[ProjectMilestone]:
    """Milestones not achieved of active projects, due from ``at``'s day (Rome) to ``days`` later."""
    today = in_rome(at or now()).date()
    days = milestone_reminder_days() if days is None else days
    return (
        ProjectMilestone.objects.filter(
            project__status=ProjectStatus.ACTIVE,
            achieved_on__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=days),
        )
        .select_related("project__beneficiary")
        .order_by("due_date", "pk")
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


def _remind_observations(notice: RejectionNotice, days: int) -> int:
    application = notice.application
    values = {
        "protocol": application.protocol or str(application.pk),
        "deadline": format_rome(notice.deadline),
    }
    sent = send_once(
        key=f"observations-deadline:{notice.pk}:{notice.deadline.isoformat()}:{days}d",
        event=events.DEADLINE_REMINDER,
        subject=_("Preavviso di rigetto della domanda %(protocol)s: osservazioni entro il %(deadline)s")
        % values,
        body=_(
            "Per la domanda %(protocol)s la Regione ha comunicato i motivi che ostano all'accoglimento. Le "
            "osservazioni si possono presentare fino al %(deadline)s (ora di Roma); dopo, la Regione decide."
        )
        % values,
        organisation=application.applicant,
        link=reverse("evaluation:rejection_observations", args=[notice.pk]),
        target=notice,
    )
    return len(sent)


def _remind_agreement(project: Project, days: int) -> int:
    values = {"title": project.title, "deadline": format_rome(project.acceptance_deadline)}
    sent = send_once(
        key=f"agreement-deadline:{project.pk}:{project.acceptance_deadline.isoformat()}:{days}d",
        event=events.DEADLINE_REMINDER,
        subject=_("Atto di adesione del progetto «%(title)s»: scade il %(deadline)s") % values,
        body=_(
            "L'atto di adesione del progetto «%(title)s» non è stato ancora caricato firmato. Il termine "
            "scade il %(deadline)s (ora di Roma): senza l'atto firmato il contributo non può essere erogato."
        )
        % values,
        organisation=project.beneficiary,
        link=reverse("projects:project_detail", args=[project.pk]),
        target=project,
    )
    return len(sent)


def _remind_milestone(milestone: ProjectMilestone, days: int) -> int:
    project = milestone.project
    values = {
        "milestone": milestone.title,
        "title": project.title,
        "deadline": milestone.due_date.strftime("%d/%m/%Y"),
    }
    sent = send_once(
        key=f"milestone-due:{milestone.pk}:{milestone.due_date.isoformat()}:{days}d",
        event=events.DEADLINE_REMINDER,
        subject=_("«%(milestone)s» del progetto «%(title)s»: scade il %(deadline)s") % values,
        body=_(
            "La scadenza «%(milestone)s» del progetto «%(title)s» è il %(deadline)s e non risulta ancora "
            "raggiunta: preparate per tempo la relazione e la documentazione."
        )
        % values,
        organisation=project.beneficiary,
        link=reverse("projects:project_detail", args=[project.pk]),
        target=milestone,
    )
    return len(sent)


def send_deadline_reminders(*, at=None) -> dict[str, int]:
    """Send every reminder now due and not sent before; returns how many notifications of each kind."""
    draft_days, integration_days = draft_reminder_days(), integration_reminder_days()
    agreement_days, milestone_days = agreement_reminder_days(), milestone_reminder_days()
    counts = {"drafts": 0, "integrations": 0, "observations": 0, "agreements": 0, "milestones": 0}
    for application in drafts_closing_soon(at=at, days=draft_days):
        counts["drafts"] += _remind_draft(application, draft_days)
    for request in integrations_due_soon(at=at, days=integration_days):
        counts["integrations"] += _remind_integration(request, integration_days)
    for notice in observations_due_soon(at=at, days=integration_days):
        counts["observations"] += _remind_observations(notice, integration_days)
    for project in agreements_due_soon(at=at, days=agreement_days):
        counts["agreements"] += _remind_agreement(project, agreement_days)
    for milestone in milestones_due_soon(at=at, days=milestone_days):
        counts["milestones"] += _remind_milestone(milestone, milestone_days)
    logger.info("deadline reminders sent", extra=counts)
    return counts


@idempotent_task(name="grants.ops.reminders.send_deadline_reminders")
def send_deadline_reminders_task() -> dict[str, int]:
    return send_deadline_reminders()

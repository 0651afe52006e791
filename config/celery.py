"""The Celery application: Redis broker when REDIS_URL (or CELERY_BROKER_URL) is set, inline otherwise.

Workers: ``celery -A config worker``; schedule: ``celery -A config beat``. Configuration comes from
settings ``CELERY_*`` (config/settings.py); the periodic schedule is below, in code, naming only real tasks.
The id of the request that sent a task travels in a message header and is set again in the worker, so its
log lines carry the same ``request_id``.
"""

import os
from contextvars import Token

from celery import Celery, signals
from celery.schedules import crontab

from grants.core import requestcontext

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("wecare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Django never deletes expired database sessions by itself.
    "clear-expired-sessions": {
        "task": "grants.ops.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # Failed-task records that staff resolved are kept for a while, then dropped.
    "purge-resolved-failed-tasks": {
        "task": "grants.ops.tasks.purge_resolved_failed_tasks",
        "schedule": crontab(hour=3, minute=45),
    },
    # Deadline reminders (drafts of calls about to close, integration requests about to expire, grant
    # agreements to sign, project milestones and reports due), each sent once per object and threshold
    # (recorded in notifications.SentReminder): grants/ops/reminders.py.
    "send-deadline-reminders": {
        "task": "grants.ops.reminders.send_deadline_reminders",
        "schedule": crontab(minute=20),
    },
    # GDPR retention: drafts never submitted go DRAFT_RETENTION_MONTHS after their call closed.
    "purge-stale-drafts": {
        "task": "grants.ops.retention.purge_stale_drafts",
        "schedule": crontab(hour=4, minute=10),
    },
    # Retention: zips of a call's documents go DOCUMENT_ARCHIVE_RETENTION_DAYS (3) days after they were made.
    "expire-document-archives": {
        "task": "grants.ops.retention.expire_document_archives",
        "schedule": crontab(hour=4, minute=25),
    },
    # Receipts of the formal notices sent by PEC (acceptance, delivery, errors), from the PEC mailbox.
    "fetch-pec-receipts": {
        "task": "grants.notifications.pec.fetch_pec_receipts",
        "schedule": crontab(minute="*/10"),
    },
    # Notification e-mails that could not be queued when written (broker unreachable).
    "send-pending-notification-emails": {
        "task": "grants.notifications.tasks.send_pending_emails",
        "schedule": crontab(minute="*/15"),
    },
    # Soccorso istruttorio: an unanswered integration request past its deadline makes the application
    # not admissible (with notice); hourly is well inside the precision a 10-day deadline needs.
    "expire-integration-requests": {
        "task": "grants.evaluation.tasks.expire_integration_requests",
        "schedule": crontab(minute=5),
    },
    # Art. 10-bis: a notice of intended rejection whose term for observations is over waits for the decision.
    "lapse-rejection-notices": {
        "task": "grants.evaluation.tasks.lapse_rejection_notices",
        "schedule": crontab(minute=10),
    },
    # The dashboards' per-project finance summary is kept fresh by receivers on every change; the nightly
    # full rebuild (Europe/Rome; before the 02:30 backup) repairs whatever a lost task left stale.
    "rebuild-finance-summaries": {
        "task": "monitoring.rebuild_finance_summaries",
        "schedule": crontab(hour=1, minute=30),
    },
}

REQUEST_ID_HEADER = "request_id"
_tokens: dict[str, Token] = {}


@signals.before_task_publish.connect
def _send_request_id(headers=None, **_):
    request_id = requestcontext.current().request_id
    if headers is not None and request_id and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect
def _receive_request_id(task_id=None, task=None, **_):
    from grants.core.tasks import request_header

    request_id = request_header(task.request, REQUEST_ID_HEADER) if task is not None else None
    if request_id and task_id:
        _tokens[task_id] = requestcontext.activate(requestcontext.RequestContext(request_id=str(request_id)))


@signals.task_postrun.connect
def _forget_request_id(task_id=None, **_):
    token = _tokens.pop(task_id, None)
    if token is not None:
        requestcontext.deactivate(token)

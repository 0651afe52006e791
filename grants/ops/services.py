"""Writes of the ops context: failed-task records, their re-runs and their retention."""

import logging
from datetime import timedelta
from enum import StrEnum

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core import requestcontext
from grants.core.tasks import rerun_task_id
from grants.core.timeutils import now

from .models import FailedTask

logger = logging.getLogger(__name__)

RERUN_PERMISSION = "ops.change_failedtask"


def record_failure(
    *,
    task_name: str,
    task_id: str,
    args: list,
    kwargs: dict,
    error: str,
    traceback: str,
    attempts: int,
    failed_task_id: int | str | None = None,
) -> FailedTask:
    """A new FailedTask, or the one being re-run updated with the new failure."""
    moment = now()
    existing = None
    if failed_task_id:
        existing = FailedTask.objects.filter(pk=int(failed_task_id)).first()
    if existing is not None:
        existing.task_id = task_id
        existing.error = error
        existing.traceback = traceback
        existing.attempts += attempts
        existing.last_failed_at = moment
        existing.save(update_fields=["task_id", "error", "traceback", "attempts", "last_failed_at"])
        failed = existing
    else:
        failed = FailedTask.objects.create(
            task_name=task_name,
            task_id=task_id or "",
            args=args,
            kwargs=kwargs,
            error=error,
            traceback=traceback,
            attempts=attempts,
            request_id=requestcontext.current().request_id,
            first_failed_at=moment,
            last_failed_at=moment,
        )
    logger.error(
        "task failed after retries",
        extra={"task_name": task_name, "task_id": task_id, "failed_task": failed.pk, "error": error},
    )
    return failed


def mark_resolved(*, failed_task_id: int | str) -> FailedTask | None:
    """Called when a re-run succeeds: the record stays, with the time it was resolved."""
    failed = FailedTask.objects.filter(pk=int(failed_task_id), resolved_at__isnull=True).first()
    if failed is None:
        return None
    failed.resolved_at = now()
    failed.save(update_fields=["resolved_at"])
    logger.info(
        "failed task resolved by a re-run", extra={"task_name": failed.task_name, "failed_task": failed.pk}
    )
    return failed


class RerunOutcome(StrEnum):
    RESOLVED = "resolved"  # ran inline and succeeded
    FAILED = "failed"  # ran inline and failed again (the record holds the new error)
    QUEUED = "queued"  # sent to the workers; the record is resolved when it succeeds


def rerun_failed_task(*, user, failed_task_id: int) -> tuple[FailedTask, RerunOutcome]:
    """Send the task again with its stored arguments; a success marks the record resolved.

    Without a broker the task runs here and now, so on return the record already says how it went.
    """
    if not user.has_perm(RERUN_PERMISSION):
        raise PermissionDenied
    with transaction.atomic():
        failed = FailedTask.objects.select_for_update().get(pk=failed_task_id)
        if failed.is_resolved:
            raise ValidationError(_("Questa attività è già stata risolta."))
        task = current_app.tasks.get(failed.task_name)
        if task is None:
            raise ValidationError(_("L'attività %(name)s non esiste più.") % {"name": failed.task_name})
        failed.reruns += 1
        failed.resolved_by = user
        failed.save(update_fields=["reruns", "resolved_by"])
    logger.info("failed task re-run", extra={"task_name": failed.task_name, "failed_task": failed.pk})
    task.apply_async(args=failed.args, kwargs=failed.kwargs, task_id=rerun_task_id(failed.pk))
    failed.refresh_from_db()
    if failed.is_resolved:
        return failed, RerunOutcome.RESOLVED
    if current_app.conf.task_always_eager:
        return failed, RerunOutcome.FAILED
    return failed, RerunOutcome.QUEUED


def purge_resolved_failed_tasks(*, older_than_days: int) -> int:
    """Delete records resolved more than ``older_than_days`` ago; returns how many."""
    cutoff = now() - timedelta(days=older_than_days)
    deleted, _by_model = FailedTask.objects.filter(resolved_at__lt=cutoff).delete()
    return deleted

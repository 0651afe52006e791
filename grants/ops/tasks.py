"""Periodic housekeeping (scheduled in config/celery.py)."""

from django.conf import settings
from django.contrib.sessions.models import Session

from grants.core.tasks import idempotent_task
from grants.core.timeutils import now

from . import reminders, retention, services

__all__ = ["reminders", "retention"]  # imported so that the workers know their tasks


@idempotent_task(name="grants.ops.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired database sessions (Django never does it by itself); returns how many."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=now()).delete()
    return deleted


@idempotent_task(name="grants.ops.tasks.purge_resolved_failed_tasks")
def purge_resolved_failed_tasks() -> int:
    return services.purge_resolved_failed_tasks(
        older_than_days=getattr(settings, "CELERY_FAILED_TASK_RETENTION_DAYS", 90)
    )

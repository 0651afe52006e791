"""Background tasks that may run twice: one base class and one decorator for every app.

    from grants.core.tasks import idempotent_task

    @idempotent_task()
    def send_receipt(application_id: int) -> None:
        ...  # must be safe to run again: a retry or a re-run repeats it from the start

    send_receipt.delay(application.pk)                     # or, inside a transaction:
    enqueue_on_commit(send_receipt, application.pk)        # sent only if the transaction commits

``idempotent_task(*, name=None, max_retries=5, retry_backoff=10, retry_backoff_max=600,
autoretry_for=(Exception,), **celery_options)`` returns Celery's ``shared_task`` with ``IdempotentTask`` as
base: any exception is retried with exponential backoff (10 s, 20 s, 40 s… capped, with jitter); raise
``PermanentTaskError`` to give up at once. When the retries are exhausted the ``task_failed`` signal is sent;
the ops app records it as a ``FailedTask`` that staff can inspect and re-run. Messages are acknowledged after
the task ends (``acks_late``), so a worker that dies mid-task leaves it to another worker: hence "idempotent".
Arguments must be JSON (ids and plain values, never model instances).

Without ``REDIS_URL`` the tasks run inline in the calling process (config/celery.py), retries included.
"""

import uuid
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from django.dispatch import Signal

# A re-run of a recorded failure gets the task id "rerun-<FailedTask pk>-<random>": Celery keeps a task's id
# across its retries (a custom header would be lost on a retry from a worker): each attempt knows its record.
_RERUN_PREFIX = "rerun-"

# Sent once when a task has failed for good. Keyword arguments: task_name, task_id, args, kwargs, error,
# traceback, attempts, failed_task_id (None unless this was a re-run).
task_failed = Signal()
# Sent when a re-run of a recorded failure succeeds. Keyword arguments: task_name, task_id, failed_task_id.
task_recovered = Signal()


class PermanentTaskError(Exception):
    """Raise inside an idempotent task when retrying cannot help (the failure is recorded at once)."""


def rerun_task_id(failed_task_id: int) -> str:
    return f"{_RERUN_PREFIX}{int(failed_task_id)}-{uuid.uuid4().hex}"


def failed_task_id_of(task_id: str | None) -> int | None:
    """The FailedTask a task id re-runs, or None for an ordinary run."""
    if not task_id or not task_id.startswith(_RERUN_PREFIX):
        return None
    number = task_id[len(_RERUN_PREFIX) :].split("-", 1)[0]
    return int(number) if number.isdigit() else None


def request_header(request: Any, name: str) -> Any:
    """A custom message header of the running task: an attribute on a worker, in ``headers`` inline."""
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


class IdempotentTask(Task):
    autoretry_for = (Exception,)
    dont_autoretry_for = (PermanentTaskError,)
    retry_backoff = 10
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        task_failed.send(
            sender=self.__class__,
            task_name=self.name,
            task_id=task_id,
            args=list(args or ()),
            kwargs=dict(kwargs or {}),
            error=f"{exc.__class__.__name__}: {exc}",
            traceback=str(einfo.traceback) if einfo is not None else "",
            attempts=(self.request.retries or 0) + 1,
            failed_task_id=failed_task_id_of(task_id),
        )

    def on_success(self, retval, task_id, args, kwargs):
        failed_task_id = failed_task_id_of(task_id)
        if failed_task_id:
            task_recovered.send(
                sender=self.__class__, task_name=self.name, task_id=task_id, failed_task_id=failed_task_id
            )


def idempotent_task(
    func: Callable | None = None,
    *,
    name: str | None = None,
    max_retries: int = 5,
    retry_backoff: int | bool = 10,
    retry_backoff_max: int = 600,
    autoretry_for: tuple[type[BaseException], ...] = (Exception,),
    **options: Any,
):
    """Decorate a function as a retried, failure-recorded Celery task (``@idempotent_task`` or ``(...)``)."""

    def decorate(fn: Callable):
        return shared_task(
            base=IdempotentTask,
            name=name,
            max_retries=max_retries,
            retry_backoff=retry_backoff,
            retry_backoff_max=retry_backoff_max,
            autoretry_for=autoretry_for,
            **options,
        )(fn)

    return decorate(func) if func is not None else decorate


def enqueue_on_commit(task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))

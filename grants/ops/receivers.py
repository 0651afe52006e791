"""Turn the task signals of grants.core.tasks into FailedTask records; count unhandled view exceptions."""

import sys

from django.core.signals import got_request_exception

from grants.core.tasks import task_failed, task_recovered

from . import metrics, services


def _on_task_failed(sender, **kwargs):
    services.record_failure(
        task_name=kwargs["task_name"],
        task_id=kwargs["task_id"],
        args=kwargs["args"],
        kwargs=kwargs["kwargs"],
        error=kwargs["error"],
        traceback=kwargs["traceback"],
        attempts=kwargs["attempts"],
        failed_task_id=kwargs.get("failed_task_id"),
    )


def _on_task_recovered(sender, **kwargs):
    services.mark_resolved(failed_task_id=kwargs["failed_task_id"])


def _on_request_exception(sender, request=None, **kwargs):
    # Sent by Django's handler and by the API's problem middleware while the exception is being handled.
    metrics.count_exception(request, sys.exc_info()[1])


def connect() -> None:
    task_failed.connect(_on_task_failed, dispatch_uid="ops.record_failed_task")
    task_recovered.connect(_on_task_recovered, dispatch_uid="ops.resolve_failed_task")
    got_request_exception.connect(_on_request_exception, dispatch_uid="ops.count_request_exception")

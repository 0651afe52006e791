"""Background work of the evaluation context (scheduled by Celery beat, wired in config/celery.py)."""

from grants.core.tasks import idempotent_task


@idempotent_task(name="grants.evaluation.tasks.expire_integration_requests")
def expire_integration_requests_task() -> int:
    """Requests for integration past their deadline: the applications become not admissible. Idempotent:
    a request already expired is not touched again."""
    from .services import expire_integration_requests

    return len(expire_integration_requests())


@idempotent_task(name="grants.evaluation.tasks.lapse_rejection_notices")
def lapse_rejection_notices_task() -> int:
    """Notices of intended rejection whose term for observations is over: lapsed, so the officer decides.
    Idempotent: a lapsed notice is not touched again."""
    from .services import lapse_rejection_notices

    return len(lapse_rejection_notices())

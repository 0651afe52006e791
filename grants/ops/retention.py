"""Retention of drafts never submitted (GDPR): deleted ``DRAFT_RETENTION_MONTHS`` after their call closed.

Run daily by Celery beat (config/celery.py) and by hand with ``manage.py purge_stale_drafts``; the deleting
rule and its audit record live in grants.applications.services.delete_stale_drafts.
"""

import logging

from django.conf import settings

from grants.applications.services import delete_stale_drafts
from grants.core.tasks import idempotent_task

logger = logging.getLogger(__name__)


def retention_months() -> int:
    return int(getattr(settings, "DRAFT_RETENTION_MONTHS", 12))


def purge_stale_drafts(*, months: int | None = None) -> int:
    months = retention_months() if months is None else months
    deleted = delete_stale_drafts(months=months)
    logger.info("stale drafts deleted", extra={"deleted": deleted, "months": months})
    return deleted


@idempotent_task(name="grants.ops.retention.purge_stale_drafts")
def purge_stale_drafts_task() -> int:
    return purge_stale_drafts()

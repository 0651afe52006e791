"""Retention (GDPR), run daily by Celery beat (config/celery.py):

- drafts never submitted: deleted ``DRAFT_RETENTION_MONTHS`` after their call closed (also by hand with
  ``manage.py purge_stale_drafts``); the rule and its audit record live in
  grants.applications.services.delete_stale_drafts;
- zips of a call's documents made for the officers: deleted ``DOCUMENT_ARCHIVE_RETENTION_DAYS`` days after
  they were made (grants.applications.bulk_download.expire_archives).

Every retention rule is listed for people in the privacy notice (templates/transparency/privacy.html) and
for operators in docs/deploy.md.
"""

import logging

from django.conf import settings

from grants.applications import bulk_download
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


def expire_document_archives(*, days: int | None = None) -> int:
    expired = bulk_download.expire_archives(days=days)
    logger.info(
        "document archives expired",
        extra={"expired": expired, "days": days or bulk_download.retention_days()},
    )
    return expired


@idempotent_task(name="grants.ops.retention.expire_document_archives")
def expire_document_archives_task() -> int:
    return expire_document_archives()

"""The privacy notice's contacts and retention periods, from settings (PRIVACY_*, DRAFT_RETENTION_MONTHS,
DOCUMENT_ARCHIVE_RETENTION_DAYS, CELERY_FAILED_TASK_RETENTION_DAYS, SESSION_COOKIE_AGE)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def privacy_contacts() -> dict:
    return {
        "controller": settings.PRIVACY_CONTROLLER,
        "controller_pec": settings.PRIVACY_CONTROLLER_PEC,
        "dpo_email": settings.PRIVACY_DPO_EMAIL,
        "dpo_pec": settings.PRIVACY_DPO_PEC,
        "draft_retention_months": settings.DRAFT_RETENTION_MONTHS,
        "document_archive_retention_days": settings.DOCUMENT_ARCHIVE_RETENTION_DAYS,
        "failed_task_retention_days": settings.CELERY_FAILED_TASK_RETENTION_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
    }

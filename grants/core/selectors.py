"""Reads of the core context: the audit trail of an object."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

VIEW_AUDIT_PERMISSION = "core.view_auditevent"


def can_view_audit(user) -> bool:
    """Region staff holding ``core.view_auditevent`` (superusers included)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_AUDIT_PERMISSION)
    )


def events_for_key(content_type: ContentType, object_id) -> models.QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(content_type=content_type, object_id=str(object_id))
        .select_related("content_type")
        .order_by("-timestamp", "-id")
    )


def events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every audit event about ``obj``, newest first."""
    return events_for_key(ContentType.objects.get_for_model(obj, for_concrete_model=False), obj.pk)

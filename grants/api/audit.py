"""The audit trail of one object, for Region staff holding ``core.view_auditevent``.

Session-authenticated; read-only (the trail is append-only). Anyone else gets 403 (401 when not signed in).
"""

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from grants.core.selectors import can_view_audit, events_for_key

from .auth import API_AUTH

router = Router(tags=["audit"], auth=API_AUTH)

AUDIT_PAGE_SIZE = 50


class AuditEventOut(Schema):
    id: int
    timestamp: datetime
    action: str
    actor_id: int | None
    actor: str
    organisation_id: int | None
    organisation_name: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    ip_address: str | None
    user_agent: str
    request_id: str

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor_label


@router.get(
    "/audit/{app_label}/{model}/{object_id}",
    response=list[AuditEventOut],
    summary="Registro delle operazioni su un oggetto",
    openapi_extra={"responses": {403: {"description": "Riservato al personale con il permesso di audit."}}},
)
@paginate(PageNumberPagination, page_size=AUDIT_PAGE_SIZE)
def object_audit_trail(request, app_label: str, model: str, object_id: str):
    """Gli eventi registrati sull'oggetto, dal più recente (es. ``/audit/registry/organisation/42``)."""
    if not can_view_audit(request.user):
        raise HttpError(403, "Il registro delle operazioni è riservato al personale autorizzato.")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label.lower(), model.lower())
    except ContentType.DoesNotExist:
        raise Http404 from None
    return events_for_key(content_type, object_id)

"""The audit trail of one object, for Region staff holding ``core.view_auditevent``.

Session-authenticated; read-only (the trail is append-only). Anyone else gets 403 (401 when not signed in).
"""

from datetime import date, datetime
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from grants.core.audit import record_event
from grants.core.audit_export import AuditFilters, csv_lines, export_filename, filtered_events, xlsx_bytes
from grants.core.selectors import can_view_audit, events_for_key

from .auth import API_AUTH
from .pagination import Ordering, Pagination
from .registry import validation_problem

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


AUDIT_ORDERING = Ordering("-timestamp", timestamp="timestamp")


class TrailFilters(Schema):
    action: str = Field(
        "", max_length=100, description="Solo le operazioni di questo tipo (es. application.submitted)"
    )
    ordering: AUDIT_ORDERING.choices = AUDIT_ORDERING.field()


@router.get(
    "/audit/{app_label}/{model}/{object_id}",
    response=list[AuditEventOut],
    summary="Registro delle operazioni su un oggetto",
    openapi_extra={"responses": {403: {"description": "Riservato al personale con il permesso di audit."}}},
)
@paginate(Pagination, page_size=AUDIT_PAGE_SIZE)
def object_audit_trail(request, app_label: str, model: str, object_id: str, filters: Query[TrailFilters]):
    """Gli eventi registrati sull'oggetto, dal più recente (es. ``/audit/registry/organisation/42``)."""
    if not can_view_audit(request.user):
        raise HttpError(403, "Il registro delle operazioni è riservato al personale autorizzato.")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label.lower(), model.lower())
    except ContentType.DoesNotExist:
        raise Http404 from None
    events = events_for_key(content_type, object_id)
    if filters.action:
        events = events.filter(action=filters.action)
    return AUDIT_ORDERING.apply(events, filters.ordering)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/audit-export",
    summary="Esporta il registro delle operazioni (CSV o XLSX)",
    openapi_extra={
        "responses": {
            200: {
                "description": "File CSV (UTF-8) o XLSX degli eventi, dal più vecchio",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            },
            403: {"description": "Riservato al personale con il permesso di audit."},
        }
    },
)
def export_audit_trail(
    request,
    format: Literal["csv", "xlsx"] = "csv",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Eventi filtrati per oggetto (``object_type`` «app.modello» e ``object_id``), autore (e-mail) e periodo
    (giorni in ora di Roma, estremi inclusi). L'esportazione è registrata nel registro stesso."""
    if not can_view_audit(request.user):
        raise HttpError(403, "Il registro delle operazioni è riservato al personale autorizzato.")
    filters = AuditFilters(
        object_type=object_type, object_id=object_id, actor=actor, date_from=date_from, date_to=date_to
    )
    try:
        queryset = filtered_events(filters)
    except ValidationError as exc:
        return validation_problem(exc)
    record_event(actor=request.user, action="audit.exported", after={**filters.as_dict(), "format": format})
    if format == "csv":
        response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(xlsx_bytes(queryset), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(format)}"'
    return response

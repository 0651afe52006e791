"""The audit trail for auditors: a filtered set of events (object, actor, period), exported as CSV or XLSX.

Read-only like the trail itself; who may export is ``can_view_audit`` (staff holding core.view_auditevent).
The export is itself recorded (``audit.exported``, with the filters) so that reading the trail leaves a trace.
Days are Europe/Rome calendar days. At most ``MAX_ROWS`` events per file: narrow the filters for more.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent
from .timeutils import ROME, in_rome

MAX_ROWS = 100_000

COLUMNS = [
    ("timestamp", gettext_lazy("Data e ora (Europe/Rome)")),
    ("action", gettext_lazy("Azione")),
    ("actor", gettext_lazy("Autore")),
    ("organisation", gettext_lazy("Organizzazione")),
    ("object_type", gettext_lazy("Tipo di oggetto")),
    ("object_id", gettext_lazy("Id dell'oggetto")),
    ("object", gettext_lazy("Oggetto")),
    ("before", gettext_lazy("Prima")),
    ("after", gettext_lazy("Dopo")),
    ("reason", gettext_lazy("Motivazione")),
    ("ip_address", gettext_lazy("Indirizzo IP")),
    ("user_agent", gettext_lazy("User agent")),
    ("request_id", gettext_lazy("Id della richiesta")),
]


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""  # "app_label.model", e.g. "applications.application"
    object_id: str = ""
    actor: str = ""  # the e-mail the actor had (as recorded)
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict:
        return {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "actor": self.actor,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }


def _content_type(object_type: str) -> ContentType:
    app_label, _dot, model = object_type.strip().lower().partition(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise ValidationError(
            {
                "object_type": _(
                    "Tipo di oggetto sconosciuto: indicare «app.modello», es. applications.application."
                )
            }
        ) from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ROME)


def filtered_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events matching every given filter, oldest first; ``ValidationError`` names a wrong filter."""
    errors = {}
    queryset = AuditEvent.objects.select_related("content_type")
    if filters.object_type:
        try:
            queryset = queryset.filter(content_type=_content_type(filters.object_type))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if filters.object_id:
        if not filters.object_type:
            errors["object_id"] = [_("Per cercare un oggetto indicare anche il suo tipo.")]
        queryset = queryset.filter(object_id=filters.object_id.strip())
    if filters.actor:
        queryset = queryset.filter(actor_label__iexact=filters.actor.strip())
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = [_("La data finale precede quella iniziale.")]
    if filters.date_from:
        queryset = queryset.filter(timestamp__gte=_start_of(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(timestamp__lt=_start_of(filters.date_to + timedelta(days=1)))
    if errors:
        raise ValidationError(errors)
    return queryset.order_by("timestamp", "id")


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) if value else ""


def row_of(event: AuditEvent) -> list:
    return [
        in_rome(event.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
        event.action,
        event.actor_label,
        event.organisation_name,
        event.object_type,
        event.object_id,
        event.object_repr,
        _json(event.before),
        _json(event.after),
        event.reason,
        event.ip_address or "",
        event.user_agent,
        event.request_id,
    ]


def _safe_cell(value):
    """Spreadsheets run a cell that starts with = + - @ as a formula: quote it (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(queryset: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV, line by line (for a streaming answer), header first, UTF-8 with BOM for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow([str(label) for _name, label in COLUMNS])
    yield "\ufeff" + flush()
    for event in queryset[:MAX_ROWS].iterator(chunk_size=2000):
        writer.writerow([_safe_cell(cell) for cell in row_of(event)])
        yield flush()


def xlsx_bytes(queryset: QuerySet[AuditEvent]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registro operazioni"))
    sheet.append([str(label) for _name, label in COLUMNS])
    for event in queryset[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append([_safe_cell(cell) for cell in row_of(event)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_filename(extension: str) -> str:
    from .timeutils import now

    return f"registro-operazioni-{in_rome(now()):%Y%m%d-%H%M}.{extension}"

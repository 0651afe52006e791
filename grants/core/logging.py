"""Log formatting: one JSON object per line (production) or readable text (development).

Both carry the id of the request or task being served (``grants.core.requestcontext``; the filter that puts it
on each record is ``grants.core.requestcontext.RequestIdLogFilter``). No model imports, so that settings can
name these classes before any app is loaded.
"""

import json
import logging
from datetime import UTC, datetime

from . import requestcontext

# Attributes every LogRecord has; anything else was passed through ``extra=`` and is worth keeping.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
    | {"message", "asctime", "request_id", "taskName"}
)


def _request_id(record: logging.LogRecord) -> str | None:
    request_id = getattr(record, "request_id", None)
    if request_id and request_id != "-":
        return request_id
    if request_id := requestcontext.current().request_id:
        return request_id
    # django.request logs 4xx/5xx after the middleware has left; the request it passes still knows its id.
    context = getattr(getattr(record, "request", None), "request_context", None)
    return getattr(context, "request_id", None) or None


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...extra, "exception"?}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = _request_id(record)
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id,
        }
        for key, value in vars(record).items():
            if (
                key not in _STANDARD_ATTRS
                and key != "request"
                and not key.startswith("_")
                and key not in payload
            ):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return json.dumps(payload, ensure_ascii=False, default=str)

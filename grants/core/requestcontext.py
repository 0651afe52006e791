"""Who is asking, from where, under which request id: captured once per request, readable anywhere.

Services never receive the request, yet the audit trail needs the client's IP address, user agent and the
request id. ``RequestContextMiddleware`` (grants.core.middleware) stores them in a context variable for the
duration of the request; ``current()`` reads them back (an empty context outside a request: commands,
background tasks).
"""

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming request id is kept only when it is short and plain (it ends up in logs and in the audit trail).
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
USER_AGENT_MAX_LENGTH = 500


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("grants_request_context", default=_EMPTY)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the last trusted proxy saw (TRUSTED_PROXY_COUNT)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def request_id_from(request) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "").strip()
    return incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex


def context_from(request) -> RequestContext:
    """The context of ``request``: the one the middleware captured, or one read from it now."""
    captured = getattr(request, "request_context", None)
    if isinstance(captured, RequestContext):
        return captured
    return RequestContext(
        request_id=request_id_from(request),
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
    )


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext):
    """Make ``context`` current; returns the token to pass to ``deactivate``."""
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)


class RequestIdLogFilter:
    """Logging filter adding ``request_id`` to every record (empty outside a request)."""

    def filter(self, record) -> bool:
        record.request_id = current().request_id or "-"
        return True

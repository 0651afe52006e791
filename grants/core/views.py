"""Liveness and readiness for load balancers and orchestrators (JSON, never cached, no login); the 503
answer when the database is unavailable."""

import logging
import sys

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


def _check_database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("health:probe", "1", timeout=5)
    if cache.get("health:probe") != "1":
        raise RuntimeError("cache read-back failed")
    return "ok"


def _check_migrations() -> str:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    return "ok"


@never_cache
def health(request):
    """Liveness: 200 when the database answers, 503 otherwise."""
    try:
        _check_database()
    except Exception as exc:  # any database failure means "not live"
        return JsonResponse({"status": "unavailable", "database": exc.__class__.__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def ready(request):
    """Readiness: database, cache and migrations; 503 with the failing component when any is not ready."""
    checks = {"database": _check_database, "cache": _check_cache, "migrations": _check_migrations}
    results, ready_ = {}, True
    for name, check in checks.items():
        try:
            results[name] = check()
        except Exception as exc:  # report the component, not a stack trace
            results[name] = f"error: {exc.__class__.__name__}"
            ready_ = False
            if name == "database":
                break
    return JsonResponse(
        {"status": "ok" if ready_ else "unavailable", **results}, status=200 if ready_ else 503
    )


# --- the database went away: 503 with Retry-After, never a stack trace -------------------------------------
# A restarting or failed-over PostgreSQL raises OperationalError (cannot connect, connection lost mid-query,
# also a deadlock or a lock timeout) or InterfaceError (a connection already closed). The request can be
# sent again: a submission carries its Idempotency-Key, so a retry never makes a second one.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
API_PREFIX = "/api/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def is_database_unavailable(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 5:  # Django wraps the driver's error; look through the chain
        if isinstance(exc, DATABASE_UNAVAILABLE):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def database_unavailable_response(request) -> HttpResponse:
    """503 + Retry-After: problem+json under /api/, a page elsewhere (rendered without the database)."""
    logger.warning("database unavailable: answered 503", extra={"path": request.path})
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": _(
                    "Servizio momentaneamente non disponibile: riprova tra %(seconds)d secondi con la stessa "
                    "richiesta (per un invio, con la stessa Idempotency-Key)."
                )
                % {"seconds": RETRY_AFTER_SECONDS},
                "code": "database_unavailable",
            },
            status=503,
            content_type=PROBLEM_CONTENT_TYPE,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = loader.get_template("core/unavailable.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the exception being handled decides between 503 (database away) and Django's 500 page.

    Called by Django's handler inside its ``except`` block, for views and middleware alike (a session read
    in a middleware fails before any view runs)."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable_response(request)
    return defaults.server_error(request, template_name)

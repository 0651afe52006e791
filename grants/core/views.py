"""Liveness and readiness for load balancers and orchestrators (JSON, never cached, no login)."""

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


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

"""Reads of the ops context: failed tasks and the system status page."""

import platform
import sqlite3
import tomllib
from datetime import UTC
from pathlib import Path

import django
from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from grants.core import views as health
from grants.core.timeutils import in_rome, now

from .backup import app_version, latest_backup
from .models import FailedTask


def failed_tasks(*, include_resolved: bool = False) -> QuerySet[FailedTask]:
    queryset = FailedTask.objects.select_related("resolved_by")
    if not include_resolved:
        queryset = queryset.filter(resolved_at__isnull=True)
    return queryset


def open_failed_task_count() -> int:
    return FailedTask.objects.filter(resolved_at__isnull=True).count()


def _git_commit(base_dir: Path) -> str:
    """The checked-out commit, read from .git without running git (absent in containers)."""
    git = base_dir / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        ref_file = git / ref
        if ref_file.is_file():
            return ref_file.read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    except OSError:
        return ""
    return ""


def _package_version(base_dir: Path) -> str:
    try:
        with (base_dir / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def database_version() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT version()")
        return str(cursor.fetchone()[0])


def _check(probe) -> str:
    try:
        return probe()
    except Exception as exc:  # the page reports the component, never a stack trace
        return f"error: {exc.__class__.__name__}"


def broker_status() -> dict:
    """Whether tasks run inline or through a broker; when a Redis broker answers, the queue length."""
    conf = current_app.conf
    if conf.task_always_eager or not conf.broker_url:
        return {"mode": "inline", "status": "ok", "queue_length": None, "queue": None}
    queue = conf.task_default_queue or "celery"
    status = {"mode": "broker", "status": "ok", "queue_length": None, "queue": queue}
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            client = getattr(connection.default_channel, "client", None)
            if client is not None:  # Redis: a queue is a list
                status["queue_length"] = int(client.llen(queue))
    except Exception as exc:  # broker down: report it, do not fail the page
        status["status"] = f"error: {exc.__class__.__name__}"
    return status


def pending_migrations() -> list[str]:
    """The migrations the code has and the database has not applied, as ``app_label.name``, in order."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _pending_or_none() -> list[str] | None:
    try:
        return pending_migrations()
    except Exception:  # database down: the checks above already say so
        return None


def system_status() -> dict:
    base_dir = Path(settings.BASE_DIR)
    moment = now()
    backup = latest_backup()
    return {
        "versions": {
            "commit": app_version() or _git_commit(base_dir),
            "package": _package_version(base_dir),
            "django": django.get_version(),
            "python": platform.python_version(),
            "database": _check(database_version),
        },
        "checks": {
            "database": _check(health._check_database),
            "cache": _check(health._check_cache),
            "migrations": _check(health._check_migrations),
        },
        "pending_migrations": _pending_or_none(),
        "broker": broker_status(),
        "failed_tasks": _check(open_failed_task_count),
        "last_backup": backup,
        "time_utc": moment.astimezone(UTC),
        "time_rome": in_rome(moment),
    }

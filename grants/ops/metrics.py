"""Prometheus metrics (prometheus-client): what each process counts, and what is read at scrape time.

Two kinds of series:

- **Counted by the web processes** (``wecare_http_*``): requests and latencies by view, method and status,
  exceptions by view and class. Under gunicorn every worker is a separate process with its own memory, so the
  client's multiprocess mode is used when ``PROMETHEUS_MULTIPROC_DIR`` is set: each worker writes its values
  to files in that directory and a scrape, answered by any worker, adds them all up. The directory must be
  empty when gunicorn starts and is cleaned of dead workers by the hooks in ``deploy/gunicorn.conf.py``.
- **Read from the shared systems at scrape time** (``wecare_*`` below): the Celery queue length in Redis, open
  failed tasks, protocol numbers taken (a counter kept by the database, so every node reports the same value
  and ``rate()`` gives submissions per second), submissions in the last minute, database health and pending
  migrations. Nothing of these is kept in a process, so nodes never disagree.

The ``/metrics`` view answers only callers from ``METRICS_ALLOWED_NETWORKS`` or with
``Authorization: Bearer <METRICS_TOKEN>`` (docs/deploy.md).
"""

import hmac
import ipaddress
import os
import time
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from grants.core import requestcontext
from grants.core import views as health

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A path no URL pattern matched: one label value, so that scanners cannot create a series per path.
UNRESOLVED_VIEW = "<unresolved>"

REQUESTS = Counter(
    "wecare_http_requests",
    "HTTP requests answered, by view, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "wecare_http_request_duration_seconds",
    "Time from the request entering the middleware stack to its response, by view and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
EXCEPTIONS = Counter(
    "wecare_http_exceptions",
    "Exceptions that escaped a view (answered 500), by view and exception class.",
    ["view", "exception"],
)


def view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNRESOLVED_VIEW
    return match.view_name or match.route or UNRESOLVED_VIEW


def observe_request(request, status: int, seconds: float) -> None:
    view = view_label(request)
    REQUESTS.labels(view=view, method=request.method, status=str(status)).inc()
    LATENCY.labels(view=view, method=request.method).observe(seconds)


def count_exception(request, exception: BaseException | None) -> None:
    name = exception.__class__.__name__ if exception is not None else "unknown"
    EXCEPTIONS.labels(
        view=view_label(request) if request is not None else UNRESOLVED_VIEW, exception=name
    ).inc()


# --- read at scrape time ------------------------------------------------------------------------------------
_MIGRATIONS_CACHE_SECONDS = 60
_migrations_cache: dict = {}


def _pending_migrations() -> int:
    """Loading the migration graph takes a while: recomputed at most once a minute per process."""
    cached = _migrations_cache.get("value")
    if cached is not None and time.monotonic() - cached[1] < _MIGRATIONS_CACHE_SECONDS:
        return cached[0]
    from .selectors import pending_migrations

    value = len(pending_migrations())
    _migrations_cache["value"] = (value, time.monotonic())
    return value


class PlatformCollector:
    """Gauges and counters read from PostgreSQL and Redis at each scrape; a failing source is reported as
    down (``wecare_database_up 0``) or left out, never as a failed scrape."""

    def describe(self):
        return []  # computed at scrape time only: registering must not query the database

    def collect(self):
        from .selectors import broker_status

        started = time.perf_counter()
        database_up = 1
        try:
            health._check_database()
        except Exception:  # a down database is the value, not an error of the scrape
            database_up = 0
        up = GaugeMetricFamily("wecare_database_up", "1 when the database answers SELECT 1, 0 otherwise.")
        up.add_metric([], database_up)
        yield up
        check = GaugeMetricFamily(
            "wecare_database_check_duration_seconds", "Time the database health check took."
        )
        check.add_metric([], time.perf_counter() - started)
        yield check

        broker = broker_status()
        if broker["queue_length"] is not None:
            queue = GaugeMetricFamily(
                "wecare_celery_queue_length",
                "Tasks waiting in the Celery queue (Redis list).",
                labels=["queue"],
            )
            queue.add_metric([broker["queue"]], broker["queue_length"])
            yield queue
        broker_up = GaugeMetricFamily(
            "wecare_celery_broker_up", "1 when the broker answers (or tasks run inline), 0 otherwise."
        )
        broker_up.add_metric([], 1 if broker["status"] == "ok" else 0)
        yield broker_up

        if not database_up:
            return
        for family in (
            self._failed_tasks,
            self._protocol_numbers,
            self._submissions_last_minute,
            self._pending_migrations,
        ):
            try:
                yield family()
            except Exception:  # noqa: S112 (the database went away mid-scrape: report the rest)
                continue

    @staticmethod
    def _failed_tasks():
        from .selectors import open_failed_task_count

        family = GaugeMetricFamily(
            "wecare_failed_tasks_open", "Background tasks that failed after their retries, not yet resolved."
        )
        family.add_metric([], open_failed_task_count())
        return family

    @staticmethod
    def _protocol_numbers():
        from grants.applications.models import ProtocolCounter

        family = CounterMetricFamily(
            "wecare_protocol_numbers_taken",
            "Protocol numbers given to submitted applications, by year (rate() = submissions per second).",
            labels=["year"],
        )
        for year, last_number in ProtocolCounter.objects.values_list("year", "last_number"):
            family.add_metric([str(year)], last_number)
        return family

    @staticmethod
    def _submissions_last_minute():
        from grants.applications.models import Application

        family = GaugeMetricFamily(
            "wecare_submissions_last_minute", "Applications submitted in the last 60 seconds."
        )
        since = _now() - timedelta(minutes=1)
        family.add_metric([], Application.objects.filter(submitted_at__gte=since).count())
        return family

    @staticmethod
    def _pending_migrations():
        family = GaugeMetricFamily(
            "wecare_migrations_pending", "Migrations the code has and the database has not applied."
        )
        family.add_metric([], _pending_migrations())
        return family


def _now():
    from grants.core.timeutils import now

    return now()


def build_registry() -> CollectorRegistry:
    """A registry for one scrape: every worker's files in multiprocess mode, this process otherwise."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, EXCEPTIONS):
            registry.register(collector)
    registry.register(PlatformCollector())
    return registry


# --- access -------------------------------------------------------------------------------------------------
def _networks():
    return [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]


def is_allowed(request) -> bool:
    """A valid bearer token, or a client address inside an allowed network.

    Behind a proxy the address is the one the trusted proxy saw (TRUSTED_PROXY_COUNT). A request that came
    through a proxy nobody declared (X-Forwarded-For present, TRUSTED_PROXY_COUNT 0) has the proxy's address,
    often loopback: the network rule does not apply to it, only the token.
    """
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    scheme, _sep, offered = header.partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip(), token):
        return True
    if request.headers.get("X-Forwarded-For") and not getattr(settings, "TRUSTED_PROXY_COUNT", 0):
        return False
    address = requestcontext.client_ip(request)
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _networks())


@never_cache
def metrics_view(request):
    if not is_allowed(request):
        return HttpResponseForbidden("metrics: forbidden\n", content_type="text/plain; charset=utf-8")
    return HttpResponse(generate_latest(build_registry()), content_type=CONTENT_TYPE_LATEST)

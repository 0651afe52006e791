"""/metrics: who may read it, what it reports, and the multiprocess mode used under gunicorn."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import got_request_exception
from django.test import RequestFactory
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from grants.applications.models import ProtocolCounter
from grants.core.timeutils import now
from grants.ops import metrics, selectors
from grants.ops.models import FailedTask

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.ops.tests.urls")]

REPO = Path(__file__).resolve().parents[3]
OUTSIDE = "203.0.113.7"


def samples(response) -> dict[tuple[str, tuple], float]:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))))


def test_refused_outside_the_allowed_networks_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert b"wecare_" not in response.content


def test_a_bearer_token_opens_it_from_anywhere_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-123"
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer nope"})
    right = client.get("/metrics", REMOTE_ADDR=OUTSIDE, headers={"Authorization": "Bearer scrape-secret-123"})
    assert wrong.status_code == 403
    assert right.status_code == 200


def test_an_undeclared_proxy_does_not_make_a_remote_caller_local(client, settings):
    """Through a proxy the peer is loopback: without TRUSTED_PROXY_COUNT the network rule cannot apply."""
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": OUTSIDE})
    assert response.status_code == 403

    settings.TRUSTED_PROXY_COUNT = 1
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": OUTSIDE}).status_code
        == 403
    )
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": OUTSIDE}).status_code
        == 200
    )


def test_reports_requests_by_view_and_status_and_latency(client):
    client.get(reverse("core:health"))
    client.get("/no-such-page-at-all/")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    assert value(found, "wecare_http_requests_total", view="core:health", method="GET", status="200") >= 1
    assert value(found, "wecare_http_requests_total", view="<unresolved>", method="GET", status="404") >= 1
    assert value(found, "wecare_http_request_duration_seconds_count", view="core:health", method="GET") >= 1
    assert value(
        found, "wecare_http_request_duration_seconds_bucket", view="core:health", method="GET", le="+Inf"
    )


def test_reports_database_failed_tasks_protocol_numbers_and_migrations(client, monkeypatch):
    monkeypatch.setattr(selectors, "pending_migrations", lambda: ["ops.0002_x", "ops.0003_y"])
    monkeypatch.setattr(metrics, "_migrations_cache", {})
    ProtocolCounter.objects.update_or_create(year=2031, defaults={"last_number": 42})
    FailedTask.objects.create(task_name="t", error="e", first_failed_at=now(), last_failed_at=now())
    FailedTask.objects.create(
        task_name="t", error="e", first_failed_at=now(), last_failed_at=now(), resolved_at=now()
    )

    found = samples(client.get("/metrics"))

    assert value(found, "wecare_database_up") == 1
    assert value(found, "wecare_failed_tasks_open") == 1
    assert value(found, "wecare_protocol_numbers_taken_total", year="2031") == 42
    assert value(found, "wecare_submissions_last_minute") == 0
    assert value(found, "wecare_migrations_pending") == 2
    assert value(found, "wecare_celery_broker_up") == 1


def test_reports_the_queue_length_when_a_redis_broker_answers(client, monkeypatch):
    monkeypatch.setattr(
        selectors,
        "broker_status",
        lambda: {"mode": "broker", "status": "ok", "queue_length": 7, "queue": "celery"},
    )
    found = samples(client.get("/metrics"))
    assert value(found, "wecare_celery_queue_length", queue="celery") == 7


def test_a_down_database_is_a_value_not_a_failed_scrape(client, monkeypatch):
    from grants.core import views as health

    def down():
        raise RuntimeError("connection refused")

    monkeypatch.setattr(health, "_check_database", down)
    response = client.get("/metrics")
    assert response.status_code == 200
    found = samples(response)
    assert value(found, "wecare_database_up") == 0
    assert value(found, "wecare_failed_tasks_open") is None


def test_exceptions_escaping_a_view_are_counted_by_class():
    request = RequestFactory().get("/x/")
    before = metrics.EXCEPTIONS.labels(view="<unresolved>", exception="ZeroDivisionError")._value.get()
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        got_request_exception.send(sender=None, request=request)
    after = metrics.EXCEPTIONS.labels(view="<unresolved>", exception="ZeroDivisionError")._value.get()
    assert after == before + 1


CHILD = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
import django
django.setup()
from django.test import RequestFactory
from grants.ops import metrics
request = RequestFactory().get("/health/")
for _ in range(int(sys.argv[1])):
    metrics.observe_request(request, 200, 0.01)
"""


def test_multiprocess_mode_adds_up_the_counters_of_every_worker(tmp_path, monkeypatch):
    """Two processes (two gunicorn workers) count 2 and 3 requests: one scrape reports 5, whoever answers."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in (2, 3):
        subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", CHILD, str(count)], cwd=REPO, env=env, check=True, timeout=120
        )
    assert len(list(tmp_path.glob("*.db"))) >= 2  # one file per process

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from prometheus_client import generate_latest

    text = generate_latest(metrics.build_registry()).decode()
    totals = [
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "wecare_http_requests_total" and s.labels["view"] == "<unresolved>"
    ]
    assert totals == [5]
    assert json.dumps(totals)  # plain numbers, not per-process series

"""The cost of one click-day submission in SQL statements, through the whole Django stack (not a timing).

Statements and round trips are what the submission costs on any machine; wall-clock rates measured on a
shared VM mostly measure the other tenants. Run it on PostgreSQL (``make bench-clickday-cost``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=test_clickday_cost \\
        .venv/bin/pytest bench/clickday/test_submission_cost.py -q -s

It prints every statement of one submission (``-s``), split into before, under the booking lock and under
the protocol-counter lock, and fails if the total or the part under the hot locks grows past the recorded
budget, so an N+1 or a query added under a lock is caught in review.
"""

import json
import re

import pytest
from celery.app.task import Task
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.applications.tests.factories import open_call, ready_application

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded with bench/README.md ("Cost of one submission"); raise only with a reason written there.
# 2026-12-02: 27 on PostgreSQL and on SQLite (the tasks queued, not run), plus one of slack.
MAX_STATEMENTS = 28
MAX_UNDER_BOOKING_LOCK = 12
MAX_UNDER_COUNTER_LOCK = 7
WHITESPACE = re.compile(r"\s+")


def _submit(client, application, key):
    return client.post(
        f"/api/v1/applications/{application.pk}/submit",
        data='{"declarations_accepted": true}',
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def _report(queries) -> dict:
    statements = [q["sql"] for q in queries]
    booking = next(
        (i for i, sql in enumerate(statements) if "applications_callbooking" in sql and "FOR UPDATE" in sql),
        None,
    )
    counter = next(
        (
            i
            for i, sql in enumerate(statements)
            if "protocolcounter" in sql and ("FOR UPDATE" in sql or sql.startswith("UPDATE"))
        ),
        None,
    )
    commit = max(
        (i for i, sql in enumerate(statements) if sql.upper().startswith(("COMMIT", "RELEASE"))),
        default=len(statements) - 1,
    )
    return {
        "total": len(statements),
        "before_locks": booking if booking is not None else len(statements),
        "under_booking_lock": (commit - booking + 1) if booking is not None else 0,
        "under_counter_lock": (commit - counter + 1) if counter is not None else 0,
        "statements": statements,
    }


def test_one_submission_costs_a_bounded_number_of_statements(client, settings, monkeypatch):
    settings.DEBUG = False
    # As in production, where a broker is configured: the request only hands its tasks (receipt PDF, e-mail)
    # to the queue, and a worker runs them elsewhere. Without this the test process would run them inline
    # and count their statements as the submission's.
    queued = []
    monkeypatch.setattr(Task, "delay", lambda task, *args, **kwargs: queued.append(task.name))
    call = open_call(first_come=True, requires_partner_confirmation=False)
    applications = [ready_application(call=call) for _ in range(3)]
    # Warm the process as a server is warm: the first request of a process loads what later ones reuse.
    client.force_login(applications[0].created_by)
    assert _submit(client, applications[0], "warm-0").status_code == 200

    application = applications[1]
    client.force_login(application.created_by)
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, application, "cost-1")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["booking_outcome"] == "booked"

    report = _report(queries.captured_queries)
    print(
        f"\n{connection.vendor}: {report['total']} statements, {report['before_locks']} before the booking "
        f"lock, {report['under_booking_lock']} under it, {report['under_counter_lock']} under the counter"
    )
    for n, sql in enumerate(report["statements"], 1):
        print(f"{n:3d} {WHITESPACE.sub(' ', sql)[:170]}")
    assert "applications.send_receipt" in queued  # the receipt is rendered by a worker, not in the request
    assert report["total"] <= MAX_STATEMENTS
    assert report["under_booking_lock"] <= MAX_UNDER_BOOKING_LOCK
    assert 0 < report["under_counter_lock"] <= MAX_UNDER_COUNTER_LOCK

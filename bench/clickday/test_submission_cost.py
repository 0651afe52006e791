"""The cost of one click-day submission in SQL statements, through the whole Django stack (not a timing), and
the cost of the sequencer's batch.

Statements and round trips are what the submission costs on any machine; wall-clock rates measured on a
shared VM mostly measure the other tenants. Run it on PostgreSQL (``make bench-clickday-cost``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_DATABASE_NAME=test_clickday_cost \\
        .venv/bin/pytest bench/clickday/test_submission_cost.py -q -s

It prints every statement of one intake (``-s``) and fails if the count grows past the recorded budget or if
the request touches a row that another submission needs (the call's booking, the protocol counter); and it
checks that the sequencer's batch costs the same number of statements whatever the number of arrivals in it.
"""

import json
import re

import pytest
from celery.app.task import Task
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.applications.services import sequencer
from grants.applications.tests.factories import open_call, ready_application

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded with bench/README.md ("Cost of one submission"); raise only with a reason written there.
# 2026-12-07 (intake + sequencer): 21 on PostgreSQL, plus one of slack. Later that day 15: the lock checks the
# membership in the same statement, the idempotency key is left to its unique constraint, the reserves come
# from the process's copy of the call, and the history row copies the territory links the intake read; then
# 14: the API hands the intake the id, and the lock is the only read of the application.
MAX_STATEMENTS = 15
SHARED_ROWS = ("applications_callbooking", "applications_reservebooking", "applications_protocolcounter")
WHITESPACE = re.compile(r"\s+")


def _submit(client, application, key):
    return client.post(
        f"/api/v1/applications/{application.pk}/submit",
        data='{"declarations_accepted": true}',
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


@pytest.fixture
def queued(settings, monkeypatch):
    settings.DEBUG = False
    settings.SUBMISSION_SEQUENCER = "process"  # as in production: the sequencer numbers, not the request
    # As in production, where a broker is configured: tasks (receipt PDF, e-mail) go to the queue, and a
    # worker runs them elsewhere. Without this the test process would run them inline and count them.
    names = []
    monkeypatch.setattr(Task, "delay", lambda task, *args, **kwargs: names.append(task.name))
    return names


def test_one_intake_costs_a_bounded_number_of_statements_and_locks_nothing_shared(client, queued):
    call = open_call(first_come=True, requires_partner_confirmation=False)
    applications = [ready_application(call=call) for _ in range(3)]
    # Warm the process as a server is warm: the first request of a process loads what later ones reuse.
    client.force_login(applications[0].created_by)
    assert _submit(client, applications[0], "warm-0").status_code == 202

    application = applications[1]
    client.force_login(application.created_by)
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, application, "cost-1")
    assert response.status_code == 202, response.content
    assert json.loads(response.content)["status"] == "received"
    statements = [q["sql"] for q in queries.captured_queries]
    print(f"\n{connection.vendor}: {len(statements)} statements in the intake")
    for n, sql in enumerate(statements, 1):
        print(f"{n:3d} {WHITESPACE.sub(' ', sql)[:170]}")
    assert not [sql for sql in statements if any(table in sql for table in SHARED_ROWS)]
    assert len(statements) <= MAX_STATEMENTS


def _batch_statements(count: int) -> int:
    call = open_call(first_come=True, requires_partner_confirmation=False)
    for application in [ready_application(call=call) for _ in range(count)]:
        from grants.applications import services

        services.submit(
            actor=application.created_by,
            application=application,
            idempotency_key=f"b-{application.pk}",
            declarations_accepted=True,
        )
    with CaptureQueriesContext(connection) as queries:
        assert len(sequencer.sequence_batch()) == count
    print(f"\nbatch of {count}: {len(queries.captured_queries)} statements")
    return len(queries.captured_queries)


def test_the_sequencers_batch_costs_the_same_statements_for_3_or_12_arrivals(queued):
    _batch_statements(1)  # warm: content types and the like, read once per process
    assert _batch_statements(3) == _batch_statements(12)

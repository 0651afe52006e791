"""config.warm: what a gunicorn master loads before forking its workers runs without the database."""

import pytest
from django.db import connections

from config.warm import warm


def test_warm_compiles_the_templates_without_opening_a_database_connection():
    closed = [alias for alias in connections if connections[alias].connection is None]
    done = warm()  # no django_db mark: any query would raise
    assert done["templates"] > 20
    # (The test database of an earlier test may stay open: in-memory SQLite is never closed by Django.)
    assert all(connections[alias].connection is None for alias in closed)


@pytest.fixture
def connections_kept_open():
    """As Django's test client does: the handler's request signals must not close the test's database
    connection (on PostgreSQL that would end the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_a_worker_warms_by_reading_the_public_pages_through_the_application(connections_kept_open):
    from django.contrib.sessions.models import Session

    from config.warm import WORKER_WARM_PATHS, warm_worker

    done = warm_worker()
    assert done["pages"] == 2 * len(WORKER_WARM_PATHS)
    # (The empty test database has no programme: its page answers 404, a page like any other.)
    assert all(status in {"200", "404"} for status in done["statuses"].values()), done["statuses"]
    assert done["statuses"]["/bandi/ (rendered)"] == "200"
    assert done["statuses"]["/health/"] == "200"
    assert not Session.objects.exists()  # the cookie named no session, and none was made


def test_a_worker_that_cannot_warm_still_starts(monkeypatch):
    import config.wsgi
    from config.warm import warm_worker

    def broken(environ, start_response):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(config.wsgi, "application", broken)
    done = warm_worker(paths=("/",))
    assert done["ok"] == 0
    assert set(done["statuses"].values()) == {"error"}

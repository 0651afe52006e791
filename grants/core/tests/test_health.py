from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_ready_reports_every_component(client):
    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "migrations": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_stopped_database_is_not_ready_and_answers_cleanly(client):
    with mock.patch("grants.core.views._check_database", side_effect=OperationalError("connection refused")):
        live = client.get("/health/")
        ready = client.get("/health/ready/")

    assert live.status_code == 503
    assert ready.status_code == 503
    assert ready.json()["database"] == "error: OperationalError"


@pytest.mark.django_db
def test_pending_migrations_make_the_node_not_ready(client):
    with mock.patch("grants.core.views.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("app", "0002")]
        response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["migrations"] == "error: RuntimeError"

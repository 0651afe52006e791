"""A database that does not answer: 503 + Retry-After, problem+json under /api/, a page elsewhere."""

import json

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError

from grants.core import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def _session_read_fails(monkeypatch, error):
    def load(self):
        raise error

    monkeypatch.setattr(SessionStore, "load", load)


def test_api_answers_503_problem_with_retry_after_when_the_session_cannot_be_read(quiet_client, monkeypatch):
    _session_read_fails(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    quiet_client.cookies["sessionid"] = "x" * 32

    response = quiet_client.post(
        "/api/v1/applications/1/submit",
        data='{"declarations_accepted": true}',
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    body = json.loads(response.content)
    assert body["status"] == 503 and body["code"] == "database_unavailable"
    assert "Idempotency-Key" in body["detail"] and "Traceback" not in response.content.decode()


def test_a_page_answers_a_503_page_rendered_without_the_database(quiet_client, monkeypatch):
    _session_read_fails(monkeypatch, OperationalError("could not connect to server"))
    quiet_client.cookies["sessionid"] = "x" * 32

    response = quiet_client.get("/sistema/stato/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "Servizio momentaneamente non disponibile" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_other_errors_stay_500(quiet_client, monkeypatch):
    _session_read_fails(monkeypatch, ValueError("a bug"))
    quiet_client.cookies["sessionid"] = "x" * 32
    assert quiet_client.get("/sistema/stato/").status_code == 500


def test_the_driver_error_is_recognised_through_django_wrapping():
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as inner:
            raise OperationalError("terminating connection due to administrator command") from inner
    except OperationalError as wrapped:
        assert views.is_database_unavailable(wrapped)
    assert not views.is_database_unavailable(ValueError("x"))
    assert not views.is_database_unavailable(None)

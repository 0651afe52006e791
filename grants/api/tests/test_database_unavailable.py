"""An API view that loses the database mid-request answers 503 + Retry-After as problem+json."""

import json

import pytest
from django.db import InterfaceError

from grants.applications import selectors as application_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def test_api_view_losing_the_database_answers_503(quiet_client, monkeypatch, django_user_model):
    user = django_user_model.objects.create_user(email="a@example.org", password="a-long-password-1")
    quiet_client.force_login(user)

    def gone(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(application_selectors, "applications_for_user", gone, raising=False)
    monkeypatch.setattr(application_selectors, "application_for_user", gone)

    response = quiet_client.get("/api/v1/applications/7")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert json.loads(response.content)["code"] == "database_unavailable"

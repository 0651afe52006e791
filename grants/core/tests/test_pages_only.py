"""Middleware that only pages need is skipped on the JSON API and the health probes, never on a page or on
the API's HTML documentation."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_get_htmx_and_the_saml_session(client):
    request = client.get("/bandi/").wsgi_request
    assert hasattr(request, "htmx") and hasattr(request, "saml_session")
    docs = client.get("/api/v1/docs").wsgi_request
    assert hasattr(docs, "htmx") and hasattr(docs, "saml_session")


def test_the_api_and_the_health_probe_skip_them(client):
    for path in ("/api/v1/calls", "/health/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not hasattr(response.wsgi_request, "htmx"), path
        assert not hasattr(response.wsgi_request, "saml_session"), path

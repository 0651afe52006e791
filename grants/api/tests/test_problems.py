"""Every failure under /api/ is application/problem+json: unknown paths, methods, server errors, CSRF."""

import json

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import path

from config import urls as project_urls
from grants.api.problems import PROBLEM_CONTENT_TYPE
from grants.api.urls import on_rule_refused
from grants.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    return body


@pytest.mark.parametrize("url", [f"{API}/nope", f"{API}/nope/deeper/", f"{API}/", f"{API}/districts/x/y"])
def test_unknown_paths_under_the_api_are_problems(client, url):
    body = _problem(client.get(url), 404)
    assert "<html" not in json.dumps(body).lower()


def test_unknown_path_accepts_any_method_without_a_csrf_page(client):
    user = UserFactory()
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    _problem(csrf_client.post(f"{API}/nope", data="{}", content_type="application/json"), 404)


def test_method_not_allowed_is_a_problem_with_allow(client):
    response = client.delete(f"{API}/provinces")
    _problem(response, 405)
    assert response["Allow"] == "GET"


def test_validation_error_lists_the_fields(client):
    body = _problem(client.get(f"{API}/municipalities", {"page": "zero"}), 422)
    assert body["errors"][0]["field"] == "page"


def test_a_nul_character_is_refused_wherever_it_comes(client):
    """PostgreSQL cannot store nor compare U+0000: the API refuses it as invalid input, on every database."""
    body = _problem(client.get(f"{API}/social-service-bodies", {"q": "a\x00b"}), 422)
    assert [error["field"] for error in body["errors"]] == ["q"]
    _problem(client.get(f"{API}/calls/bando%00"), 404)
    client.force_login(UserFactory())
    response = client.patch(
        f"{API}/organisations/1", data='{"name": "Coop\\u0000"}', content_type="application/json"
    )
    assert [error["field"] for error in _problem(response, 422)["errors"]] == ["name"]


def test_a_rule_no_view_translated_is_a_422_with_its_fields():
    """A model's full_clean (or check constraint) refusing a value that reached a service is invalid input."""
    response = on_rule_refused(None, ValidationError({"name": ["Troppo lungo."], "__all__": ["Incoerente."]}))
    body = _problem(response, 422)
    assert body["errors"] == [
        {"field": "name", "message": "Troppo lungo."},
        {"field": "", "message": "Incoerente."},
    ]
    assert _problem(on_rule_refused(None, ValidationError("Non valido.")), 422)["errors"][0]["field"] == ""


def test_unparsable_body_is_a_400_problem(client):
    client.force_login(UserFactory())
    _problem(client.post(f"{API}/organisations", data="{not json", content_type="application/json"), 400)


def test_unauthenticated_is_401_with_www_authenticate(client):
    response = client.get(f"{API}/applications")
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    # A write without a session is told to authenticate, not that a CSRF token is missing.
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/organisations", data="{}", content_type="application/json"
    )
    _problem(response, 401)


def test_session_write_without_csrf_token_is_a_403_problem():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = _problem(client.post(f"{API}/organisations", data="{}", content_type="application/json"), 403)
    assert "CSRF" in body["detail"]
    # Reads need no CSRF token.
    assert client.get(f"{API}/organisations").status_code == 200


def test_session_write_with_csrf_token_passes_the_check():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/organisations", data="{}", content_type="application/json", headers={"X-CSRFToken": token}
    )
    _problem(response, 422)  # past authentication and CSRF: the empty body is invalid


# --- server errors ------------------------------------------------------------------------------------------
@pytest.fixture
def broken_provinces(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr("grants.api.territory.selectors.list_provinces", boom)


@pytest.mark.usefixtures("broken_provinces")
def test_server_error_is_a_500_problem_without_the_trace(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get(f"{API}/provinces")
    body = _problem(response, 500)
    text = response.content.decode()
    assert "hunter2" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert body["detail"]
    # The operators still get the trace in the log.
    assert any(record.exc_info and "hunter2" in str(record.exc_info[1]) for record in caplog.records)


@pytest.mark.usefixtures("broken_provinces")
def test_server_error_reaches_the_test_client_as_an_exception(client):
    # got_request_exception is sent, as for Django's own 500: tests (and error reporting) see the exception.
    with pytest.raises(RuntimeError):
        client.get(f"{API}/provinces")


# --- the rest of the /api/ prefix (middleware) ------------------------------------------------------------
def _raise(request):
    raise RuntimeError("outside ninja")


urlpatterns = [path("api/legacy/boom", _raise), *project_urls.urlpatterns]

_COMMON = django_settings.MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1
WITH_MIDDLEWARE = [
    *django_settings.MIDDLEWARE[:_COMMON],
    "grants.api.middleware.ApiProblemMiddleware",
    *django_settings.MIDDLEWARE[_COMMON:],
]


@pytest.mark.urls(__name__)
def test_middleware_turns_other_api_failures_into_problems(settings):
    settings.MIDDLEWARE = WITH_MIDDLEWARE
    client = Client(raise_request_exception=False)
    _problem(client.get("/api/v2/applications"), 404)
    _problem(client.get("/api/"), 404)
    body = _problem(client.get("/api/legacy/boom"), 500)
    assert "outside ninja" not in json.dumps(body)


@pytest.mark.urls(__name__)
def test_middleware_leaves_pages_alone(settings):
    settings.MIDDLEWARE = WITH_MIDDLEWARE
    response = Client().get("/pagina-che-non-esiste/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_openapi_publishes_errors_as_problems(client):
    schema = json.loads(client.get(f"{API}/openapi.json").content)
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == {"type", "title", "status"}
    operation = schema["paths"][f"{API}/organisations/{{organisation_id}}"]["get"]
    for status in ("401", "403", "404", "422", "429"):
        content = operation["responses"][status]["content"]
        assert list(content) == [PROBLEM_CONTENT_TYPE]
    assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    # A write on an existing object may find it in a state that does not allow it.
    withdraw = schema["paths"][f"{API}/applications/{{application_id}}/withdraw"]["post"]["responses"]
    assert list(withdraw["409"]["content"]) == [PROBLEM_CONTENT_TYPE]
    assert "409" not in operation["responses"]
    public = schema["paths"][f"{API}/provinces"]["get"]["responses"]
    assert "403" not in public  # anyone may read; only a bad token is refused (401)
    assert "WWW-Authenticate" in public["401"]["headers"]


def test_multipart_without_boundary_is_a_400_problem():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    client.get("/")
    response = client.post(
        f"{API}/organisations",
        data=b"{}",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    _problem(response, 400)

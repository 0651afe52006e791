"""Object permissions (IDOR), generated from the URL conf and the OpenAPI schema.

Every page and every API operation that takes an object id or code in its path is found by walking the URL
resolver and /api/v1/openapi.json. Each must be either

- mapped to a builder that makes an object owned by organisation A (``tests/security/idor/``: the world in
  ``world.py``, the cases of each context in its module, every case by name in ``tables.py``); it is then
  requested as a user of
  organisation B (expect 403/404, never A's data, never a change) and anonymously (pages: redirect to the
  sign-in page; API: 401/404); or
- allowlisted with a reason (public by design, a secret token in the URL, the staff-only back-office).

A new id-taking endpoint that is neither makes ``test_every_id_taking_endpoint_is_covered`` fail: add a
builder (or, if the object really is public, an allowlist entry with its reason).
"""

import copy
import functools
import json
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import reverse

from grants.registry.tests.factories import UserFactory
from tests.support import module_transaction

from . import urls as security_urls
from .idor.discovery import (
    _ROUTE_PARAMETER,
    Pattern,
    _page_classification,
    _schemas,
    id_taking_operations,
    id_taking_pages,
)
from .idor.project_controllers import other_project_controller
from .idor.tables import (
    API_CASES,
    PAGE_CASES,
    PUBLIC_API,
    PUBLIC_PAGES,
    STAFF_REACHABLE,
)
from .idor.world import (
    URLCONF,
    Case,
    World,
    build_world,
    other_call_officer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, request) -> World:
    """A's world, built once per test module inside a transaction that is rolled back when the module ends;
    each test runs in a savepoint of it. In the IDOR module every case's objects are built here too, so a
    case costs its requests only."""
    with django_db_blocker.unblock(), module_transaction():
        shared = build_world()
        if request.module.__name__ == __name__:
            for case in [*PAGE_CASES.values(), *API_CASES.values()]:
                case.args(shared)
            for public in [*PUBLIC_PAGES.values(), *PUBLIC_API.values()]:
                if public.hidden is not None:
                    public.hidden(shared)
            other_call_officer(shared)
            other_project_controller(shared)
        yield shared


@pytest.fixture
def world(shared_world, db) -> World:
    """A private copy of the shared world per test (as Django's setUpTestData gives): what a test does to
    the objects in memory does not reach the next one; what it does in the database is rolled back."""
    return copy.deepcopy(shared_world)


def test_every_id_taking_endpoint_is_covered(client):
    pages = id_taking_pages()
    operations = id_taking_operations(_schemas(client))

    unknown_pages = [f"{p.name} ({p.route})" for p in pages if _page_classification(p) == "unknown"]
    unknown_operations = [
        f"{o.operation_id} ({o.method.upper()} {o.path})"
        for o in operations
        if o.operation_id not in API_CASES and o.operation_id not in PUBLIC_API
    ]

    assert not unknown_pages, (
        f"pages with an object id and no IDOR builder or allowlist entry: {unknown_pages}"
    )
    assert not unknown_operations, (
        f"API operations with no IDOR builder or allowlist entry: {unknown_operations}"
    )
    # The walk really found the endpoints (a broken discovery would make every other test vacuous).
    assert {"registry:organisation_detail", "transparency:call_detail"} <= {p.name for p in pages}
    assert "grants_api_registry_get_organisation" in {o.operation_id for o in operations}


def test_the_coverage_check_fails_for_an_unmapped_endpoint():
    stray = Pattern(
        name="registry:secret_report",
        route="organizzazioni/<int:pk>/report/",
        parameters=("pk",),
        namespace="registry",
    )
    assert _page_classification(stray) == "unknown"


# --- requests ---------------------------------------------------------------------------------------------
def _send(client, method: str, url: str, case: Case, world: World, *, api: bool):
    body = case.body(world) if case.body else None
    headers = dict(case.headers)
    if api and not case.multipart:
        return getattr(client, method)(
            url,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers=headers,
        )
    return getattr(client, method)(url, data=body or {}, headers=headers)


def _assert_no_leak(response, secrets: list[str]) -> None:
    content = response.content.decode("utf-8", errors="replace")
    for secret in secrets:
        assert secret not in content, f"{secret!r} leaked in a {response.status_code} answer"


def _pages_discovered() -> set[str]:
    return {p.name for p in id_taking_pages()}


def _page_params(kind: str):
    discovered = _pages_discovered()
    table = PAGE_CASES if kind == "mapped" else PUBLIC_PAGES
    return [pytest.param(name, id=name) for name in table if name in discovered]


def _api_path(schemas, operation_id: str) -> tuple[str, str] | None:
    for operation in id_taking_operations(schemas):
        if operation.operation_id == operation_id:
            return operation.method, operation.path
    return None


@functools.cache
def _schemas_offline() -> list[dict]:
    from grants.api.urls import api

    with override_settings(ROOT_URLCONF=URLCONF):
        return [api.get_openapi_schema(), *(a.get_openapi_schema() for a in security_urls.EXTRA_APIS)]


def _api_params(table):
    discovered = {o.operation_id for o in id_taking_operations(_schemas_offline())}
    return [pytest.param(name, id=name) for name in table if name in discovered]


def _fill(path: str, args: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(args[m.group(1)]), path)


@pytest.mark.parametrize("name", _page_params("mapped"))
def test_another_organisation_cannot_reach_a_page_of_a(client, world, name):
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(world.user_b)
    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code in (403, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


def _staff_params(params):
    return [p for p in params if p.values[0] not in STAFF_REACHABLE]


def test_the_staff_allowlist_names_real_cases_with_a_reason():
    stale = [name for name in STAFF_REACHABLE if name not in PAGE_CASES and name not in API_CASES]
    assert not stale, f"STAFF_REACHABLE names no case: {stale}"
    assert all(reason.strip() for reason in STAFF_REACHABLE.values())


@pytest.mark.parametrize("name", _staff_params(_page_params("mapped")))
def test_an_officer_of_another_call_cannot_reach_a_page_of_a(client, world, name):
    """Staff rights are per call: every permission of the officer and of the head of measure (but assigning
    the staff), officer of another call only, meets A's objects as if they did not exist."""
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(other_call_officer(world))
    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code in (403, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


@pytest.mark.parametrize("name", _staff_params(_api_params(API_CASES)))
def test_an_officer_of_another_call_cannot_reach_an_api_object_of_a(client, world, name):
    case = API_CASES[name]
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(other_call_officer(world))
    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (403, 404), f"{name}: {response.status_code} {response.content[:300]!r}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


def test_the_officer_of_another_call_is_refused_for_the_call_only(client, world):
    """Not vacuous: the same officer, once assigned to A's calls, reaches A's applications and monitoring."""
    from grants.programme.models import CallStaff

    from .idor.monitoring import _monitoring_of_a

    officer = other_call_officer(world)
    project = _monitoring_of_a(world).project
    client.force_login(officer)
    list_url = reverse("applications:officer_application_list", kwargs={"code": world.submitted.call.code})
    monitoring_url = reverse("monitoring:project", kwargs={"pk": project.pk})
    assert client.get(list_url).status_code == 404
    assert client.get(monitoring_url).status_code == 404

    for call in {world.submitted.call, project.call}:
        CallStaff.objects.create(call=call, user=officer, role="officer")

    assert client.get(list_url).status_code == 200
    assert client.get(monitoring_url).status_code == 200


# --- the controller of another project ----------------------------------------------------------------------
_CONTROLLED = ("finance:", "grants_api_finance_", "projects:", "grants_api_projects_")


def _sent_claim_of_a(world: World):
    """A's claim, sent: the controller of A's project would reach it; a controller of X must not."""
    from grants.finance import services as finance_services
    from grants.finance.models import ExpenseClaim

    from .idor.finance import _finance_of_a

    claim = ExpenseClaim.objects.get(pk=_finance_of_a(world).claim.pk)
    if claim.status == "draft":
        finance_services.submit_claim(actor=world.user_a, claim=claim)
    return claim


@pytest.mark.parametrize(
    "name", [p for p in _staff_params(_page_params("mapped")) if p.values[0].startswith(_CONTROLLED)]
)
def test_the_controller_of_another_project_cannot_reach_a_page_of_a(client, world, name):
    """Controllers are assigned per project: the controller of B's project X meets A's project Y, its
    claims (sent), controls and payments as if they did not exist."""
    case = PAGE_CASES[name]
    _sent_claim_of_a(world)
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(other_project_controller(world))
    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code in (403, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


@pytest.mark.parametrize(
    "name", [p for p in _staff_params(_api_params(API_CASES)) if p.values[0].startswith(_CONTROLLED)]
)
def test_the_controller_of_another_project_cannot_reach_an_api_object_of_a(client, world, name):
    case = API_CASES[name]
    _sent_claim_of_a(world)
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(other_project_controller(world))
    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (403, 404), f"{name}: {response.status_code} {response.content[:300]!r}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


def test_the_controller_of_another_project_is_refused_for_that_project_only(client, world):
    """Not vacuous: the same controller, once assigned to A's project, reaches its sent claim and money."""
    from grants.finance.models import ProjectController

    from .idor.finance import _finance_of_a

    controller = other_project_controller(world)
    claim = _sent_claim_of_a(world)
    project = _finance_of_a(world).project
    client.force_login(controller)
    urls = [
        reverse("finance:claim_detail", kwargs={"pk": claim.pk}),
        reverse("finance:project_finance", kwargs={"pk": project.pk}),
        f"/api/v1/finance/claims/{claim.pk}",
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]

    ProjectController.objects.create(project=project, user=controller)

    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert str(claim.pk) in str(
        [c["id"] for c in client.get("/api/v1/finance/controller/claims").json()["items"]]
    )


def test_the_dashboard_of_an_officer_of_another_call_leaves_out_a(client, world):
    """The dashboard is every officer's, but its figures are those of the calls one works on."""
    url = reverse("monitoring:dashboard_export", kwargs={"fmt": "csv"}) + "?per=call"
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    row_of_a = f"\n{world.submitted.call.title};"  # the call's row of applications by outcome
    assert row_of_a in client.get(url).content.decode()  # the figure exists, for whoever sees every call

    client.force_login(other_call_officer(world))
    response = client.get(url)

    assert response.status_code == 200
    assert row_of_a not in response.content.decode()
    _assert_no_leak(response, PAGE_CASES["monitoring:dashboard_export"].secrets(world))


@pytest.mark.parametrize("name", _page_params("mapped"))
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code == 302, f"{name}: {response.status_code}"
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if case.unchanged:
        assert case.unchanged(world) == before


@pytest.mark.parametrize("name", _page_params("public"))
def test_public_pages_hide_what_is_not_published(client, world, name):
    public = PUBLIC_PAGES[name]
    assert public.reason
    if public.anonymous_redirects_to_login:
        url = reverse(name, kwargs={"code": world.call.code})
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if public.hidden is None:
        return
    url = reverse(name, kwargs=public.hidden(world))
    client.force_login(world.user_b)
    assert client.get(url).status_code == 404
    if not public.anonymous_redirects_to_login:
        client.logout()
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", _api_params(API_CASES))
def test_another_organisation_cannot_reach_an_api_object_of_a(client, world, name):
    case = API_CASES[name]
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(world.user_b)
    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (403, 404), f"{name}: {response.status_code} {response.content[:300]!r}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


@pytest.mark.parametrize("name", _api_params(API_CASES))
def test_anonymous_api_clients_are_refused(client, world, name):
    case = API_CASES[name]
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (401, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before


@pytest.mark.parametrize("name", _api_params(PUBLIC_API))
def test_public_api_hides_what_is_not_published(client, world, name):
    public = PUBLIC_API[name]
    assert public.reason
    if public.hidden is None:
        return
    _, path = _api_path(_schemas_offline(), name)
    url = _fill(path, public.hidden(world))
    assert client.get(url).status_code == 404
    client.force_login(world.user_b)
    assert client.get(url).status_code == 404


def test_the_back_office_turns_away_everyone_but_staff(client, world):
    admin_patterns = [p for p in id_taking_pages() if _page_classification(p) == "admin"]
    assert admin_patterns, "the admin's object URLs were not discovered"
    admin_login = reverse("admin:login")
    client.force_login(world.user_b)
    for pattern in admin_patterns:
        kwargs = {name: ("registry" if name == "app_label" else "1") for name in pattern.parameters}
        if "content_type_id" in kwargs:
            continue  # admin:view_on_site redirects to the object's public URL by design (no data shown)
        if "<" in pattern.name:  # unnamed (the admin's redirect from <object_id>/ to its change page)
            url = "/" + _ROUTE_PARAMETER.sub(lambda m, values=kwargs: values[m["name"]], pattern.route)
        else:
            url = reverse(pattern.name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith(admin_login), pattern.name


def test_staff_with_the_audit_permission_read_the_trail_of_a(client, world):
    officer = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(officer)
    response = client.get(f"/api/v1/audit/applications/application/{world.draft.pk}")

    assert response.status_code == 200
    items = response.json()["items"]
    assert {"application.created", "application.updated"} <= {item["action"] for item in items}
    assert all(item["object_id"] == str(world.draft.pk) for item in items)
    assert client.get("/api/v1/audit/registry/nosuchmodel/1").status_code == 404

    staff_without_permission = UserFactory(is_staff=True)
    client.force_login(staff_without_permission)
    assert client.get(f"/api/v1/audit/registry/organisation/{world.organisation_a.pk}").status_code == 403

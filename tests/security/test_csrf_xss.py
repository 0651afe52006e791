"""CSRF on every state-changing form and session-authenticated API call; user text always escaped."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from grants.applications import services as application_services
from grants.applications.tests.factories import member_of, ready_application
from grants.registry.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def applicant():
    user, organisation = member_of(name="Cooperativa Sicura")
    return user, organisation


@pytest.fixture
def strict_client(applicant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant[0])
    return client


def _organisation_form(organisation, **changes) -> dict:
    fields = (
        "name",
        "legal_form",
        "company_size",
        "runts_number",
        "vat_number",
        "address",
        "pec",
        "legal_representative_first_name",
        "legal_representative_last_name",
        "legal_representative_fiscal_code",
    )
    data = {field: getattr(organisation, field) for field in fields}
    data["seat"] = organisation.seat.istat_code
    data.update(changes)
    return data


def test_forms_without_the_token_are_refused(strict_client, applicant):
    _, organisation = applicant
    application = ready_application(user=applicant[0], organisation=organisation)
    posts = {
        reverse("registry:organisation_update", args=[organisation.pk]): _organisation_form(
            organisation, name="X"
        ),
        reverse("registry:organisation_create"): {"name": "Nuova"},
        reverse("applications:application_withdraw", args=[application.pk]): {},
        reverse("applications:application_submit", args=[application.pk]): {"declarations_accepted": "on"},
        reverse("accounts:logout"): {},
        reverse("set_language"): {"language": "en"},
    }
    for url, data in posts.items():
        assert strict_client.post(url, data).status_code == 403, url

    organisation.refresh_from_db()
    application.refresh_from_db()
    assert organisation.name == "Cooperativa Sicura"
    assert application.status == "draft"


def test_sign_in_without_the_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accedi/", {"login": user.email, "username": user.email, "password": "x" * 12})
    assert response.status_code == 403


def test_the_same_form_with_the_token_goes_through(strict_client, applicant):
    _, organisation = applicant
    url = reverse("registry:organisation_update", args=[organisation.pk])
    strict_client.get(url)
    token = strict_client.cookies["csrftoken"].value

    response = strict_client.post(
        url, {**_organisation_form(organisation, name="Rinominata"), "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Rinominata"


def test_session_authenticated_api_writes_need_the_token(strict_client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation)
    calls = [
        ("patch", f"/api/v1/organisations/{organisation.pk}", {"name": "X"}),
        ("post", f"/api/v1/organisations/{organisation.pk}/members", {"email": UserFactory().email}),
        ("put", f"/api/v1/applications/{application.pk}/general", {"title": "X"}),
        ("post", f"/api/v1/applications/{application.pk}/withdraw", None),
    ]
    for method, url, body in calls:
        response = getattr(strict_client, method)(
            url, data=json.dumps(body) if body is not None else None, content_type="application/json"
        )
        assert response.status_code in (401, 403), f"{method.upper()} {url}: {response.status_code}"

    strict_client.get(reverse("registry:organisation_update", args=[organisation.pk]))  # sets the cookie
    token = strict_client.cookies["csrftoken"].value
    allowed = strict_client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data=json.dumps({"name": "Con token"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 200
    organisation.refresh_from_db()
    assert organisation.name == "Con token"


def test_an_organisation_name_with_a_script_is_escaped(client, applicant):
    user, organisation = applicant
    organisation.name = PAYLOAD
    organisation.save()
    client.force_login(user)

    for url in (
        reverse("registry:organisation_detail", args=[organisation.pk]),
        reverse("registry:organisation_list"),
    ):
        content = client.get(url).content.decode()
        assert PAYLOAD not in content, url
        assert ESCAPED in content, url


def test_an_application_title_with_a_script_is_escaped(client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation)
    application_services.update_general(actor=user, application=application, title=PAYLOAD, abstract=PAYLOAD)
    application_services.submit(
        actor=user, application=application, idempotency_key="xss", declarations_accepted=True
    )
    officer = UserFactory(is_staff=True, is_superuser=True)

    client.force_login(user)
    pages = [
        reverse("applications:application_detail", args=[application.pk]),
        reverse("applications:application_list"),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        assert PAYLOAD not in content, url
        assert ESCAPED in content, url

    client.force_login(officer)
    url = reverse("applications:officer_application_detail", args=[application.call.code, application.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert PAYLOAD not in response.content.decode()
    assert ESCAPED in response.content.decode()

"""Acting-for-organisation context (grants/registry/acting.py): a session choice among active memberships."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import include, path
from django.utils import timezone

from config.urls import urlpatterns as project_urlpatterns
from grants.registry import acting
from grants.registry.models import MembershipRole

from .factories import OrganisationFactory, UserFactory

# This module is also the URLconf of its tests: the project's URLs plus the switch (until registry/urls.py
# mounts it).
urlpatterns = [
    path("agisci-per/", acting.switch_acting_organisation, name="acting_switch"),
    path("", include(project_urlpatterns)),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.registry.tests.test_acting")]


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def alfa(person):
    return OrganisationFactory(name="Alfa cooperativa", representative=person)


@pytest.fixture
def beta(person):
    organisation = OrganisationFactory(name="Beta associazione")
    organisation.memberships.create(user=person, role=MembershipRole.DELEGATE)
    return organisation


def request_for(client, user):
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return request


def test_first_organisation_by_name_is_current_until_another_is_chosen(client, person, alfa, beta):
    context = acting.acting_organisation(request_for(client, person))["acting"]

    assert context.organisations == [alfa, beta]
    assert context.current == alfa
    assert context.has_choice


def test_switch_changes_the_current_organisation_and_returns(client, person, alfa, beta):
    client.force_login(person)

    response = client.post("/agisci-per/", {"organisation": beta.pk, "next": "/organizzazioni/"})

    assert response.status_code == 302
    assert response["Location"] == "/organizzazioni/"
    assert client.session[acting.SESSION_KEY] == beta.pk
    request = request_for(client, person)
    assert acting.current_organisation(request) == beta


def test_cannot_act_for_an_organisation_without_membership(client, person, alfa):
    other = OrganisationFactory(name="Gamma")
    client.force_login(person)

    client.post("/agisci-per/", {"organisation": other.pk, "next": "/"})

    assert acting.SESSION_KEY not in client.session
    assert acting.current_organisation(request_for(client, person)) == alfa


def test_revoked_membership_stops_being_current(client, person, alfa, beta):
    client.force_login(person)
    client.post("/agisci-per/", {"organisation": beta.pk})
    beta.memberships.filter(user=person).update(revoked_at=timezone.now())

    assert acting.current_organisation(request_for(client, person)) == alfa


def test_switch_never_redirects_to_another_site(client, person, alfa):
    client.force_login(person)

    response = client.post("/agisci-per/", {"organisation": alfa.pk, "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_switch_needs_sign_in_and_post(client, person, alfa):
    assert client.post("/agisci-per/", {"organisation": alfa.pk})["Location"].startswith("/accedi/")
    client.force_login(person)
    assert client.get("/agisci-per/").status_code == 405


def test_person_without_organisations_and_anonymous_have_no_current(client, person):
    assert acting.acting_organisation(request_for(client, person))["acting"].current is None
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    anonymous.session = {}
    assert acting.acting_organisation(anonymous)["acting"].organisations == []


def test_context_is_usable_in_templates(client, person, alfa, beta):
    template = Template(
        "{% for o in acting.organisations %}{{ o.name }}{% if o == acting.current %}*{% endif %};{% endfor %}"
    )
    rendered = template.render(Context(acting.acting_organisation(request_for(client, person))))

    assert rendered == "Alfa cooperativa*;Beta associazione;"

import json

import pytest
from django.test import Client

from grants.core.vocabulary import LegalForm
from grants.registry.models import Membership, MembershipRole, Organisation

from .conftest import staff_with
from .factories import MembershipFactory, OrganisationFactory, UserFactory, body_fiscal_code

pytestmark = pytest.mark.django_db

BASE = "/api/v1/organisations"


@pytest.fixture
def api(client, applicant):
    client.force_login(applicant)
    return client


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def test_anonymous_gets_401(client):
    assert_problem(client.get(BASE), 401)
    assert_problem(post(client, BASE, {}), 401)


def test_list_is_paginated_and_shows_only_visible_organisations(api, applicant):
    for _ in range(25):
        OrganisationFactory(representative=applicant)
    OrganisationFactory(name="Di altri")

    first = api.get(BASE).json()
    second = api.get(BASE, {"page": 2}).json()

    assert first["count"] == 25
    assert len(first["items"]) == 20 and len(second["items"]) == 5
    names = {item["name"] for item in first["items"] + second["items"]}
    assert "Di altri" not in names
    item = first["items"][0]
    assert set(item["seat"]) == {"istat_code", "name", "province"}
    assert item["legal_form_label"] == "Cooperativa sociale"


def test_staff_with_the_registry_right_list_everything(client):
    OrganisationFactory()
    OrganisationFactory()
    client.force_login(staff_with("registry.view_organisation"))
    assert client.get(BASE).json()["count"] == 2


def test_register_an_organisation(api, applicant, seat):
    response = post(
        api,
        BASE,
        {
            "name": "Fondazione Comunità",
            "legal_form": LegalForm.THIRD_SECTOR,
            "fiscal_code": body_fiscal_code(55),
            "runts_number": "12345",
            "seat_istat_code": seat.istat_code,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["fiscal_code"] == body_fiscal_code(55)
    assert body["seat"]["istat_code"] == seat.istat_code
    assert body["legal_representative_fiscal_code"] == applicant.fiscal_code
    membership = Membership.objects.get(organisation_id=body["id"])
    assert (membership.user, membership.role) == (applicant, MembershipRole.LEGAL_REPRESENTATIVE)


def test_registration_errors_are_422_with_field_errors_in_italian(api, seat):
    response = post(
        api,
        BASE,
        {
            "name": "Impresa",
            "legal_form": LegalForm.COMPANY,
            "fiscal_code": "0074311015",
            "seat_istat_code": "123456",
        },
    )
    body = assert_problem(response, 422)
    errors = {error["field"]: error["message"] for error in body["errors"]}
    assert errors["fiscal_code"] == "Il codice fiscale di un ente è di 11 cifre: ne sono state inserite 10."
    assert errors["seat_istat_code"] == "Nessun comune ha il codice ISTAT «123456»."
    assert errors["company_size"] == "Per un'impresa va indicata la dimensione d'impresa."
    assert not Organisation.objects.exists()


def test_duplicate_fiscal_code_is_422(api, seat):
    OrganisationFactory(fiscal_code=body_fiscal_code(55))
    response = post(
        api,
        BASE,
        {
            "name": "Doppione",
            "legal_form": LegalForm.SOCIAL_COOPERATIVE,
            "fiscal_code": body_fiscal_code(55),
            "seat_istat_code": seat.istat_code,
        },
    )
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["fiscal_code"]
    assert "già registrata" in body["errors"][0]["message"]


def test_missing_body_field_is_422(api):
    body = assert_problem(post(api, BASE, {"name": "Senza altro"}), 422)
    assert "fiscal_code" in {error["field"] for error in body["errors"]}


def test_another_organisation_is_404(api):
    other = OrganisationFactory()
    assert_problem(api.get(f"{BASE}/{other.pk}"), 404)
    assert_problem(api.get(f"{BASE}/{other.pk}/members"), 404)
    assert_problem(post(api, f"{BASE}/{other.pk}/members", {"email": "x@esempio.test"}), 404)
    membership = MembershipFactory(organisation=other)
    assert_problem(api.delete(f"{BASE}/{other.pk}/members/{membership.pk}"), 404)
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_detail_and_members(api, applicant):
    organisation = OrganisationFactory(representative=applicant)
    delegate = MembershipFactory(organisation=organisation, granted_by=applicant)
    MembershipFactory(organisation=organisation, revoked_at="2026-01-01T00:00:00+01:00")

    assert api.get(f"{BASE}/{organisation.pk}").json()["name"] == organisation.name
    members = api.get(f"{BASE}/{organisation.pk}/members").json()
    assert {m["user_email"] for m in members} == {applicant.email, delegate.user.email}
    by_email = {m["user_email"]: m for m in members}
    assert by_email[delegate.user.email]["granted_by_email"] == applicant.email
    assert by_email[applicant.email]["role"] == "legal_representative"


def test_grant_and_revoke_a_delegate(api, applicant):
    organisation = OrganisationFactory(representative=applicant)
    person = UserFactory()

    response = post(api, f"{BASE}/{organisation.pk}/members", {"email": person.email})
    assert response.status_code == 201
    membership_id = response.json()["id"]
    assert response.json()["role"] == "delegate"

    duplicate = assert_problem(post(api, f"{BASE}/{organisation.pk}/members", {"email": person.email}), 422)
    assert duplicate["errors"][0]["field"] == "email"

    response = api.delete(f"{BASE}/{organisation.pk}/members/{membership_id}")
    assert response.status_code == 204
    assert Membership.objects.get(pk=membership_id).revoked_at is not None

    again = assert_problem(api.delete(f"{BASE}/{organisation.pk}/members/{membership_id}"), 422)
    assert again["errors"] == [
        {"field": "membership", "message": "Questa abilitazione è già stata revocata."}
    ]


def test_last_legal_representative_cannot_be_revoked(api, applicant):
    organisation = OrganisationFactory(representative=applicant)
    own = Membership.objects.get(user=applicant)
    body = assert_problem(api.delete(f"{BASE}/{organisation.pk}/members/{own.pk}"), 422)
    assert body["errors"][0]["message"].startswith("Non si può revocare l'ultimo legale rappresentante")


def test_delegate_cannot_grant_or_revoke_others_403(client, applicant):
    organisation = OrganisationFactory(representative=applicant)
    delegate = MembershipFactory(organisation=organisation).user
    client.force_login(delegate)

    body = assert_problem(
        post(client, f"{BASE}/{organisation.pk}/members", {"email": UserFactory().email}), 403
    )
    assert body["detail"] == "Solo il legale rappresentante può abilitare i delegati."
    own_rep = Membership.objects.get(user=applicant)
    assert_problem(client.delete(f"{BASE}/{organisation.pk}/members/{own_rep.pk}"), 403)


def test_patch_updates_only_the_fields_sent(api, applicant):
    organisation = OrganisationFactory(representative=applicant, address="Via Vecchia 1")
    response = api.patch(
        f"{BASE}/{organisation.pk}", data=json.dumps({"name": "Nome nuovo"}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    assert (organisation.name, organisation.address) == ("Nome nuovo", "Via Vecchia 1")


def test_csrf_is_required_for_session_writes(applicant, seat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = post(client, BASE, {"name": "x"})
    assert response.status_code == 403
    assert not Organisation.objects.exists()


def test_openapi_documents_the_registry(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations/{organisation_id}/members/{membership_id}" in schema["paths"]
    assert "422" in schema["paths"]["/api/v1/organisations"]["post"]["responses"]

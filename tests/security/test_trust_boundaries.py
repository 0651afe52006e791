"""Trust boundaries between two unrelated applicants (issue 20), probed through the API as an outsider
would: what one organisation declares about another never changes the other's numbers nor tells it the
other's name; ids outside one's scope answer exactly as ids that do not exist."""

import json
from decimal import Decimal

import pytest

from grants.core.vocabulary import LegalForm
from grants.registry.tests.factories import DeMinimisAidFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def two_companies():
    user_a, user_b = UserFactory(), UserFactory()
    a = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_a, name="Alfa Riservata Spa")
    b = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_b, name="Beta Dichiarante Srl")
    return user_a, a, user_b, b


# --- 1. de minimis links are confirmed by the other side --------------------------------------------------
def test_a_one_sided_link_neither_leaks_a_name_nor_lowers_the_other_headroom_nor_breaks_its_register(
    client, two_companies
):
    user_a, a, user_b, b = two_companies
    DeMinimisAidFactory(organisation=b, amount=Decimal("299000.00"))
    client.force_login(user_b)
    declared = _post(
        client,
        f"/api/v1/organisations/{b.pk}/de-minimis/links",
        {"fiscal_code": a.fiscal_code, "relationship": "controls"},
    )
    assert declared.status_code == 201
    body = declared.json()
    assert a.name not in declared.content.decode() and body["linked_organisation_id"] is None
    assert (body["linked_organisation_fiscal_code"], body["status"]) == (a.fiscal_code, "pending")
    assert a.name not in client.get(f"/api/v1/organisations/{b.pk}/de-minimis").content.decode()

    client.force_login(user_a)
    register = client.get(f"/api/v1/organisations/{a.pk}/de-minimis")
    assert register.status_code == 200  # was 500: the mirrored link was a dict
    position = register.json()
    assert Decimal(position["headroom"]) == Decimal("300000.00")
    assert position["undertaking_organisation_ids"] == [a.pk]
    (request,) = position["links"]
    assert (request["status"], request["declared_by_this"]) == ("pending", False)
    assert (request["linked_organisation_name"], request["relationship"]) == (b.name, "controlled_by")

    confirmed = client.post(f"/api/v1/organisations/{a.pk}/de-minimis/links/{request['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    again = client.post(f"/api/v1/organisations/{a.pk}/de-minimis/links/{request['id']}/refuse")
    assert again.status_code == 404  # no longer a pending request
    position = client.get(f"/api/v1/organisations/{a.pk}/de-minimis").json()
    assert Decimal(position["used"]) == Decimal("299000.00")
    client.force_login(user_b)
    assert a.name in client.get(f"/api/v1/organisations/{b.pk}/de-minimis").content.decode()


def test_the_declarant_cannot_confirm_its_own_declaration(client, two_companies):
    _user_a, a, user_b, b = two_companies
    client.force_login(user_b)
    link = _post(
        client,
        f"/api/v1/organisations/{b.pk}/de-minimis/links",
        {"fiscal_code": a.fiscal_code, "relationship": "other"},
    ).json()
    for organisation in (a, b):
        answer = client.post(f"/api/v1/organisations/{organisation.pk}/de-minimis/links/{link['id']}/confirm")
        assert answer.status_code == 404
    assert client.get(f"/api/v1/organisations/{b.pk}/de-minimis").json()["links"][0]["status"] == "pending"


# --- 2. ids outside one's scope answer as ids that do not exist -------------------------------------------
def _same_answer(foreign, missing):
    assert foreign.status_code == missing.status_code == 422
    assert foreign.content == missing.content


def test_a_draft_for_another_organisation_answers_as_a_missing_organisation(client, two_companies):
    from grants.applications.tests.factories import open_call

    _user_a, a, user_b, _b = two_companies
    call = open_call()
    client.force_login(user_b)
    foreign = _post(client, "/api/v1/applications", {"organisation_id": a.pk, "call_id": call.pk})
    missing = _post(client, "/api/v1/applications", {"organisation_id": a.pk + 10_000, "call_id": call.pk})
    _same_answer(foreign, missing)


def test_partners_by_id_never_name_an_organisation_the_caller_could_not_see(client, two_companies):
    from grants.applications.tests.factories import draft

    _user_a, a, user_b, b = two_companies
    application = draft(organisation=b, user=user_b)
    client.force_login(user_b)
    url = f"/api/v1/applications/{application.pk}/partners"

    def put(partner):
        return client.put(url, data=json.dumps({"partners": [partner]}), content_type="application/json")

    foreign = put({"organisation_id": a.pk, "share_percent": "10"})
    missing = put({"organisation_id": a.pk + 10_000, "share_percent": "10"})
    _same_answer(foreign, missing)
    assert a.name not in foreign.content.decode()
    chosen = put({"fiscal_code": a.fiscal_code, "share_percent": "10"})  # as on the page
    assert chosen.status_code == 200
    assert [p["organisation_id"] for p in chosen.json()["partners"]][-1] == a.pk


def test_a_partner_change_by_id_answers_as_a_missing_organisation(client, two_companies):
    from grants.applications.tests.factories import member_of
    from grants.projects.tests.factories import ProjectFactory

    _user_a, a, _user_b, _b = two_companies
    user_b, b = member_of()
    project = ProjectFactory(user=user_b, organisation=b)
    client.force_login(user_b)
    url = f"/api/v1/projects/{project.pk}/partner-changes"
    body = {"action": "add", "reason": "Nuovo partner"}
    foreign = _post(client, url, {**body, "organisation_id": a.pk})
    missing = _post(client, url, {**body, "organisation_id": a.pk + 10_000})
    _same_answer(foreign, missing)
    assert _post(client, url, {**body, "fiscal_code": a.fiscal_code}).status_code == 201


# --- 4. calls by id or code: an unpublished call answers as a missing one ----------------------------------
def test_a_draft_on_an_unpublished_call_answers_as_a_missing_call(client, two_companies):
    from grants.programme.models import CallStatus
    from grants.programme.tests.factories import CallFactory

    _user_a, _a, user_b, b = two_companies
    hidden = CallFactory(status=CallStatus.DRAFT)
    client.force_login(user_b)
    assert hidden.code not in client.get("/api/v1/calls").content.decode()
    for field, value, missing in (
        ("call_id", hidden.pk, hidden.pk + 10_000),
        ("call_code", hidden.code, "NESSUNO"),
    ):
        foreign = _post(client, "/api/v1/applications", {"organisation_id": b.pk, field: value})
        absent = _post(client, "/api/v1/applications", {"organisation_id": b.pk, field: missing})
        _same_answer(foreign, absent)

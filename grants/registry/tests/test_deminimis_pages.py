"""De minimis register through the browser pages and the API: declare, list, link, remove; errors next to
the field (pages) and as problem+json naming the field (API); another organisation's register is 404."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.core.vocabulary import LegalForm
from grants.registry.models import DeMinimisAid, UndertakingLink

from .factories import DeMinimisAidFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    user = UserFactory()
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user)
    client.force_login(user)
    return client, company


def test_page_shows_headroom_and_declared_aid_is_saved(member):
    client, company = member
    DeMinimisAidFactory(organisation=company, amount=Decimal("100000.00"))
    url = reverse("registry:de_minimis", args=[company.pk])
    page = client.get(url).content.decode()
    assert "300.000,00 €" in page and "200.000,00 €" in page
    response = client.post(
        reverse("registry:de_minimis_declare_aid", args=[company.pk]),
        {
            "aid-granted_on": (date.today() - timedelta(days=3)).isoformat(),
            "aid-granting_body": "Comune di Biella",
            "aid-amount": "2500.00",
        },
    )
    assert response.status_code == 302
    assert DeMinimisAid.objects.filter(organisation=company, granting_body="Comune di Biella").exists()


def test_future_date_is_refused_next_to_the_field_and_nothing_is_saved(member):
    client, company = member
    response = client.post(
        reverse("registry:de_minimis_declare_aid", args=[company.pk]),
        {
            "aid-granted_on": (date.today() + timedelta(days=3)).isoformat(),
            "aid-granting_body": "Comune di Biella",
            "aid-amount": "2500.00",
        },
    )
    assert response.status_code == 422
    assert 'id="id_aid-granted_on_error"' in response.content.decode()
    assert "non può essere futura" in response.content.decode()
    assert not DeMinimisAid.objects.exists()


def test_link_and_end_link_through_the_page(member):
    client, company = member
    other = OrganisationFactory(legal_form=LegalForm.COMPANY)
    client.post(
        reverse("registry:de_minimis_declare_link", args=[company.pk]),
        {"link-fiscal_code": other.fiscal_code, "link-relationship": "controls"},
    )
    link = UndertakingLink.objects.get(organisation=company, linked_organisation=other)
    client.post(reverse("registry:undertaking_link_end", args=[company.pk, link.pk]))
    link.refresh_from_db()
    assert link.ended_at is not None


def test_another_organisations_register_is_404(member):
    client, _company = member
    stranger = OrganisationFactory(legal_form=LegalForm.COMPANY)
    aid = DeMinimisAidFactory(organisation=stranger)
    assert client.get(reverse("registry:de_minimis", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("registry:declared_aid_remove", args=[stranger.pk, aid.pk])).status_code == 404
    assert client.get(f"/api/v1/organisations/{stranger.pk}/de-minimis").status_code == 404


def test_api_declares_lists_and_removes_aid(member):
    client, company = member
    base = f"/api/v1/organisations/{company.pk}/de-minimis"
    created = client.post(
        f"{base}/aid",
        data=json.dumps({"granted_on": "2024-03-01", "granting_body": "CCIAA Cuneo", "amount": "1000.00"}),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["regulation_code"] == "ue-2023-2831"
    position = client.get(base, {"at": "2025-01-01"}).json()
    assert (Decimal(position["used"]), Decimal(position["headroom"])) == (Decimal("1000"), Decimal("299000"))
    assert client.delete(f"{base}/aid/{created.json()['id']}").status_code == 204
    assert not DeMinimisAid.objects.exists()


def test_api_errors_are_problems_naming_the_field(member):
    client, company = member
    response = client.post(
        f"/api/v1/organisations/{company.pk}/de-minimis/aid",
        data=json.dumps({"granted_on": "2024-03-01", "granting_body": "", "amount": "-5"}),
        content_type="application/json",
    )
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"granting_body", "amount"}
    link = client.post(
        f"/api/v1/organisations/{company.pk}/de-minimis/links",
        data=json.dumps({"fiscal_code": company.fiscal_code, "relationship": "controls"}),
        content_type="application/json",
    )
    assert link.status_code == 422 and link.json()["errors"][0]["field"] == "fiscal_code"


def test_api_lists_regulations(member):
    client, _company = member
    listed = {r["code"]: r["family"] for r in client.get("/api/v1/de-minimis/regulations").json()}
    assert listed == {
        "ue-2023-2831": "general",
        "ue-1407-2013": "general",
        "ue-2023-2832": "sieg",
        "ue-360-2012": "sieg",
        "ue-1408-2013": "agriculture",
        "ue-717-2014": "fishery",
    }


def test_the_named_organisation_sees_the_request_and_confirms_it_on_its_page(client):
    user_a, user_b = UserFactory(), UserFactory()
    a = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_a, name="Alfa Nascosta Srl")
    b = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_b, name="Beta Richiedente Srl")
    client.force_login(user_b)
    url_b = reverse("registry:de_minimis", args=[b.pk])
    client.post(
        reverse("registry:de_minimis_declare_link", args=[b.pk]),
        {"link-fiscal_code": a.fiscal_code, "link-relationship": "controls"},
    )
    page_b = client.get(url_b).content.decode()
    assert "In attesa di conferma" in page_b and a.fiscal_code in page_b and a.name not in page_b
    link = UndertakingLink.objects.get(organisation=b, linked_organisation=a)
    client.force_login(user_a)
    page_a = client.get(reverse("registry:de_minimis", args=[a.pk])).content.decode()
    assert "Chiede di essere collegata" in page_a and b.name in page_a
    assert "È controllata dall&#x27;impresa collegata" in page_a  # B controls A, seen from A
    client.post(reverse("registry:undertaking_link_confirm", args=[a.pk, link.pk]))
    link.refresh_from_db()
    assert link.status == "confirmed"
    client.force_login(user_b)
    assert a.name in client.get(url_b).content.decode()


def test_the_named_organisation_refuses_through_the_page(client):
    user_a = UserFactory()
    a = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_a)
    b = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=UserFactory())
    link = UndertakingLink.objects.create(
        organisation=b, linked_organisation=a, relationship="controls", declared_by=b.memberships.get().user
    )
    client.force_login(user_a)
    client.post(reverse("registry:undertaking_link_refuse", args=[a.pk, link.pk]))
    link.refresh_from_db()
    assert link.status == "refused" and link.ended_at is not None
    # The declarant cannot answer its own declaration.
    client.force_login(link.declared_by)
    assert client.post(reverse("registry:undertaking_link_confirm", args=[b.pk, link.pk])).status_code == 404

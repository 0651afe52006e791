"""Public funded projects: who is public, what the pages show, and what they never show."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory

from .. import public_projects as pp
from .factories import NATURAL_PERSON_NAME, natural_person_project, paid, public_project

pytestmark = pytest.mark.django_db


def test_only_accepted_projects_are_public():
    active = public_project()
    waiting = ProjectFactory(status=ProjectStatus.TO_ACCEPT)

    ids = set(pp.public_projects().values_list("pk", flat=True))

    assert active.pk in ids
    assert waiting.pk not in ids


def test_the_grant_is_split_by_the_fund_shares_and_adds_up():
    project = public_project()  # grant 71.200, fund 50 / 35 / 15
    paid(project, Decimal("10000.00"))
    project = pp.public_projects().get(pk=project.pk)

    money = pp.financing(project)

    assert project.grant == Decimal("71200.00")
    assert (money.eu, money.state, money.region) == (
        Decimal("35600.00"),
        Decimal("24920.00"),
        Decimal("10680.00"),
    )
    assert money.eu + money.state + money.region == money.public_total == project.grant
    assert money.private == Decimal("17800.00")
    assert money.payments == Decimal("10000.00")


def test_filters_by_measure_legal_form_province_and_search():
    project = public_project()
    other = public_project()
    seat = project.beneficiary.seat

    def found(**filters):
        return set(
            pp.filter_projects(pp.public_projects(), pp.ProjectFilters(**filters)).values_list(
                "pk", flat=True
            )
        )

    assert found(measure=project.call.measure.code) == {project.pk}
    assert found(province=seat.province.istat_code) >= {project.pk}
    assert found(municipality=seat.istat_code) >= {project.pk}
    assert found(query=project.cup) == {project.pk}
    assert found(legal_form=project.beneficiary.legal_form) >= {project.pk, other.pk}
    assert found(legal_form="company") == set()


def test_list_page_paginates_filters_with_htmx_and_links_the_export(client):
    project = public_project()
    response = client.get(reverse("transparency:project_list"), {"misura": project.call.measure.code})
    assert response.status_code == 200
    assert project.title in response.content.decode()
    assert f"operazioni.csv?misura={project.call.measure.code}" in response.content.decode()

    partial = client.get(
        reverse("transparency:project_list"),
        {"misura": "NESSUNA"},
        headers={"HX-Request": "true", "HX-Target": "project-results"},
    )
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'data-testid="empty-state"' in partial.content.decode()


def test_detail_shows_grant_eu_share_partners_and_payments(client):
    project = public_project()
    paid(project, Decimal("7120.00"))

    response = client.get(reverse("transparency:project_detail", args=[project.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert project.beneficiary.name in body
    assert project.cup in body
    assert "35.600,00 €" in body  # EU share
    assert "7.120,00 €" in body  # paid so far
    assert "Comune di Prova" in body  # a partner
    assert project.beneficiary.legal_representative_fiscal_code not in body


def test_a_project_not_yet_accepted_does_not_exist_for_the_public(client):
    waiting = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    assert client.get(reverse("transparency:project_detail", args=[waiting.pk])).status_code == 404


def test_a_natural_person_is_never_named(client):
    project = natural_person_project()
    code = project.beneficiary.fiscal_code

    detail = client.get(reverse("transparency:project_detail", args=[project.pk])).content.decode()
    listing = client.get(reverse("transparency:project_list")).content.decode()
    searched = client.get(reverse("transparency:project_list"), {"q": "Bianchi"}).content.decode()
    grants = client.get(reverse("transparency:grant_publication")).content.decode()

    for page in (detail, listing, grants):
        assert NATURAL_PERSON_NAME not in page
        assert code not in page
    assert "persona fisica – dati non pubblicabili" in detail
    assert project.title not in searched  # a search by the person's name does not find them


def test_grants_publication_lists_the_legal_data(client):
    project = public_project()
    response = client.get(reverse("transparency:grant_publication"))
    body = response.content.decode()
    assert response.status_code == 200
    assert project.beneficiary.fiscal_code in body
    assert "71.200,00 €" in body
    assert "graduatoria" in body
    assert reverse("transparency:project_detail", args=[project.pk]) in body
    assert reverse("transparency:call_detail", args=[project.call.code]) in body

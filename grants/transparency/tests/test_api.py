"""The transparency API: public reads without login, writes with permissions, problem+json errors."""

import pytest

from grants.applications.tests.factories import member_of
from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory
from grants.registry.tests.factories import UserFactory
from grants.territory.tests.factories import ProvinceFactory

from ..models import AccompanimentActivity, ReplicationInterest
from ..states import SheetStatus
from .factories import (
    COMPLETE_SHEET,
    accompaniment_manager,
    natural_person_project,
    public_project,
    sheet_reviewer,
)

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_public_projects_without_login_and_no_natural_person(client):
    project = public_project()
    person = natural_person_project()
    hidden = ProjectFactory(status=ProjectStatus.TO_ACCEPT)

    listing = client.get("/api/v1/public/projects")
    assert listing.status_code == 200
    items = {item["id"]: item for item in listing.json()["items"]}
    assert set(items) == {project.pk, person.pk}
    assert items[project.pk]["eu_share"] == "35600.00"
    assert items[person.pk]["beneficiary"] == "persona fisica – dati non pubblicabili"
    assert items[person.pk]["beneficiary_fiscal_code"] == ""

    detail = client.get(f"/api/v1/public/projects/{project.pk}")
    assert detail.status_code == 200
    assert {p["name"] for p in detail.json()["partners"]} >= {"Comune di Prova"}
    missing = client.get(f"/api/v1/public/projects/{hidden.pk}")
    assert missing.status_code == 404 and missing["Content-Type"] == PROBLEM

    datasets = client.get("/api/v1/public/datasets").json()
    assert {d["slug"] for d in datasets} == {"operazioni", "progetti-opencoesione", "concessioni"}


def test_activities_need_the_staff_permission_to_write(client):
    body = {
        "kind": "coaching",
        "title": "Affiancamento al bilancio sociale",
        "topics": "bilancio sociale",
        "organiser": "Regione Piemonte",
        "starts_on": "2026-05-04",
        "ends_on": "2026-05-04",
        "hours": "2",
        "participants_count": 6,
        "province": ProvinceFactory().istat_code,
    }
    assert (
        client.post("/api/v1/accompaniment/activities", body, content_type="application/json").status_code
        == 401
    )
    client.force_login(UserFactory())
    assert (
        client.post("/api/v1/accompaniment/activities", body, content_type="application/json").status_code
        == 403
    )

    client.force_login(accompaniment_manager())
    wrong = client.post(
        "/api/v1/accompaniment/activities", {**body, "ends_on": "2026-05-01"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    assert wrong["Content-Type"] == PROBLEM
    assert [e["field"] for e in wrong.json()["errors"]] == ["ends_on"]
    created = client.post("/api/v1/accompaniment/activities", body, content_type="application/json")
    assert created.status_code == 201
    activity_id = created.json()["id"]
    updated = client.put(
        f"/api/v1/accompaniment/activities/{activity_id}",
        {**body, "participants_count": 9, "is_published": False},
        content_type="application/json",
    )
    assert updated.status_code == 200
    assert AccompanimentActivity.objects.get(pk=activity_id).participants_count == 9

    client.logout()
    assert client.get(f"/api/v1/public/activities/{activity_id}").status_code == 404
    assert client.get("/api/v1/public/activities").json()["count"] == 0


def test_sheet_written_submitted_reviewed_and_interest_declared(client):
    project = public_project()
    owner = project.beneficiary.memberships.first().user
    stranger, other_organisation = member_of(name="Unione Montana Valli")

    client.force_login(stranger)
    url = f"/api/v1/experiences/projects/{project.pk}/sheet"
    assert client.put(url, COMPLETE_SHEET, content_type="application/json").status_code == 404

    client.force_login(owner)
    saved = client.put(url, {**COMPLETE_SHEET, "themes": ["magia"]}, content_type="application/json")
    assert saved.status_code == 422 and saved.json()["errors"][0]["field"] == "themes"
    saved = client.put(url, COMPLETE_SHEET, content_type="application/json")
    assert saved.status_code == 200
    sheet_id = saved.json()["id"]
    assert client.post(f"/api/v1/experiences/{sheet_id}/submit").json()["status"] == SheetStatus.SUBMITTED
    again = client.post(f"/api/v1/experiences/{sheet_id}/submit")
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM
    assert (
        client.post(
            f"/api/v1/experiences/{sheet_id}/review", {"decision": "publish"}, content_type="application/json"
        ).status_code
        == 403
    )

    client.force_login(sheet_reviewer())
    published = client.post(
        f"/api/v1/experiences/{sheet_id}/review", {"decision": "publish"}, content_type="application/json"
    )
    assert published.json()["status"] == SheetStatus.PUBLISHED

    client.logout()
    found = client.get("/api/v1/public/experiences", {"theme": "care"}).json()
    assert [item["id"] for item in found["items"]] == [sheet_id]

    client.force_login(stranger)
    interest = client.post(
        f"/api/v1/experiences/{sheet_id}/interests",
        {"organisation_id": other_organisation.pk, "message": "Ci interessa."},
        content_type="application/json",
    )
    assert interest.status_code == 201
    duplicate = client.post(
        f"/api/v1/experiences/{sheet_id}/interests",
        {"organisation_id": other_organisation.pk, "message": "Ancora."},
        content_type="application/json",
    )
    assert duplicate.status_code == 409
    not_mine = client.post(
        f"/api/v1/experiences/{sheet_id}/interests",
        {"organisation_id": project.beneficiary.pk, "message": "Fingo."},
        content_type="application/json",
    )
    missing = client.post(
        f"/api/v1/experiences/{sheet_id}/interests",
        {"organisation_id": 999_999, "message": "Fingo."},
        content_type="application/json",
    )
    # Another's organisation answers exactly as one that does not exist: ids tell nothing.
    assert (not_mine.status_code, not_mine.content) == (422, missing.content)
    assert ReplicationInterest.objects.count() == 1

"""The /api/v1 projects endpoints: visibility (404 for other organisations), problem+json field errors, 409
on a wrong state, the beneficiary's and the officer's operations."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.core.timeutils import in_rome, now
from grants.projects.models import Project
from grants.projects.states import ProjectStatus
from grants.registry.tests.factories import UserFactory

from .factories import ProjectFactory, funded_application, project_officer, signed_pdf

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
PROBLEM = "application/problem+json"


def post(client, url, body=None, method="post"):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def _today():
    return in_rome(now()).date()


def test_anonymous_gets_401_and_another_organisation_404(client):
    project = ProjectFactory()
    assert client.get(f"{BASE}/projects/{project.pk}").status_code == 401
    client.force_login(UserFactory())
    response = client.get(f"{BASE}/projects/{project.pk}")
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM
    assert client.get(f"{BASE}/projects").json() == {"items": [], "count": 0}


def test_the_beneficiary_accepts_and_starts_through_the_api(client):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    client.force_login(project.application.created_by)
    body = client.get(f"{BASE}/projects/{project.pk}").json()
    assert body["status"] == "to_accept" and body["can_receive_payments"] is False
    assert [line["category"] for line in body["budget_lines"]] == ["personale", "attrezzature", "indiretti"]
    pdf = client.get(f"{BASE}/projects/{project.pk}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    early = post(client, f"{BASE}/projects/{project.pk}/start", {"start_date": str(_today())})
    assert early.status_code == 409 and early.json()["code"] == "agreement_missing"
    refused = client.post(
        f"{BASE}/projects/{project.pk}/agreement", {"file": signed_pdf("atto.pdf", b"not a pdf at all")}
    )
    assert refused.status_code == 422 and refused["Content-Type"] == PROBLEM
    assert refused.json()["errors"][0]["field"] == "file"
    accepted = client.post(f"{BASE}/projects/{project.pk}/agreement", {"file": signed_pdf()})
    assert accepted.status_code == 200 and accepted.json()["accepted_at"]
    future = post(
        client, f"{BASE}/projects/{project.pk}/start", {"start_date": str(_today() + timedelta(days=3))}
    )
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "start_date"
    started = post(client, f"{BASE}/projects/{project.pk}/start", {"start_date": str(_today())})
    assert started.status_code == 200 and started.json()["status"] == "active"
    assert [p["id"] for p in client.get(f"{BASE}/projects").json()["items"]] == [project.pk]


def test_variation_above_tolerance_decided_by_the_officer(client):
    project = ProjectFactory()
    lines = {line.category.code: line.pk for line in project.budget_lines.select_related("category")}
    client.force_login(project.application.created_by)
    wrong = post(
        client,
        f"{BASE}/projects/{project.pk}/variations",
        {"amounts": {lines["personale"]: "10000.00"}, "reason": "Nuova sede"},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "total_changed"
    created = post(
        client,
        f"{BASE}/projects/{project.pk}/variations",
        {
            "amounts": {lines["personale"]: "40000.00", lines["attrezzature"]: "40000.00"},
            "reason": "Nuova sede",
        },
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    change_id = created.json()["id"]
    assert (
        post(
            client, f"{BASE}/projects/{project.pk}/changes/{change_id}/decision", {"approve": True}
        ).status_code
        == 403
    )
    client.force_login(project_officer())
    decided = post(client, f"{BASE}/projects/{project.pk}/changes/{change_id}/decision", {"approve": True})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    again = post(
        client, f"{BASE}/projects/{project.pk}/changes/{change_id}/decision", {"approve": False, "note": "x"}
    )
    assert again.status_code == 409
    amounts = {
        line["category"]: line["approved_amount"]
        for line in client.get(f"{BASE}/projects/{project.pk}").json()["budget_lines"]
    }
    assert Decimal(amounts["attrezzature"]) == Decimal("40000.00")


def test_officer_cup_suspension_revocation_and_export(client):
    project = ProjectFactory(cup="")
    officer = project_officer()
    client.force_login(officer)
    bad = post(client, f"{BASE}/projects/{project.pk}/cup", {"cup": "123"}, method="put")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cup"
    good = post(client, f"{BASE}/projects/{project.pk}/cup", {"cup": "E61H18000110009"}, method="put")
    assert good.status_code == 200 and good.json()["cup"] == "E61H18000110009"
    assert good.json()["can_receive_payments"] is True
    suspended = post(client, f"{BASE}/projects/{project.pk}/suspension", {"reason": "Verifica"})
    assert suspended.json()["status"] == "suspended" and suspended.json()["can_receive_payments"] is False
    assert post(client, f"{BASE}/projects/{project.pk}/suspension", {"reason": "Ancora"}).status_code == 409
    assert (
        post(client, f"{BASE}/projects/{project.pk}/resumption", {"reason": "Ok"}).json()["status"]
        == "active"
    )
    negative = post(client, f"{BASE}/projects/{project.pk}/revocation", {"new_grant": "-1", "reason": "x"})
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "new_grant"
    revoked = post(
        client, f"{BASE}/projects/{project.pk}/revocation", {"new_grant": "0", "reason": "Mai avviato"}
    )
    assert revoked.json()["status"] == "revoked"
    listed = client.get(f"{BASE}/projects", {"status": "revoked"}).json()["items"]
    assert [p["id"] for p in listed] == [project.pk]
    assert client.get(f"{BASE}/projects", {"call": "non-esiste"}).json() == {"items": [], "count": 0}
    export = client.get(f"{BASE}/projects/export.xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")


def test_the_officer_creates_a_missing_project_idempotently(client):
    application = funded_application()
    client.force_login(application.created_by)
    assert client.post(f"{BASE}/applications/{application.pk}/project").status_code == 403
    client.force_login(project_officer())
    first = client.post(f"{BASE}/applications/{application.pk}/project")
    second = client.post(f"{BASE}/applications/{application.pk}/project")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"] and Project.objects.count() == 1


def test_the_beneficiary_records_a_milestone_through_the_api(client):
    project = ProjectFactory()
    client.force_login(project.application.created_by)
    milestone = client.get(f"{BASE}/projects/{project.pk}").json()["phases"][0]["milestones"][0]
    url = f"{BASE}/projects/{project.pk}/milestones/{milestone['id']}/achieved"
    future = post(client, url, {"achieved_on": str(_today() + timedelta(days=1))})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "achieved_on"
    done = post(client, url, {"achieved_on": str(_today())})
    assert done.status_code == 200
    assert done.json()["phases"][0]["milestones"][0]["achieved_on"] == str(_today())
    assert post(client, url, {"achieved_on": str(_today())}).status_code == 409

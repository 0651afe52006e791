"""API of monitoring: participants (problem+json naming the field), sensitive categories only with the
permission, 404 to another organisation, monitoring reports (409 on a second submission), dashboard."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.monitoring.dashboard import refresh_summaries

from . import factories as f

pytestmark = pytest.mark.django_db
BASE = "/api/v1/monitoring"


@pytest.fixture
def project():
    return f.fse_project()


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def _put(client, url, data):
    return client.put(url, data=json.dumps(data), content_type="application/json")


def _api_row(n, **extra):
    row = f.row(n)
    return {**row, **extra}


def test_a_member_registers_a_participant_and_errors_name_the_field(client, project):
    client.force_login(f.member(project))
    created = _post(
        client, f"{BASE}/projects/{project.pk}/participants", _api_row(31, disabilita=True, zona_rurale=True)
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["zona_rurale"] is True and body["famiglia_senza_occupati"] is False
    assert body["sensitive"] is None  # written, never read back by the beneficiary
    assert "codice_fiscale" not in body and f.fiscal_code(31) not in created.content.decode()
    again = _post(client, f"{BASE}/projects/{project.pk}/participants", _api_row(31))
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["errors"][0]["field"] == "codice_fiscale"
    wrong = _post(client, f"{BASE}/projects/{project.pk}/participants", _api_row(32, sesso="Z"))
    assert [e["field"] for e in wrong.json()["errors"]] == ["sesso"]


def test_sensitive_categories_only_with_the_permission(client, project):
    f.participant(project, 33, disabilita="si")
    client.force_login(f.officer())
    listed = client.get(f"{BASE}/projects/{project.pk}/participants").json()["items"]
    assert listed[0]["sensitive"] is None
    codes = [r["indicator"]["code"] for r in client.get(f"{BASE}/projects/{project.pk}/indicators").json()]
    assert "CO16" not in codes and "PART" in codes
    client.force_login(f.manager())
    listed = client.get(f"{BASE}/projects/{project.pk}/participants").json()["items"]
    assert listed[0]["sensitive"]["disabilita"] is True
    rows = {r["indicator"]["code"]: r for r in client.get(f"{BASE}/projects/{project.pk}/indicators").json()}
    assert rows["CO16"]["actual"]["total"] == "1.00" or float(rows["CO16"]["actual"]["total"]) == 1


def test_another_organisation_gets_404(client, project):
    someone = f.participant(project, 34)
    client.force_login(f.outsider())
    assert client.get(f"{BASE}/projects/{project.pk}/participants").status_code == 404
    assert _post(client, f"{BASE}/projects/{project.pk}/participants", _api_row(35)).status_code == 404
    assert client.delete(f"{BASE}/participants/{someone.pk}").status_code == 404
    assert project.participants.count() == 1


def test_import_through_the_api_and_poll_its_status(client, project, django_capture_on_commit_callbacks):
    client.force_login(f.member(project))
    header = "codice_fiscale,sesso,data_ingresso,condizione_occupazionale,titolo_studio"
    content = f"{header}\n{f.fiscal_code(36)},F,2026-01-02,occupato,7\nXX,F,2026-01-02,occupato,7\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{BASE}/projects/{project.pk}/participant-imports",
            {"file": SimpleUploadedFile("p.csv", content.encode(), content_type="text/csv")},
        )
    assert response.status_code == 202, response.content
    status = client.get(f"{BASE}/participant-imports/{response.json()['id']}").json()
    assert status["status"] == "done" and status["created_count"] == 1
    assert status["errors"][0]["line"] == 3 and status["errors"][0]["field"] == "codice_fiscale"


def test_a_monitoring_report_is_filled_submitted_once_and_approved(client, project):
    f.participant(project, 37)
    reported = f.indicator("PART")  # computed
    member = f.member(project)
    client.force_login(member)
    report = _post(
        client,
        f"{BASE}/projects/{project.pk}/reports",
        {"period_end": str(f.today()), "sal_reference": "SAL 1"},
    )
    assert report.status_code == 201, report.content
    report_id = report.json()["id"]
    submitted = client.post(f"{BASE}/reports/{report_id}/submit")
    assert submitted.status_code == 200, submitted.content
    values = {a["code"]: a for a in submitted.json()["actuals"]}
    assert float(values["PART"]["value"]) == 1 and values["PART"]["women"] == 1
    assert client.post(f"{BASE}/reports/{report_id}/submit").status_code == 409
    assert (
        _put(
            client,
            f"{BASE}/reports/{report_id}/values",
            {"values": [{"indicator_id": reported.pk, "value": "3"}]},
        ).status_code
        == 409
    )
    assert _post(client, f"{BASE}/reports/{report_id}/review", {"approve": True}).status_code == 403
    client.force_login(f.officer())
    back = _post(client, f"{BASE}/reports/{report_id}/review", {"approve": False, "note": ""})
    assert back.status_code == 422 and back.json()["errors"][0]["field"] == "note"
    approved = _post(client, f"{BASE}/reports/{report_id}/review", {"approve": True})
    assert approved.json()["status"] == "approved"
    future = _post(
        client, f"{BASE}/projects/{project.pk}/reports", {"period_end": str(f.today() + timedelta(days=3))}
    )
    assert future.status_code == 403  # the officer does not write the beneficiary's reports


def test_the_dashboard_api_is_for_staff(client, project):
    refresh_summaries()
    client.force_login(f.member(project))
    assert client.get(f"{BASE}/dashboard").status_code == 403
    client.force_login(f.officer())
    body = client.get(f"{BASE}/dashboard?per=call").json()
    assert body["money_total"]["granted"] == "71200.00"
    assert sum(float(r["granted"]) for r in body["money"]) == 71200.0
    assert client.get(f"{BASE}/dashboard?per=nothing").status_code == 422

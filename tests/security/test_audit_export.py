"""Audit export for auditors: the trail filtered by object, actor and period, as CSV or XLSX (page, API)."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from grants.core.audit import record_event
from grants.core.models import AuditEvent
from grants.core.timeutils import now
from grants.registry.tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client):
    user = UserFactory(email="revisore@regione.test", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    client.force_login(user)
    return user


@pytest.fixture
def trail():
    officer = UserFactory(email="funzionario@regione.test")
    other = UserFactory(email="altro@regione.test")
    aurora, beta = (
        OrganisationFactory(name="Cooperativa Aurora"),
        OrganisationFactory(name="Associazione Beta"),
    )
    record_event(
        actor=officer, action="organisation.checked", obj=aurora, after={"note": "x"}, reason="=HYPERLINK(1)"
    )
    record_event(
        actor=officer, action="organisation.updated", obj=aurora, before={"name": "A"}, after={"name": "B"}
    )
    record_event(actor=other, action="organisation.updated", obj=beta)
    return {"aurora": aurora, "beta": beta, "officer": officer}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_page_filters_by_object_and_actor_and_exports_csv(client, auditor, trail):
    query = {
        "object_type": "registry.organisation",
        "object_id": trail["aurora"].pk,
        "actor": "funzionario@regione.test",
    }
    page = client.get(reverse("ops:audit_search"), query).content.decode()
    assert 'data-testid="audit-count">2 eventi' in page
    assert "Associazione Beta" not in page

    rows = _csv(client.get(reverse("ops:audit_search"), {**query, "formato": "csv"}))
    header, *events = rows
    assert header[:3] == ["Data e ora (Europe/Rome)", "Azione", "Autore"]
    assert [row[1] for row in events] == ["organisation.checked", "organisation.updated"]
    assert {row[2] for row in events} == {"funzionario@regione.test"}
    assert events[0][9] == "'=HYPERLINK(1)"  # a formula-looking cell is quoted for spreadsheets
    assert AuditEvent.objects.filter(actor=auditor, action="audit.exported").count() == 1


def test_the_period_is_in_rome_days_and_xlsx_has_the_same_rows(client, auditor, trail):
    today = now().date()
    response = client.get(
        reverse("ops:audit_search"),
        {"date_from": today - timedelta(days=1), "date_to": today + timedelta(days=1), "formato": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    actions = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert actions.count("organisation.updated") == 2

    future = client.get(
        reverse("ops:audit_search"), {"date_from": today + timedelta(days=2)}
    ).content.decode()
    assert 'data-testid="audit-count">0 eventi' in future


def test_wrong_filters_are_explained_next_to_their_field(client, auditor):
    page = client.get(
        reverse("ops:audit_search"),
        {"object_type": "registry.nosuchmodel", "date_from": "2026-03-02", "date_to": "2026-03-01"},
    ).content.decode()
    assert "Tipo di oggetto sconosciuto" in page
    assert "La data finale precede quella iniziale." in page


def test_only_staff_with_the_audit_permission(client, trail):
    assert client.get(reverse("ops:audit_search")).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("ops:audit_search")).status_code == 403
    assert client.get("/api/v1/audit-export").status_code == 403
    client.logout()
    assert client.get("/api/v1/audit-export").status_code == 401


def test_the_api_exports_csv_and_xlsx_and_names_a_wrong_filter(client, auditor, trail):
    rows = _csv(client.get("/api/v1/audit-export", {"actor": "altro@regione.test"}))
    assert [row[6] for row in rows[1:]] == ["Associazione Beta"]

    xlsx = client.get("/api/v1/audit-export", {"format": "xlsx", "object_type": "registry.organisation"})
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 4

    wrong = client.get("/api/v1/audit-export", {"object_id": "12"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "object_id"

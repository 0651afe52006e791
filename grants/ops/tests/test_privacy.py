"""GDPR: the privacy notice with its configured contacts, the profile page, the download of one's own data."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from grants.applications.tests.factories import draft, member_of
from grants.core.models import AuditEvent
from grants.notifications.tests.factories import NotificationFactory
from grants.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _archive(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="wecare-dati-personali-')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert set(archive.namelist()) == {"dati-personali.json", "LEGGIMI.txt"}
        return json.loads(archive.read("dati-personali.json"))


def test_the_privacy_notice_names_the_configured_controller_dpo_and_retention(client, settings):
    settings.PRIVACY_DPO_EMAIL = "protezione.dati@regione.test"
    settings.PRIVACY_CONTROLLER = "Regione di prova, Via Roma 1"
    settings.DRAFT_RETENTION_MONTHS = 18

    page = client.get(reverse("transparency:privacy")).content.decode()

    assert "protezione.dati@regione.test" in page
    assert "Regione di prova, Via Roma 1" in page
    assert "18 mesi" in page


def test_the_profile_page_shows_the_account_and_the_download(client):
    user = UserFactory(email="maria@ente.test", first_name="Maria", last_name="Rossi")
    client.force_login(user)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert "maria@ente.test" in page and "Maria Rossi" in page
    assert reverse("ops:personal_data") in page
    assert reverse("notifications:preferences") in page


def test_my_data_holds_my_account_memberships_notifications_actions_and_drafts_only(client):
    user, organisation = member_of(name="Cooperativa Aurora")
    application = draft(user=user, organisation=organisation)
    NotificationFactory(user=user, subject="Per me")
    other, _other_organisation = member_of(name="Associazione Altrui")
    NotificationFactory(user=other, subject="Per un altro")
    client.force_login(user)

    data = _archive(client.post(reverse("ops:personal_data")))

    assert data["account"]["email"] == user.email
    assert [m["organisation"] for m in data["memberships"]] == ["Cooperativa Aurora"]
    assert [n["subject"] for n in data["notifications"]] == ["Per me"]
    assert [a["id"] for a in data["applications"]] == [application.pk]
    assert "application.created" in {e["action"] for e in data["audit_events"]}
    dumped = json.dumps(data)
    assert "Associazione Altrui" not in dumped and "Per un altro" not in dumped
    assert "password" not in data["account"]
    assert AuditEvent.objects.filter(actor=user, action="personal_data.exported").count() == 1


def test_the_download_is_a_post_for_signed_in_people(client):
    assert client.get(reverse("ops:personal_data")).status_code == 405
    response = client.post(reverse("ops:personal_data"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_api_gives_the_same_archive(client):
    user, _organisation = member_of(name="Cooperativa Aurora")
    client.force_login(user)

    data = _archive(client.get("/api/v1/me/personal-data"))

    assert data["account"]["email"] == user.email
    client.logout()
    assert client.get("/api/v1/me/personal-data").status_code == 401

"""API: my notifications (paginated, unread filter), mark read, my e-mail preferences; nobody else's."""

import pytest

from grants.notifications import events
from grants.notifications.models import Notification, NotificationPreference
from grants.registry.tests.factories import OrganisationFactory, UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    person = UserFactory()
    client.force_login(person)
    return person


def test_list_is_mine_newest_first_paginated_and_filterable(client, user):
    organisation = OrganisationFactory(name="Cooperativa Aurora")
    read = NotificationFactory(user=user, subject="Letta", read_at="2026-01-01T10:00:00+01:00")
    unread = NotificationFactory(user=user, subject="Nuova", organisation=organisation, target=organisation)
    NotificationFactory(subject="Di un altro")

    everything = client.get("/api/v1/notifications").json()
    only_unread = client.get("/api/v1/notifications?unread=true").json()

    assert everything["count"] == 2
    assert [item["id"] for item in everything["items"]] == [unread.pk, read.pk]
    (item,) = only_unread["items"]
    assert item["subject"] == "Nuova"
    assert item["organisation_name"] == "Cooperativa Aurora"
    assert item["target_type"] == "registry.organisation"
    assert item["target_id"] == str(organisation.pk)
    assert item["event_label"] == str(events.EVENTS[events.APPLICATION_RECEIPT].label)
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_mark_read_unread_and_all(client, user):
    first, second = NotificationFactory(user=user), NotificationFactory(user=user)

    response = client.post(f"/api/v1/notifications/{first.pk}/read", content_type="application/json")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    response = client.post(
        f"/api/v1/notifications/{first.pk}/read", {"read": False}, content_type="application/json"
    )
    assert response.json()["read_at"] is None

    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert not Notification.objects.filter(pk__in=[first.pk, second.pk], read_at__isnull=True).exists()


def test_another_persons_notification_is_404_problem(client, user):
    theirs = NotificationFactory(subject="Riservata")

    for response in (
        client.get(f"/api/v1/notifications/{theirs.pk}"),
        client.post(f"/api/v1/notifications/{theirs.pk}/read", content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert "Riservata" not in response.content.decode()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_read_and_update(client, user):
    preferences = client.get("/api/v1/notifications/preferences").json()
    assert [p["event"] for p in preferences] == list(events.EVENTS)
    assert all(p["email"] for p in preferences)

    response = client.put(
        "/api/v1/notifications/preferences",
        {"email": {events.RANKING_PUBLISHED: False}},
        content_type="application/json",
    )

    assert response.status_code == 200
    by_event = {p["event"]: p["email"] for p in response.json()}
    assert by_event[events.RANKING_PUBLISHED] is False and by_event[events.CLAIM_CHECKED] is True
    assert not NotificationPreference.objects.get(user=user, event=events.RANKING_PUBLISHED).email


def test_an_unknown_event_is_named_in_the_problem(client, user):
    response = client.put(
        "/api/v1/notifications/preferences",
        {"email": {"ranking_publisehd": False}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "email.ranking_publisehd"
    assert "sconosciuto" in error["message"]
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications/preferences").status_code == 401


def test_an_absurd_page_is_a_422_not_a_database_error(client, user):
    response = client.get("/api/v1/notifications?page=261832965821482903913928156878049640448")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "page"

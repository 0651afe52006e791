"""Pages: my notifications (filter, pages, mark read, open), the header's count, my e-mail preferences."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from grants.notifications import events
from grants.notifications.models import Notification, NotificationPreference
from grants.registry.tests.factories import UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    person = UserFactory()
    client.force_login(person)
    return person


def test_the_list_shows_only_my_notifications_and_filters_unread(client, user):
    mine_unread = NotificationFactory(user=user, subject="Da leggere")
    NotificationFactory(user=user, subject="Già letta", read_at="2026-01-01T10:00:00+01:00")
    NotificationFactory(subject="Di qualcun altro")

    page = client.get(reverse("notifications:list")).content.decode()
    unread = client.get(reverse("notifications:list"), {"stato": "non-lette"}).content.decode()

    assert "Da leggere" in page and "Già letta" in page
    assert "Di qualcun altro" not in page
    assert "Da leggere" in unread and "Già letta" not in unread
    assert reverse("notifications:open", args=[mine_unread.pk]) in page


def test_the_list_is_paginated(client, user):
    for n in range(25):
        NotificationFactory(user=user, subject=f"Avviso {n:02d}")

    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list"), {"pagina": 2}).content.decode()

    assert first.count('data-testid="notification"') == 20
    assert second.count('data-testid="notification"') == 5
    assert "Avviso 24" in first and "Avviso 00" in second


def test_the_header_shows_the_unread_count(client, user):
    NotificationFactory.create_batch(3, user=user)
    NotificationFactory(user=user, read_at="2026-01-01T10:00:00+01:00")

    page = client.get(reverse("notifications:preferences")).content.decode()
    badge = client.get(reverse("notifications:unread_badge"), headers={"HX-Request": "true"})

    assert 'data-testid="unread-count">3<' in page
    assert 'data-testid="unread-count">3<' in badge.content.decode()


def test_the_badge_answers_204_to_htmx_once_signed_out(client):
    assert (
        client.get(reverse("notifications:unread_badge"), headers={"HX-Request": "true"}).status_code == 204
    )
    assert client.get(reverse("notifications:unread_badge")).status_code == 302


def test_opening_marks_read_and_follows_the_link(client, user):
    notification = NotificationFactory(user=user, link="/domande/")

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/domande/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_mark_read_with_htmx_returns_the_row_and_signals_the_header(client, user):
    notification = NotificationFactory(user=user)

    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "Segna come non letta" in response.content.decode()
    assert Notification.objects.get(pk=notification.pk).read_at is not None

    back = client.post(
        reverse("notifications:mark_read", args=[notification.pk]),
        {"letta": "0", "next": "/notifiche/?pagina=1"},
    )
    assert back.status_code == 302 and back["Location"] == "/notifiche/?pagina=1"
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_mark_read_refuses_an_outside_next(client, user):
    notification = NotificationFactory(user=user)
    response = client.post(
        reverse("notifications:mark_read", args=[notification.pk]), {"next": "https://altrove.example/"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(client, user):
    NotificationFactory.create_batch(2, user=user)
    other = NotificationFactory()

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "2 notifiche segnate come lette." in response.content.decode()
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_another_users_notification_is_404(client, user):
    theirs = NotificationFactory(subject="Riservata")
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_page_lists_every_event_and_saves(client, user):
    page = client.get(reverse("notifications:preferences")).content.decode()
    for info in events.EVENTS.values():
        assert escape(str(info.label)) in page

    data = {event: "on" for event in events.EVENTS if event != events.RANKING_PUBLISHED}
    response = client.post(reverse("notifications:preferences"), data, follow=True)

    assert "Preferenze salvate." in response.content.decode()
    assert not NotificationPreference.objects.get(user=user, event=events.RANKING_PUBLISHED).email
    assert NotificationPreference.objects.get(user=user, event=events.APPLICATION_RECEIPT).email
    page = client.get(reverse("notifications:preferences")).content.decode()
    field = events.RANKING_PUBLISHED
    assert f'name="{field}" id="id_{field}" aria-describedby="id_{field}-help">' in page


def test_pages_need_a_sign_in(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

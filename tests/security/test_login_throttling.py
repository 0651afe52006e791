"""django-axes: 5 failed sign-ins for the same (username, IP) lock that pair out for 15 minutes (429)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse

from grants.registry.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accedi/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth keeps its per-IP burst counters in the cache, which outlives each test's database.
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, email: str, password: str, ip: str = "203.0.113.10"):
    # /accedi/ names the e-mail field "username" (Django) or "login" (allauth): send both.
    data = {"username": email, "login": email, "password": password}
    return client.post(LOGIN_URL, data, REMOTE_ADDR=ip)


def test_the_sign_in_page_is_the_one_throttled():
    assert reverse("accounts:login") == LOGIN_URL


def test_five_failures_lock_the_username_from_that_address(client):
    user = UserFactory(email="maria@esempio.test")

    answers = [_sign_in(client, user.email, "sbagliata-123456").status_code for _ in range(5)]
    locked = _sign_in(client, user.email, PASSWORD)

    assert answers[:4] == [200, 200, 200, 200]
    assert answers[4] == 429
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Accesso temporaneamente bloccato" in content
    assert "Riprova tra 15 minuti" in content
    assert "_auth_user_id" not in client.session


def test_the_lock_counts_the_address_in_any_letter_case(client):
    UserFactory(email="maria@esempio.test")
    for i in range(5):
        _sign_in(client, "Maria@Esempio.test" if i % 2 else "maria@esempio.test", "sbagliata-123456")

    assert _sign_in(client, "MARIA@esempio.test", PASSWORD).status_code == 429


def test_the_lock_is_per_username_and_address(client):
    user = UserFactory(email="maria@esempio.test")
    other = UserFactory(email="luca@esempio.test")
    for _ in range(5):
        _sign_in(client, user.email, "sbagliata-123456", ip="203.0.113.10")

    from_elsewhere = _sign_in(client, user.email, PASSWORD, ip="198.51.100.20")
    client.logout()
    other_user = _sign_in(client, other.email, PASSWORD, ip="203.0.113.10")

    assert from_elsewhere.status_code == 302
    assert other_user.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client):
    user = UserFactory(email="maria@esempio.test")
    for _ in range(5):
        _sign_in(client, user.email, "sbagliata-123456")
    assert _sign_in(client, user.email, PASSWORD).status_code == 429

    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - timedelta(minutes=16)
        )

    assert _sign_in(client, user.email, PASSWORD).status_code == 302

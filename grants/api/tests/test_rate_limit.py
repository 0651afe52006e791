"""429 with Retry-After when a caller exceeds settings.API_RATE_LIMIT (fixed window per token, user or IP)."""

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from grants.accounts import tokens
from grants.api.problems import PROBLEM_CONTENT_TYPE
from grants.api.throttling import parse_rate
from grants.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_rates_parse():
    assert parse_rate("600/min") == (600, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("1000/day") == (1000, 86400)
    assert parse_rate(None) is None
    assert parse_rate("") is None
    with pytest.raises(ImproperlyConfigured):
        parse_rate("lots")


def test_over_the_limit_is_429_with_retry_after(settings):
    settings.API_RATE_LIMIT = "3/min"
    client = Client()
    for _ in range(3):
        assert client.get(f"{API}/provinces").status_code == 200
    response = client.get(f"{API}/provinces")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert json.loads(response.content)["status"] == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_caller_has_its_own_window(settings):
    settings.API_RATE_LIMIT = "2/h"
    first = tokens.create_token(actor=UserFactory(), name="a")
    second = tokens.create_token(actor=UserFactory(), name="b")
    client = Client()
    for _ in range(2):
        assert (
            client.get(
                f"{API}/organisations", headers={"Authorization": f"Bearer {first.secret}"}
            ).status_code
            == 200
        )
    limited = client.get(f"{API}/organisations", headers={"Authorization": f"Bearer {first.secret}"})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) <= 3600
    # Another token, a session user and an anonymous client are counted apart.
    assert (
        client.get(f"{API}/organisations", headers={"Authorization": f"Bearer {second.secret}"}).status_code
        == 200
    )
    signed_in = Client()
    signed_in.force_login(UserFactory())
    assert signed_in.get(f"{API}/organisations").status_code == 200
    assert Client().get(f"{API}/provinces").status_code == 200


def test_no_limit_when_switched_off(settings):
    settings.API_RATE_LIMIT = None
    client = Client()
    assert all(client.get(f"{API}/provinces").status_code == 200 for _ in range(5))

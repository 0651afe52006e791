from datetime import timedelta

import pytest
from django.utils import timezone

from grants.programme.tests.factories import CallFactory


@pytest.mark.django_db
def test_an_open_call_invites_to_participate(client):
    call = CallFactory()

    html = client.get(f"/bandi/{call.code}/").content.decode()

    assert f'href="/bandi/{call.code}/partecipa/"' in html


@pytest.mark.django_db
def test_a_closed_call_does_not(client):
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))

    html = client.get(f"/bandi/{call.code}/").content.decode()

    assert "/partecipa/" not in html

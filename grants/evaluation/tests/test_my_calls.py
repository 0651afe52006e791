"""«I miei bandi»: the calls a member of staff works on, on the page and in the API (the same rows)."""

import pytest
from django.urls import reverse

from grants.registry.tests.factories import UserFactory, staff_user

from .factories import officer, scored_call, submitted

pytestmark = pytest.mark.django_db
URL = "/api/v1/evaluation/my-calls"


def test_the_page_and_the_api_list_the_calls_one_works_on_with_their_counts(client):
    mine = scored_call()
    other = scored_call()
    submitted(call=mine)
    submitted(call=mine)
    user = staff_user("evaluation.change_admissibilityreview", calls=[mine])
    client.force_login(user)
    page = client.get(reverse("evaluation:my_calls")).content.decode()
    assert mine.display_title in page and other.display_title not in page
    answer = client.get(URL)
    assert answer.status_code == 200
    body = answer.json()
    assert body["may_evaluate"] is True
    assert [c["code"] for c in body["calls"]] == [mine.code]
    (row,) = body["calls"]
    assert row["counts"] == {"sent": 2, "to_check": 2, "admissible": 0, "funded": 0}
    assert row["mode"] == "ranking" and row["id"] == mine.pk and row["phase_status_label"]


def test_without_rights_on_calls_the_api_answers_403(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code in (401, 403)


def test_an_officer_of_every_call_sees_them_all(client):
    calls = [scored_call(), scored_call()]
    client.force_login(officer())
    codes = {c["code"] for c in client.get(URL).json()["calls"]}
    assert {c.code for c in calls} <= codes

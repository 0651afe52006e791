"""The sportello valutativo over the API: the queue, a batch decision, problem+json refusals, scope."""

from decimal import Decimal

import pytest

from grants.applications.states import ApplicationStatus
from grants.registry.tests.factories import staff_user

from .factories import FULL_MARKS, OFFICER_PERMISSIONS, evaluator, manager
from .test_desk import scored, sportello, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1"
BODY = {"determination_number": "DD 9/2026", "determination_date": "2026-01-10"}


@pytest.fixture
def desk():
    boss = manager()
    call = sportello()
    first = submitted(call=call, amount=Decimal("30000.00"))
    second = submitted(call=call, amount=Decimal("20000.00"))
    scored([first, second], [FULL_MARKS, FULL_MARKS], actor=boss)
    return boss, call, first, second


def test_the_queue_over_the_api(client, desk):
    boss, call, first, second = desk
    client.force_login(boss)
    data = client.get(f"{API}/evaluation/calls/{call.pk}/desk").json()
    assert [row["application_id"] for row in data["applications"]] == [first.pk, second.pk]
    assert data["applications"][1]["blocked_by"] == [first.protocol]
    assert data["applications"][0]["decidable"] is True
    assert data["decision_days"] == 90


def test_a_batch_decision_over_the_api(client, desk):
    boss, call, first, second = desk
    client.force_login(boss)
    response = client.post(
        f"{API}/evaluation/calls/{call.pk}/desk/decisions",
        {
            **BODY,
            "grants": [
                {"application_id": second.pk, "amount": "20000.00"},
                {"application_id": first.pk, "amount": "25000.00"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert [g["application_id"] for g in response.json()["grants"]] == [first.pk, second.pk]
    first.refresh_from_db()
    assert first.status == ApplicationStatus.FUNDED


def test_refusals_are_problem_json(client, desk):
    boss, call, first, second = desk
    client.force_login(boss)
    out_of_order = client.post(
        f"{API}/evaluation/calls/{call.pk}/desk/decisions",
        {**BODY, "grants": [{"application_id": second.pk, "amount": "20000.00"}]},
        content_type="application/json",
    )
    assert out_of_order.status_code == 422
    assert out_of_order["Content-Type"].startswith("application/problem+json")
    assert out_of_order.json()["errors"][0]["code"] == "out_of_order"
    over = client.post(
        f"{API}/evaluation/calls/{call.pk}/desk/decisions",
        {**BODY, "grants": [{"application_id": first.pk, "amount": "30000.01"}]},
        content_type="application/json",
    )
    assert over.status_code == 422
    assert over.json()["errors"][0]["code"] == "over_booking"


def test_out_of_scope_answers_as_missing(client, desk):
    _boss, call, first, _second = desk
    client.force_login(staff_user(*OFFICER_PERMISSIONS, calls=[sportello()]))
    assert client.get(f"{API}/evaluation/calls/{call.pk}/desk").status_code == 404
    client.force_login(manager())
    other = sportello()
    response = client.post(
        f"{API}/evaluation/calls/{other.pk}/desk/decisions",
        {**BODY, "grants": [{"application_id": first.pk, "amount": "1000.00"}]},
        content_type="application/json",
    )
    assert response.status_code == 404
    client.force_login(evaluator())
    assert client.get(f"{API}/evaluation/calls/{call.pk}/desk").status_code == 403

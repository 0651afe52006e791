"""Pages of the sportello valutativo: the menu's list of first-come calls, the queue (order, overdue in
red with text, filter, CSV) and the grant decision with its confirmation step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus

from .factories import FULL_MARKS, manager, officer
from .test_desk import scored, sportello, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    boss = manager()
    call = sportello()
    first = submitted(call=call, amount=Decimal("30000.00"))
    second = submitted(call=call, amount=Decimal("20000.00"))
    scored([first], [FULL_MARKS], actor=boss)
    return boss, call, first, second


def test_the_menu_leads_to_the_first_come_calls_and_their_queue(client, desk):
    boss, call, *_ = desk
    client.force_login(boss)
    home = client.get("/")
    assert reverse("evaluation:desk_calls") in home.content.decode()
    page = client.get(reverse("evaluation:desk_calls"))
    assert reverse("evaluation:desk_queue", args=[call.code]) in page.content.decode()
    overview = client.get(reverse("evaluation:call_overview", args=[call.code]))
    assert reverse("evaluation:desk_queue", args=[call.code]) in overview.content.decode()


def test_the_queue_lists_in_protocol_order_and_marks_overdue_with_text(client, desk):
    boss, call, first, second = desk
    Application.objects.filter(pk=second.pk).update(submitted_at=second.submitted_at - timedelta(days=100))
    client.force_login(boss)
    html = client.get(reverse("evaluation:desk_queue", args=[call.code])).content.decode()
    assert html.index(first.protocol) < html.index(second.protocol)
    assert "In ritardo di 10 giorni" in html
    assert f"?domanda={first.pk}" in html  # the first may be decided
    only_late = client.get(
        reverse("evaluation:desk_queue", args=[call.code]), {"ritardo": "1"}
    ).content.decode()
    assert f'data-testid="desk-row-{second.pk}"' in only_late
    assert f'data-testid="desk-row-{first.pk}"' not in only_late
    csv = client.get(reverse("evaluation:desk_queue_csv", args=[call.code]), {"stato": "decisione"})
    assert csv["Content-Type"].startswith("text/csv")
    body = csv.content.decode("utf-8-sig")
    assert first.protocol in body and second.protocol not in body


def test_a_ranking_call_has_no_queue_and_another_officer_gets_not_found(client, desk):
    _boss, call, *_ = desk
    from grants.registry.tests.factories import staff_user

    from .factories import OFFICER_PERMISSIONS

    stranger = staff_user(*OFFICER_PERMISSIONS, calls=[sportello()])
    client.force_login(stranger)
    assert client.get(reverse("evaluation:desk_queue", args=[call.code])).status_code == 404


def test_the_decision_asks_for_confirmation_then_funds(client, desk):
    boss, call, first, _second = desk
    client.force_login(boss)
    url = reverse("evaluation:desk_decision", args=[call.code])
    form = client.get(url, {"domanda": first.pk}).content.decode()
    assert f'id="id_include_{first.pk}" name="include_{first.pk}" checked' in form
    data = {
        "determination_number": "DD 5/2026",
        "determination_date": "2026-01-10",
        f"include_{first.pk}": "on",
        f"amount_{first.pk}": "30.000,00",
    }
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    assert "la determinazione è definitiva" in confirm.content.decode()
    first.refresh_from_db()
    assert first.status == ApplicationStatus.EVALUATED  # nothing happens before the confirmation
    done = client.post(url, {**data, f"amount_{first.pk}": "30000.00", "confirm": "on"})
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == ApplicationStatus.FUNDED


def test_the_decision_refuses_an_amount_over_the_booking_on_the_form(client, desk):
    boss, call, first, _second = desk
    client.force_login(boss)
    url = reverse("evaluation:desk_decision", args=[call.code])
    response = client.post(
        url,
        {
            "determination_number": "DD 6/2026",
            "determination_date": "2026-01-10",
            f"include_{first.pk}": "on",
            f"amount_{first.pk}": "30000.01",
            "confirm": "on",
        },
    )
    assert response.status_code == 422
    assert "supera l&#x27;importo prenotato" in response.content.decode()


def test_officers_without_the_signature_get_the_forbidden_page(client, desk):
    _boss, call, *_ = desk
    client.force_login(officer())
    assert client.get(reverse("evaluation:desk_decision", args=[call.code])).status_code == 403

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from grants.core.timeutils import now
from grants.programme.models import Call, CallReserve, CallStatus
from grants.programme.tests.conftest import make_user
from grants.programme.tests.factories import CallFactory, CallReserveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(officer):
    client = Client()
    client.force_login(officer)
    return client


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def change_form_data(call: Call, **overrides) -> dict:
    opens = call.opens_at.astimezone()
    closes = call.closes_at.astimezone()
    data = {
        "measure": str(call.measure_id),
        "code": call.code,
        "title": call.title,
        "title_en": "",
        "summary": call.summary,
        "summary_en": "",
        "legal_reference": "",
        "opens_at_0": opens.strftime("%d/%m/%Y"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%d/%m/%Y"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "mode": call.mode,
        "budget": str(call.budget),
        "aid_instrument": call.aid_instrument,
        "state_aid_regime": call.state_aid_regime,
        "lead_legal_forms": '["third_sector"]',
        "partner_legal_forms": "[]",
        "lead_company_sizes": "[]",
        "eligibility_notes": "",
        "min_partners": "0",
        "max_partners": "",
        "requires_partner_confirmation": "on",
        "territorial_scope": call.territorial_scope,
        "min_project_cost": "",
        "max_project_cost": "",
        "min_grant": "",
        "max_grant": "",
        "max_aid_intensity": "100",
        "min_cofinancing": "0",
        "min_total_score": "",
        "tie_break_rules": "[]",
        "partial_funding_allowed": "on",
        "partial_funding_min_percent": "0",
        "fund_next_that_fits": "on",
        "decision_days": str(call.decision_days),
        **inline_management("phases"),
        **inline_management("cost_categories"),
        **inline_management("criteria"),
        **inline_management("required_documents"),
    }
    reserves = list(call.reserves.all())
    data.update(inline_management("reserves", total=len(reserves), initial=len(reserves)))
    for index, reserve in enumerate(reserves):
        data.update(
            {
                f"reserves-{index}-id": str(reserve.pk),
                f"reserves-{index}-call": str(call.pk),
                f"reserves-{index}-code": reserve.code,
                f"reserves-{index}-label": reserve.label,
                f"reserves-{index}-kind": reserve.kind,
                f"reserves-{index}-province": "",
                f"reserves-{index}-district": "",
                f"reserves-{index}-legal_forms": '["social_cooperative"]',
                f"reserves-{index}-company_sizes": "[]",
                f"reserves-{index}-amount": str(reserve.amount),
                f"reserves-{index}-unused_returns_to_pool": "on",
            }
        )
    data.update(overrides)
    return data


def test_changelist_and_change_form_render(staff_client):
    call = CallFactory()
    assert staff_client.get(reverse("admin:programme_call_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:programme_call_change", args=[call.pk])).status_code == 200


def test_saving_a_call_with_reserves_over_budget_is_refused(staff_client):
    call = CallFactory(budget=Decimal("1000.00"), min_grant=None, max_grant=None)
    CallReserveFactory(call=call, amount=Decimal("800.00"))
    url = reverse("admin:programme_call_change", args=[call.pk])
    response = staff_client.post(url, change_form_data(call, budget="700.00"))
    assert response.status_code == 200  # the form comes back with the error
    assert "supera la dotazione del bando" in response.content.decode()
    call.refresh_from_db()
    assert call.budget == Decimal("1000.00")

    # Lowering the budget and the reserve together is fine: inlines are checked against the call being saved.
    data = change_form_data(call, budget="700.00")
    data["reserves-0-amount"] = "600.00"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call.refresh_from_db()
    assert call.budget == Decimal("700.00")
    assert CallReserve.objects.get(call=call).amount == Decimal("600.00")


def test_user_who_cannot_edit_reserves_cannot_break_them_either():
    """Without the reserve inline in the form, the final check rolls the save back and says why."""
    editor = make_user("solo-bandi@regione.piemonte.example", "programme.view_call", "programme.change_call")
    client = Client()
    client.force_login(editor)
    call = CallFactory(budget=Decimal("1000.00"), min_grant=None, max_grant=None)
    CallReserveFactory(call=call, amount=Decimal("800.00"))
    url = reverse("admin:programme_call_change", args=[call.pk])
    data = {k: v for k, v in change_form_data(call, budget="700.00").items() if not k.startswith("reserves-")}
    response = client.post(url, data, follow=True)
    text = response.content.decode()
    assert "supera la dotazione del bando" in text
    assert "Nessuna modifica è stata salvata." in text
    call.refresh_from_db()
    assert call.budget == Decimal("1000.00")
    assert call.history.count() == 1


def test_call_form_reports_field_rules(staff_client):
    call = CallFactory()
    url = reverse("admin:programme_call_change", args=[call.pk])
    response = staff_client.post(url, change_form_data(call, lead_legal_forms='["marziani"]'))
    assert response.status_code == 200
    assert "Valori non ammessi: marziani" in response.content.decode()


def test_publish_and_archive_actions(staff_client):
    draft = CallFactory(status=CallStatus.DRAFT, published_at=None)
    broken = CallFactory(status=CallStatus.DRAFT, lead_legal_forms=[])
    url = reverse("admin:programme_call_changelist")
    response = staff_client.post(
        url, {"action": "publish", "_selected_action": [draft.pk, broken.pk]}, follow=True
    )
    text = response.content.decode()
    assert "1 bando pubblicato." in text
    assert f"Bando {broken.code}: Indicare almeno un tipo di soggetto ammesso." in text
    draft.refresh_from_db()
    broken.refresh_from_db()
    assert (draft.status, broken.status) == (CallStatus.PUBLISHED, CallStatus.DRAFT)

    closed = CallFactory(opens_at=now() - timedelta(days=60), closes_at=now() - timedelta(days=1))
    staff_client.post(url, {"action": "archive", "_selected_action": [closed.pk]})
    closed.refresh_from_db()
    assert closed.status == CallStatus.ARCHIVED


def test_view_only_staff_cannot_change_or_run_actions():
    viewer = make_user("solo-lettura@regione.piemonte.example", "programme.view_call")
    client = Client()
    client.force_login(viewer)
    call = CallFactory(status=CallStatus.DRAFT)
    assert client.get(reverse("admin:programme_call_changelist")).status_code == 200
    client.post(
        reverse("admin:programme_call_changelist"), {"action": "publish", "_selected_action": [call.pk]}
    )
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    response = client.post(reverse("admin:programme_call_change", args=[call.pk]), change_form_data(call))
    assert response.status_code == 403

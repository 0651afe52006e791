"""Finance API: the whole path of a claim and a payment, problem+json refusals, 404 to outsiders."""

import json
from datetime import timedelta

import pytest

from grants.finance.models import ExpenseItem, Guarantee

from . import factories as f

pytestmark = pytest.mark.django_db


def post(client, url, body=None, method="post"):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def item_body(project, **overrides):
    data = f.invoice(project, **overrides)
    body = {
        "partner_id": data.partner.pk,
        "category_id": data.category.pk,
        "description": data.description,
        "document_type": data.document_type,
        "document_number": data.document_number,
        "document_date": data.document_date.isoformat(),
        "supplier_name": data.supplier_name,
        "supplier_tax_id": data.supplier_tax_id,
        "taxable_amount": str(data.taxable_amount),
        "vat_amount": "0",
        "amount_claimed": str(data.amount_claimed),
        "payment_date": data.payment_date.isoformat(),
        "payment_method": data.payment_method,
    }
    return body


def test_claim_control_and_interim_payment_through_the_api(client):
    project = f.ProjectFactory()
    f.dedicated_account(project)  # approval pays the dedicated account only
    user = f.beneficiary_user(project)
    client.force_login(user)
    response = post(client, f"/api/v1/finance/projects/{project.pk}/claims")
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]

    bad = post(client, f"/api/v1/finance/claims/{claim_id}/items", item_body(project, supplier_tax_id="123"))
    assert bad.status_code == 422
    assert bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "supplier_tax_id"

    response = post(client, f"/api/v1/finance/claims/{claim_id}/items", item_body(project, amount="40000.00"))
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    response = client.post(f"/api/v1/finance/items/{item_id}/attachments", {"file": f.pdf()})
    assert response.status_code == 201, response.content
    assert response.json()["attachments"][0]["content_type"] == "application/pdf"
    response = post(client, f"/api/v1/finance/claims/{claim_id}/submit")
    assert response.json()["status"] == "submitted"
    assert post(client, f"/api/v1/finance/claims/{claim_id}/submit").status_code == 409

    officer, controller, manager = f.officer(), f.controller(), f.manager()
    client.force_login(officer)
    response = post(client, f"/api/v1/finance/claims/{claim_id}/assign", {"controller_id": controller.pk})
    assert response.json()["status"] == "under_check"

    client.force_login(controller)
    assert [c["id"] for c in client.get("/api/v1/finance/controller/claims").json()["items"]] == [claim_id]
    response = post(
        client,
        f"/api/v1/finance/items/{item_id}/check",
        {"outcome": "partly_admitted", "admitted_amount": "38000", "reason": ""},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
    response = post(
        client,
        f"/api/v1/finance/items/{item_id}/check",
        {"outcome": "partly_admitted", "admitted_amount": "38000", "reason": "Una fattura fuori periodo"},
    )
    assert response.json()["admitted_amount"] == "38000.00"
    checklist = client.get(f"/api/v1/finance/claims/{claim_id}").json()["checklist"]
    answers = [{"code": row["code"], "satisfied": True} for row in checklist]
    post(client, f"/api/v1/finance/claims/{claim_id}/checklist", {"answers": answers}, method="put")
    response = post(client, f"/api/v1/finance/claims/{claim_id}/close", {"outcome_note": "Taglio motivato"})
    assert response.json()["admitted_total"] == "43700.00"  # 38.000 + 15% flat rate

    client.force_login(officer)
    finance = client.get(f"/api/v1/finance/projects/{project.pk}").json()
    interim = next(row for row in finance["payable"] if row["kind"] == "interim")
    assert interim["amount"] == "34960.00"  # 43.700 × 80%
    response = post(client, f"/api/v1/finance/projects/{project.pk}/payments", {"kind": "interim"})
    assert response.status_code == 201, response.content
    payment_id = response.json()["id"]
    assert post(client, f"/api/v1/finance/payments/{payment_id}/approve").status_code == 403

    client.force_login(manager)
    response = post(client, f"/api/v1/finance/payments/{payment_id}/approve")
    assert response.json()["status"] == "approved"
    assert post(client, f"/api/v1/finance/payments/{payment_id}/approve").status_code == 409

    client.force_login(user)
    claim = client.get(f"/api/v1/finance/claims/{claim_id}").json()
    assert claim["items"][0]["outcome"] == "partly_admitted"
    assert claim["items"][0]["control_reason"] == "Una fattura fuori periodo"
    report = client.get(f"/api/v1/finance/projects/{project.pk}/report").json()
    assert report["total"]["admitted"] == "43700.00"


def test_the_controller_sees_a_duplicate_attempt_and_the_beneficiary_does_not(client):
    project = f.ProjectFactory()
    user = f.beneficiary_user(project)
    claim = f.claim_with(project, f.invoice(project, number="FT-DUP"), submit=False)
    client.force_login(user)
    response = post(client, f"/api/v1/finance/claims/{claim.pk}/items", item_body(project, number="FT-DUP"))
    assert response.status_code == 409
    assert response.json()["code"] == "document_already_claimed"
    assert client.get(f"/api/v1/finance/claims/{claim.pk}").json()["duplicate_attempts"] == []
    client.force_login(f.officer())
    attempts = client.get(f"/api/v1/finance/claims/{claim.pk}").json()["duplicate_attempts"]
    assert [a["document_number"] for a in attempts] == ["FT-DUP"]


def test_outsiders_get_404_and_applicants_cannot_act_as_staff(client):
    project = f.ProjectFactory()
    other = f.beneficiary_user(f.ProjectFactory())
    client.force_login(other)
    assert client.get(f"/api/v1/finance/projects/{project.pk}").status_code == 404
    assert post(client, f"/api/v1/finance/projects/{project.pk}/claims").status_code == 404
    client.force_login(f.beneficiary_user(project))
    response = post(client, f"/api/v1/finance/projects/{project.pk}/payments", {"kind": "advance"})
    assert response.status_code == 403
    # A controller not assigned to a claim does not see it.
    claim = f.claim_with(project, f.invoice(project))
    client.force_login(f.controller())
    assert client.get(f"/api/v1/finance/claims/{claim.pk}").status_code == 404


def test_guarantee_loan_and_plan_endpoints(client):
    project = f.ProjectFactory()
    officer = f.officer()
    client.force_login(officer)
    today = f.today()
    response = post(
        client,
        f"/api/v1/finance/projects/{project.pk}/guarantees",
        {
            "issuer": "Banca",
            "number": "1",
            "amount": "30000",
            "issued_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "expires_on"
    plan = post(
        client,
        f"/api/v1/finance/calls/{project.call_id}/payment-plan",
        {
            "advance_percent": "20",
            "guarantee_required": True,
            "interim_thresholds": ["30", "60"],
            "retention_percent": "5",
        },
        method="put",
    )
    assert plan.status_code == 200 and plan.json()["is_default"] is False
    response = post(
        client,
        f"/api/v1/finance/projects/{project.pk}/loan",
        {
            "principal": "50000",
            "annual_rate_percent": "0.75",
            "term_months": 60,
            "pre_amortisation_months": 12,
            "frequency_months": 6,
            "first_due_date": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    loan = response.json()
    assert len(loan["instalments"]) == 10
    assert sum(float(i["principal"]) for i in loan["instalments"]) == pytest.approx(50000)
    response = post(
        client,
        f"/api/v1/finance/loans/{loan['id']}/repayments",
        {"paid_on": (today + timedelta(days=3)).isoformat(), "amount": "100"},
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "paid_on"
    assert not Guarantee.objects.exists() and not ExpenseItem.objects.exists()

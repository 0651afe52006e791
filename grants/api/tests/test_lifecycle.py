"""The whole life of a grant through /api/v1 only: from the applicant's draft to the interim payment.

The applicant, the officer and the controller call with personal access tokens (Bearer, no session); the
evaluators and the manager with the browser's session. Only the people, the call (with its criteria,
cost categories and a required document) and the tokens are made outside the API: they are the Region's
configuration, not steps of the procedure. Staff need TOTP to hold a token (MFA is off in the test profile,
tokens are not): the officer and the controller get the demo authenticator.
"""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from grants.accounts.mfa import DEMO_TOTP_SECRET, set_totp_secret
from grants.accounts.models import TokenScope
from grants.accounts.tokens import create_token
from grants.applications.tests.factories import member_of
from grants.core.timeutils import in_rome, now
from grants.core.vocabulary import LegalForm
from grants.evaluation.tests import factories as evaluation_factories
from grants.evaluation.tests.factories import FULL_MARKS, close, justified, scored_call
from grants.finance.tests import factories as finance_factories
from grants.programme.models import CostOption
from grants.programme.tests.factories import CostCategoryFactory, RequiredDocumentFactory
from grants.projects.tests.factories import MINIMAL_PDF, PROJECT_OFFICER_PERMISSIONS

pytestmark = pytest.mark.django_db
API = "/api/v1"
CUP = "E61H18000110009"


class Caller:
    """JSON calls as one user: a bearer token (a fresh client, no session) or a signed-in session."""

    def __init__(self, user, *, token: bool) -> None:
        self.user = user
        self.client = Client()
        self.headers: dict[str, str] = {}
        if token:
            if user.is_staff:
                set_totp_secret(user, DEMO_TOTP_SECRET)
            issued = create_token(actor=user, name="integrazione", scope=TokenScope.WRITE)
            self.headers = {"Authorization": f"Bearer {issued.secret}"}
        else:
            self.client.force_login(user)

    def get(self, path: str, status: int = 200):
        response = self.client.get(f"{API}{path}", headers=self.headers)
        assert response.status_code == status, response.content
        return response

    def send(self, method: str, path: str, body=None, status: int = 200, **headers):
        response = getattr(self.client, method)(
            f"{API}{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            headers={**self.headers, **headers},
        )
        assert response.status_code == status, response.content
        return response.json()

    def post(self, path: str, body=None, status: int = 200, **headers):
        return self.send("post", path, body, status, **headers)

    def put(self, path: str, body=None, status: int = 200):
        return self.send("put", path, body, status)

    def upload(self, path: str, name: str, status: int):
        response = self.client.post(
            f"{API}{path}",
            {"file": SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")},
            headers=self.headers,
        )
        assert response.status_code == status, response.content
        return response.json()


def _the_call():
    """A scored call (criteria A, B, bonus E; minimum 60) on the projects' cost structure: personale,
    attrezzature, indiretti at 15% of personale; 80% aid intensity; the statute required."""
    call = scored_call(max_aid_intensity=Decimal(80), budget=Decimal("100000.00"))
    CostCategoryFactory(
        call=call, code="attrezzature", title="Attrezzature", cost_option=CostOption.REAL_COSTS, order=2
    )
    CostCategoryFactory(
        call=call,
        code="indiretti",
        title="Costi indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
        order=3,
    )
    RequiredDocumentFactory(call=call, code="statuto")
    return call


def _people():
    staff = evaluation_factories.staff
    officer = staff(
        *evaluation_factories.OFFICER_PERMISSIONS,
        *PROJECT_OFFICER_PERMISSIONS,
        *finance_factories.OFFICER_PERMISSIONS,
    )
    manager = staff(*evaluation_factories.MANAGER_PERMISSIONS, *finance_factories.MANAGER_PERMISSIONS)
    controller = staff(*finance_factories.CONTROLLER_PERMISSIONS)
    evaluators = [evaluation_factories.evaluator(), evaluation_factories.evaluator()]
    return officer, manager, controller, evaluators


def _invoice(partner_id: int, category_id: int, number: str, amount: str) -> dict:
    today = in_rome(now()).date()
    return {
        "partner_id": partner_id,
        "category_id": category_id,
        "description": "Educatori del servizio di prossimità",
        "document_type": "invoice",
        "document_number": number,
        "document_date": (today - timedelta(days=1)).isoformat(),
        "supplier_name": "Cooperativa Fornitrice",
        "supplier_tax_id": finance_factories.SUPPLIER_VAT_NUMBERS[0],
        "taxable_amount": amount,
        "vat_amount": "0",
        "amount_claimed": amount,
        "payment_date": today.isoformat(),
        "payment_method": "bank_transfer",
    }


def test_a_grant_from_the_draft_to_the_interim_payment_through_the_api(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = _the_call()
    user, organisation = member_of()
    officer_user, manager_user, controller_user, evaluator_users = _people()
    applicant = Caller(user, token=True)
    officer = Caller(officer_user, token=True)
    controller = Caller(controller_user, token=True)
    manager = Caller(manager_user, token=False)
    first, second = (Caller(u, token=False) for u in evaluator_users)

    # --- the applicant drafts every section and submits -------------------------------------------------
    created = applicant.post("/applications", {"organisation_id": organisation.pk, "call_id": call.pk}, 201)
    assert created["status"] == "draft"
    url = f"/applications/{created['id']}"
    applicant.put(
        f"{url}/general",
        {
            "title": "Welfare di comunità in rete",
            "abstract": "Servizi di prossimità per anziani e famiglie nei quartieri.",
            "partnership_name": "Rete di quartiere",
        },
    )
    partners = applicant.put(
        f"{url}/partners",
        {
            "partners": [
                {"name": "Comune di Prova", "legal_form": LegalForm.PUBLIC_BODY, "share_percent": "25"}
            ]
        },
    )["partners"]
    assert [p["share_percent"] for p in partners] == ["75.00", "25.00"]
    partner_id = next(p["id"] for p in partners if p["role"] == "partner")
    budget = applicant.put(
        f"{url}/budget",
        {
            "lines": [
                {"category": "personale", "amount": "60000.00", "description": "Educatori"},
                {
                    "category": "attrezzature",
                    "amount": "20000.00",
                    "description": "Arredi",
                    "partner_id": partner_id,
                },
            ]
        },
    )
    assert budget["total_cost"] == "89000.00"  # 60.000 + 20.000 + 15% of personale
    assert budget["requested_grant"] == "71200.00"  # 80% of it
    checks = applicant.get(f"{url}/checks").json()
    assert [v["code"] for v in checks["violations"]] == ["document_missing"]
    applicant.upload(f"{url}/documents/statuto", "statuto.pdf", 201)
    assert applicant.get(f"{url}/checks").json() == {"ready": True, "violations": []}

    applicant.get(f"{url}/receipt.pdf", status=409)
    sent = applicant.post(
        f"{url}/submit", {"declarations_accepted": True}, 202, **{"Idempotency-Key": "clic-1"}
    )
    again = applicant.post(
        f"{url}/submit", {"declarations_accepted": True}, 202, **{"Idempotency-Key": "clic-1"}
    )
    assert again == sent and sent["protocol"].endswith("/0000001")
    applicant.post(f"{url}/submit", {"declarations_accepted": True}, 409, **{"Idempotency-Key": "clic-2"})
    receipt = applicant.get(f"{url}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    application_id = created["id"]

    # --- the officer admits it (formal checklist) after the deadline -------------------------------------
    close(call)
    [item] = officer.put(
        f"/evaluation/calls/{call.pk}/checklist", {"items": [{"code": "firma", "title": "Firma digitale"}]}
    )
    admitted = officer.post(
        f"/evaluation/applications/{application_id}/admissibility",
        {"answers": [{"item_id": item["id"], "satisfied": True}], "outcome": "admissible"},
    )
    assert admitted["status"] == "admissible"

    # --- a panel of two: each evaluator declares no conflict and scores ---------------------------------
    officer.put(f"/evaluation/calls/{call.pk}/panel", {"evaluators_per_application": 2})
    for index, evaluator in enumerate((first, second)):
        officer.post(
            f"/evaluation/calls/{call.pk}/panel/members",
            {"user_id": evaluator.user.pk, "is_president": index == 0},
            201,
        )
    auto = officer.post(f"/evaluation/calls/{call.pk}/assignments/auto")
    assert len(auto["created"]) == 2 and auto["short_application_ids"] == []
    marks = {first: FULL_MARKS, second: {**FULL_MARKS, "B2": "30"}}
    for evaluator, points in marks.items():
        [assignment] = evaluator.get("/evaluation/assignments").json()["items"]
        parties = evaluator.get(f"/evaluation/assignments/{assignment['id']}/parties").json()
        declared = evaluator.post(
            f"/evaluation/assignments/{assignment['id']}/declaration",
            {"conflicts": {str(p["partner_id"]): False for p in parties}},
        )
        assert declared["conflict"] is False
        scored = evaluator.put(
            f"/evaluation/assignments/{assignment['id']}/scores",
            {"points": points, "justifications": justified(points), "submit": True},
        )
        assert scored["total"] == ("95.00" if evaluator is first else "90.00")

    # --- ranking computed by the officer, approved by the manager with the determinazione ----------------
    ranking = officer.post(f"/evaluation/calls/{call.pk}/ranking")
    [entry] = ranking["entries"]
    assert ranking["status"] == "draft" and entry["outcome"] == "funded"
    assert entry["score"] == "92.50"  # the mean of 95 and 90
    with django_capture_on_commit_callbacks(execute=True):
        approved = manager.post(
            f"/evaluation/calls/{call.pk}/ranking/approve",
            {"determination_number": "DD 12/2026", "determination_date": in_rome(now()).date().isoformat()},
        )
    assert approved["status"] == "approved" and approved["entries"][0]["granted"] == "71200.00"
    assert applicant.get(url).json()["status"] == "funded"

    # --- the project: CUP by the officer, acceptance and start by the beneficiary ------------------------
    [summary] = applicant.get("/projects").json()["items"]
    project = f"/projects/{summary['id']}"
    assert summary["status"] == "to_accept"
    assert applicant.get(project).json()["grant"] == "71200.00"
    assigned = officer.put(f"{project}/cup", {"cup": CUP})
    assert assigned["cup"] == CUP
    agreement = applicant.get(f"{project}/agreement.pdf")
    assert agreement["Content-Type"] == "application/pdf" and agreement.content.startswith(b"%PDF")
    accepted = applicant.upload(f"{project}/agreement", "atto-firmato.pdf", 200)
    assert accepted["accepted_at"]
    started = applicant.post(f"{project}/start", {"start_date": in_rome(now()).date().isoformat()})
    assert started["status"] == "active" and started["can_receive_payments"] is True

    # --- the dedicated account (L. 136/2010) the payments go to -------------------------------------------
    finance = f"/finance/projects/{summary['id']}"
    account = {"iban": "IT60X0542811101000000123456", "holder": "Cooperativa", "operators": []}
    account["operators"] = [{"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219M"}]
    assert applicant.put(f"{finance}/dedicated-account", account)["iban"] == account["iban"]

    # --- the advance: proposed by the officer, approved by the manager -----------------------------------
    payable = {row["kind"]: row["amount"] for row in officer.get(finance).json()["payable"]}
    advance_amount = payable["advance"]
    today = in_rome(now()).date()
    guarantee = officer.post(
        f"{finance}/guarantees",
        {
            "issuer": "Banca di Torino",
            "number": "FG-2026-7",
            "amount": advance_amount,
            "issued_on": today.isoformat(),
            "expires_on": (today + timedelta(days=730)).isoformat(),
        },
        201,
    )
    advance = officer.post(f"{finance}/payments", {"kind": "advance", "guarantee_id": guarantee["id"]}, 201)
    assert advance["status"] == "proposed" and advance["amount"] == advance_amount
    officer.post(f"/finance/payments/{advance['id']}/approve", status=403)  # not the officer's right
    assert manager.post(f"/finance/payments/{advance['id']}/approve")["status"] == "approved"

    # --- the beneficiary claims an invoice of personale ---------------------------------------------------
    detail = applicant.get(project).json()
    lead_id = next(p["id"] for p in detail["partners"] if p["role"] == "lead")
    categories = applicant.get(f"/calls/{call.code}").json()["cost_categories"]
    personale_id = next(c["id"] for c in categories if c["code"] == "personale")
    claim = applicant.post(f"{finance}/claims", status=201)
    item = applicant.post(
        f"/finance/claims/{claim['id']}/items", _invoice(lead_id, personale_id, "FT-2026-1", "40000.00"), 201
    )
    applicant.upload(f"/finance/items/{item['id']}/attachments", "fattura.pdf", 201)
    assert applicant.post(f"/finance/claims/{claim['id']}/submit")["status"] == "submitted"

    # --- the controller checks it: one cut, motivated ---------------------------------------------------
    assigned = officer.post(f"/finance/claims/{claim['id']}/assign", {"controller_id": controller_user.pk})
    assert assigned["status"] == "under_check"
    assert [c["id"] for c in controller.get("/finance/controller/claims").json()["items"]] == [claim["id"]]
    checked = controller.post(
        f"/finance/items/{item['id']}/check",
        {"outcome": "partly_admitted", "admitted_amount": "38000", "reason": "Una fattura fuori periodo"},
    )
    assert checked["admitted_amount"] == "38000.00"
    checklist = controller.get(f"/finance/claims/{claim['id']}").json()["checklist"]
    controller.put(
        f"/finance/claims/{claim['id']}/checklist",
        {"answers": [{"code": row["code"], "satisfied": True} for row in checklist]},
    )
    closed = controller.post(f"/finance/claims/{claim['id']}/close", {"outcome_note": "Taglio motivato"})
    assert closed["admitted_total"] == "43700.00"  # 38.000 + 15% flat rate on personale

    # --- the interim payment, computed on the admitted expenditure, approved ----------------------------
    payable = {row["kind"]: row["amount"] for row in officer.get(finance).json()["payable"]}
    interim = officer.post(f"{finance}/payments", {"kind": "interim"}, 201)
    assert interim["amount"] == payable["interim"]
    assert Decimal(interim["amount"]) == Decimal("43700.00") * Decimal("0.80") - Decimal(advance_amount)
    assert manager.post(f"/finance/payments/{interim['id']}/approve")["status"] == "approved"

    seen = applicant.get(f"/finance/claims/{claim['id']}").json()
    assert seen["items"][0]["outcome"] == "partly_admitted"
    assert seen["items"][0]["control_reason"] == "Una fattura fuori periodo"
    assert applicant.get(f"{finance}/report").json()["total"]["admitted"] == "43700.00"

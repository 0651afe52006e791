"""Money out (issue #21.3): the dedicated account, the payment order (CUP, CIG, causale, IBAN) and the SEPA
credit transfer file (pain.001.001.03) of approved payments, by service, page and API."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from lxml import etree

from grants.core.models import AuditEvent
from grants.finance import sepa, services
from grants.finance.models import DedicatedAccount, Payment
from grants.finance.services import FinanceError, WrongState

from . import factories as f

pytestmark = pytest.mark.django_db
NS = {"p": sepa.NAMESPACE}


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def approved_payment(project, *, cig: str = "", causale: str = "") -> Payment:
    officer, manager = f.officer(), f.manager()
    guarantee = f.guarantee(project, actor=officer)
    f.dedicated_account(project)
    payment = services.propose_payment(
        actor=officer, project=project, kind="advance", guarantee=guarantee, cig=cig, causale=causale
    )
    return services.approve_payment(actor=manager, payment=payment)


# --- the dedicated account ----------------------------------------------------------------------------------
def test_a_malformed_iban_is_refused_in_italian_and_nothing_is_stored():
    project = f.ProjectFactory()
    with pytest.raises(FinanceError) as refusal:
        f.dedicated_account(project, iban="IT60X0542811101000000123457")
    assert refusal.value.errors[0]["field"] == "iban"
    assert "IBAN non valido" in refusal.value.message
    assert not DedicatedAccount.objects.exists()


def test_the_people_who_operate_the_account_need_a_valid_codice_fiscale():
    project = f.ProjectFactory()
    with pytest.raises(FinanceError) as refusal:
        services.declare_dedicated_account(
            actor=f.beneficiary_user(project),
            project=project,
            iban=f.IBAN,
            holder="Cooperativa",
            operators=[{"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219X"}],
        )
    assert refusal.value.errors[0]["field"] == "operators.0.fiscal_code"
    assert not DedicatedAccount.objects.exists()


def test_only_the_beneficiary_declares_the_account():
    project = f.ProjectFactory()
    with pytest.raises(PermissionDenied):
        services.declare_dedicated_account(
            actor=f.officer(), project=project, iban=f.IBAN, holder="X", operators=[f.OPERATOR]
        )


def test_the_account_form_shows_the_iban_error_next_to_the_field(client):
    project = f.ProjectFactory()
    client.force_login(f.beneficiary_user(project))
    url = reverse("finance:account_declare", args=[project.pk])
    response = client.post(
        url,
        {
            "iban": "IT00 0000",
            "holder": "Cooperativa Alfa",
            "operator_name_0": "Mario Rossi",
            "operator_fiscal_code_0": "RSSMRA80A01L219M",
        },
    )
    assert response.status_code == 422
    assert 'id="f-iban-error"' in response.content.decode()
    assert "IBAN non valido" in response.content.decode()
    assert not DedicatedAccount.objects.exists()
    response = client.post(
        url,
        {
            "iban": "it60 x054 2811 1010 0000 0123 456",
            "holder": "Cooperativa Alfa",
            "operator_name_0": "Mario Rossi",
            "operator_fiscal_code_0": "rssmra80a01l219m",
        },
    )
    assert response.status_code == 302
    account = DedicatedAccount.objects.get(project=project)
    assert account.iban == f.IBAN
    assert account.operators == [f.OPERATOR]


def test_the_api_answers_a_malformed_iban_with_problem_json_naming_the_field(client):
    project = f.ProjectFactory()
    client.force_login(f.beneficiary_user(project))
    url = f"/api/v1/finance/projects/{project.pk}/dedicated-account"
    body = {"iban": "IT60X0542811101000000123457", "holder": "Coop", "operators": [f.OPERATOR]}
    response = put(client, url, body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "iban"
    assert client.get(url).status_code == 404
    response = put(client, url, {**body, "iban": f.IBAN})
    assert response.status_code == 200, response.content
    assert client.get(url).json()["operators"] == [f.OPERATOR]


# --- the payment order --------------------------------------------------------------------------------------
def test_approval_needs_the_dedicated_account_and_records_its_iban():
    project = f.ProjectFactory()
    officer, manager = f.officer(), f.manager()
    payment = services.propose_payment(
        actor=officer,
        project=project,
        kind="advance",
        guarantee=f.guarantee(project, actor=officer),
        cig="Z1234ABCDE",
    )
    assert payment.cup == project.cup
    assert payment.causale.startswith("Anticipo contributo CUP")
    with pytest.raises(WrongState) as refusal:
        services.approve_payment(actor=manager, payment=payment)
    assert refusal.value.code == "dedicated_account_missing"
    f.dedicated_account(project)
    payment = services.approve_payment(actor=manager, payment=payment)
    assert (payment.iban, payment.cig) == (f.IBAN, "Z1234ABCDE")


def test_a_malformed_cig_is_refused():
    project = f.ProjectFactory()
    with pytest.raises(FinanceError) as refusal:
        services.propose_payment(actor=f.officer(), project=project, kind="interim", amount="1", cig="12")
    assert refusal.value.errors[0]["field"] == "cig"


# --- the SEPA file ------------------------------------------------------------------------------------------
def test_the_pain001_validates_and_carries_amount_iban_and_cup():
    project = f.ProjectFactory()
    payment = approved_payment(project, cig="Z1234ABCDE", causale="Anticipo progetto WECARE")
    content = services.export_credit_transfer(actor=f.manager(), payments=[payment])
    sepa.validate(content)  # the shipped XSD
    document = etree.fromstring(content)
    assert document.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS) == f"{payment.amount:.2f}"
    assert document.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == f.IBAN
    remittance = document.findtext(".//p:RmtInf/p:Ustrd", namespaces=NS)
    assert f"CUP {project.cup}" in remittance
    assert "CIG Z1234ABCDE" in remittance
    assert "Anticipo progetto WECARE" in remittance
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == f"{payment.amount:.2f}"
    payment.refresh_from_db()
    assert payment.exported_at is not None
    assert AuditEvent.objects.filter(action="payment.sepa_exported").count() == 1


def test_a_document_that_breaks_the_schema_is_refused():
    with pytest.raises(sepa.SepaError):
        sepa.validate(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><Nope/></Document>')


def test_only_approved_payments_are_exported():
    project = f.ProjectFactory()
    f.dedicated_account(project)
    proposed = services.propose_payment(
        actor=f.officer(), project=project, kind="advance", guarantee=f.guarantee(project)
    )
    with pytest.raises(FinanceError) as refusal:
        services.export_credit_transfer(actor=f.manager(), payments=[proposed])
    assert refusal.value.code == "not_approved"


def test_the_payments_list_exports_the_chosen_approved_payments(client):
    project = f.ProjectFactory()
    payment = approved_payment(project)
    other = f.ProjectFactory()
    services.propose_payment(actor=f.officer(), project=other, kind="advance", guarantee=f.guarantee(other))
    client.force_login(f.manager())
    page = client.get(reverse("finance:payments"), {"bando": project.call_id})
    assert page.status_code == 200
    assert f'name="payment_ids" value="{payment.pk}"' in page.content.decode()
    response = client.post(reverse("finance:sepa_export"), {"payment_ids": [payment.pk]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    sepa.validate(response.content)
    assert (
        Decimal(etree.fromstring(response.content).findtext(".//p:CtrlSum", namespaces=NS)) == payment.amount
    )
    refused = client.post(reverse("finance:sepa_export"), {"payment_ids": []})
    assert refused.status_code == 422


def test_the_api_exports_and_answers_out_of_scope_payments_as_missing(client):
    project = f.ProjectFactory()
    payment = approved_payment(project)
    client.force_login(f.manager())
    url = "/api/v1/finance/payments/sepa-credit-transfer"
    response = client.post(
        url, data=json.dumps({"payment_ids": [payment.pk]}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    sepa.validate(response.content)
    missing = client.post(
        url, data=json.dumps({"payment_ids": [payment.pk + 999]}), content_type="application/json"
    )
    assert missing.status_code == 404
    client.force_login(f.beneficiary_user(project))
    outsider = client.post(
        url, data=json.dumps({"payment_ids": [payment.pk]}), content_type="application/json"
    )
    assert outsider.status_code == 404

"""IDOR cases of the finance of A's project: payments, guarantee, loan, recovery, a claim with an item."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from .evaluation import (
    _cached,
)
from .world import (
    PDF,
    Case,
    World,
)

# --- the finance of A's project: payments, guarantee, loan, recovery, a claim with an item ---------------
# Who may reach them (grants/finance/permissions.py): A's members, finance staff by permission, the
# controller assigned to the claim. B is an applicant of another organisation: none of them.
FINANCE_SECRET = "Fattura riservata della Cooperativa Alfa"


@dataclass
class FinanceOfA:
    project: Any
    payment: Any
    guarantee: Any
    loan: Any
    recovery: Any
    claim: Any
    item: Any
    attachment: Any
    einvoice: Any
    rna_record: Any = None


def _finance_of_a(w: World) -> FinanceOfA:
    def build():
        from grants.finance import services as finance_services
        from grants.finance.models import EInvoice, Recovery
        from grants.finance.tests import factories as finance_factories

        project = finance_factories.ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        officer = finance_factories.officer()
        guarantee = finance_factories.guarantee(project, actor=officer)
        payment = finance_services.propose_payment(
            actor=officer, project=project, kind="advance", guarantee=guarantee
        )
        loan = finance_services.record_loan(
            actor=officer,
            project=project,
            principal="10000",
            annual_rate_percent="1",
            term_months=24,
            pre_amortisation_months=0,
            frequency_months=6,
            first_due_date=finance_factories.today(),
        )
        recovery = Recovery.objects.create(
            project=project,
            amount=Decimal(10),
            reason=FINANCE_SECRET,
            paid_at_opening=Decimal(10),
            new_grant=0,
        )
        claim = finance_factories.claim_with(
            project, finance_factories.invoice(project, description=FINANCE_SECRET), submit=False
        )
        item = claim.items.get()
        einvoice = EInvoice.objects.create(
            item=item,
            supplier_vat=item.supplier_tax_id,
            supplier_name=FINANCE_SECRET,
            document_type="TD01",
            number=item.document_number,
            date=item.document_date,
            xml="<FatturaElettronica/>",
        )
        from grants.finance.rna import services as rna_services

        rna_services.register_grant(project=project, granted_on=finance_factories.today())
        return FinanceOfA(
            project,
            payment,
            guarantee,
            loan,
            recovery,
            claim,
            item,
            item.attachments.get(),
            einvoice,
            _rna_record_of(project),
        )

    return _cached(w, "finance", build)


def _rna_record_of(project):
    """The project's RNA registration; its call is made a de minimis one first when it is not State aid
    (only State aid is registered)."""
    from grants.finance.models import RnaRecord
    from grants.finance.rna import services as rna_services
    from grants.programme.models import Call, StateAidRegime

    if project.call.state_aid_regime == StateAidRegime.NONE:
        Call.objects.filter(pk=project.call_id).update(state_aid_regime=StateAidRegime.DE_MINIMIS)
        project.call.refresh_from_db()
        rna_services.register_grant(project=project, granted_on=project.created_at.date())
    return RnaRecord.objects.get(project=project, kind="registration")


def _finance_secrets(w: World) -> list[str]:
    return [FINANCE_SECRET, w.organisation_a.name]


def _finance_state(w: World):
    from grants.finance.models import DedicatedAccount, ExpenseClaim, Payment, RnaRecord

    finance = _finance_of_a(w)
    claim = ExpenseClaim.objects.get(pk=finance.claim.pk)
    finance.recovery.refresh_from_db()
    return (
        sorted(Payment.objects.filter(project=finance.project).values_list("pk", "status", "amount")),
        sorted(finance.project.guarantees.values_list("pk", "amount")),
        list(finance.loan.repayments.values_list("pk", "amount")),
        (finance.recovery.status, finance.recovery.recovered_amount),
        sorted(finance.project.expense_claims.values_list("pk", "status", "controller_id")),
        (claim.status, claim.sample_note, claim.outcome_note, claim.counter_arguments),
        sorted(claim.items.values_list("pk", "outcome", "admitted_amount", "counter_argument")),
        sorted(claim.checklist.values_list("code", "satisfied")),
        list(finance.item.attachments.values_list("pk", flat=True)),
        finance.project.call.payment_plan.pk if hasattr(finance.project.call, "payment_plan") else None,
        list(DedicatedAccount.objects.filter(project=finance.project).values_list("iban", "holder")),
        sorted(RnaRecord.objects.filter(project=finance.project).values_list("pk", "status", "cor")),
    )


def _finance_case(args: Callable[[World], dict], method: str = "get", body=None, multipart=False) -> Case:
    return Case(
        args=args,
        method=method,
        body=body,
        multipart=multipart,
        secrets=_finance_secrets,
        unchanged=_finance_state if method != "get" else None,
    )


def _finance_id(key: str, attribute: str) -> Callable[[World], dict]:
    return lambda w: {key: getattr(_finance_of_a(w), attribute).pk}


def _finance_call_id(w: World) -> dict:
    return {"call_id": _finance_of_a(w).project.call_id}


def _finance_project_post(body: Callable[[World], dict]) -> Case:
    return _finance_case(_finance_id("pk", "project"), "post", body)


def _finance_claim_post(body: Callable[[World], dict]) -> Case:
    return _finance_case(_finance_id("pk", "claim"), "post", body)


def _finance_payment(w: World) -> dict:
    return {"payment_id": _finance_of_a(w).payment.pk}


def _finance_item(w: World) -> dict:
    return {"item_id": _finance_of_a(w).item.pk}


_ACCOUNT_OF_B = {
    "iban": "IT60X0542811101000000123456",
    "holder": "B",
    "operator_name_0": "Mario Rossi",
    "operator_fiscal_code_0": "RSSMRA80A01L219M",
}

FINANCE_PAGE_CASES: dict[str, Case] = {
    "finance:project_finance": _finance_case(_finance_id("pk", "project")),
    "finance:project_report": _finance_case(lambda w: {"pk": _finance_of_a(w).project.pk, "fmt": "xlsx"}),
    "finance:claim_detail": _finance_case(_finance_id("pk", "claim")),
    "finance:attachment_download": _finance_case(_finance_id("pk", "attachment")),
    "finance:einvoice_detail": _finance_case(_finance_id("pk", "einvoice")),
    "finance:einvoice_document": _finance_case(_finance_id("pk", "einvoice")),
    "finance:einvoice_import": _finance_claim_post(
        lambda w: {
            "einvoice_file": SimpleUploadedFile("fattura.xml", b"<x/>", content_type="application/xml"),
            "einvoice_partner_id": 0,
            "einvoice_category_id": 0,
        }
    ),
    # one URL per action on A's project
    "finance:payment_propose": _finance_project_post(lambda w: {"kind": "interim", "amount": "1"}),
    "finance:payment_approve": _finance_project_post(_finance_payment),
    "finance:account_declare": _finance_project_post(lambda w: _ACCOUNT_OF_B),
    "finance:payment_reject": _finance_project_post(lambda w: {**_finance_payment(w), "reason": "B"}),
    "finance:payment_paid": _finance_project_post(lambda w: {**_finance_payment(w), "reference": "B"}),
    "finance:guarantee_add": _finance_project_post(
        lambda w: {
            "issuer": "Banca B",
            "number": "B-1",
            "guarantee_amount": "1000",
            "issued_on": "2026-01-01",
            "expires_on": "2030-01-01",
        }
    ),
    "finance:loan_add": _finance_project_post(
        lambda w: {
            "principal": "1000",
            "annual_rate_percent": "1",
            "term_months": "12",
            "pre_amortisation_months": "0",
            "frequency_months": "6",
            "first_due_date": "2030-01-01",
        }
    ),
    "finance:loan_repay": _finance_project_post(
        lambda w: {"repaid_on": "2026-01-01", "repayment_amount": "1", "repayment_reference": "B"}
    ),
    "finance:recovery_record": _finance_project_post(
        lambda w: {"recovery_id": _finance_of_a(w).recovery.pk, "recovered_amount": "1"}
    ),
    "finance:claim_create": _finance_project_post(lambda w: {}),
    # A's RNA record (officers of A's call only)
    "finance:rna_detail": _finance_case(_finance_id("pk", "rna_record")),
    "finance:rna_send": _finance_case(_finance_id("pk", "rna_record"), "post", lambda w: {}),
    "finance:rna_set_cor": _finance_case(_finance_id("pk", "rna_record"), "post", lambda w: {"cor": "1"}),
    "finance:rna_refuse": _finance_case(_finance_id("pk", "rna_record"), "post", lambda w: {"reason": "B"}),
    # one URL per action on A's claim
    "finance:claim_submit": _finance_claim_post(lambda w: {}),
    "finance:item_add": _finance_claim_post(
        lambda w: {"partner_id": 0, "category_id": 0, "description": "Spesa di B"}
    ),
    "finance:item_remove": _finance_claim_post(_finance_item),
    "finance:item_attach": _finance_claim_post(_finance_item),
    "finance:item_check": _finance_claim_post(
        lambda w: {**_finance_item(w), "outcome": "not_admitted", "reason": "B"}
    ),
    "finance:claim_counter": _finance_claim_post(lambda w: {"counter_text": "B"}),
    "finance:claim_assign": _finance_claim_post(lambda w: {"controller_id": w.user_b.pk}),
    "finance:claim_checklist": _finance_claim_post(lambda w: {"sample_note": "B"}),
    "finance:claim_close": _finance_claim_post(lambda w: {"outcome_note": "B"}),
    "finance:claim_finalise": _finance_claim_post(lambda w: {"final_note": "B"}),
}

_TODAY_BODY = {"paid_on": "2026-01-01", "reference": "B", "amount": "1"}
FINANCE_API_CASES: dict[str, Case] = {
    "grants_api_finance_get_payment_plan": _finance_case(_finance_call_id),
    "grants_api_finance_put_payment_plan": _finance_case(
        _finance_call_id,
        "put",
        lambda w: {
            "advance_percent": "90",
            "guarantee_required": False,
            "interim_thresholds": [],
            "retention_percent": "0",
        },
    ),
    "grants_api_finance_get_project_finance": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_get_project_report": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_propose_payment": _finance_case(
        _finance_id("project_id", "project"), "post", lambda w: {"kind": "interim", "amount": "1"}
    ),
    "grants_api_finance_record_guarantee": _finance_case(
        _finance_id("project_id", "project"),
        "post",
        lambda w: {
            "issuer": "B",
            "number": "B-1",
            "amount": "1",
            "issued_on": "2026-01-01",
            "expires_on": "2027-01-01",
        },
    ),
    "grants_api_finance_get_loan": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_record_loan": _finance_case(
        _finance_id("project_id", "project"),
        "post",
        lambda w: {
            "principal": "1",
            "annual_rate_percent": "1",
            "term_months": 12,
            "first_due_date": "2027-01-01",
        },
    ),
    "grants_api_finance_list_claims": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_create_claim": _finance_case(
        _finance_id("project_id", "project"), "post", lambda w: {}
    ),
    "grants_api_finance_approve_payment": _finance_case(_finance_id("payment_id", "payment"), "post"),
    "grants_api_finance_get_dedicated_account": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_put_dedicated_account": _finance_case(
        _finance_id("project_id", "project"),
        "put",
        lambda w: {
            "iban": "IT60X0542811101000000123456",
            "holder": "B",
            "operators": [{"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219M"}],
        },
    ),
    "grants_api_finance_reject_payment": _finance_case(
        _finance_id("payment_id", "payment"), "post", lambda w: {"reason": "B"}
    ),
    "grants_api_finance_mark_payment_paid": _finance_case(
        _finance_id("payment_id", "payment"), "post", lambda w: _TODAY_BODY
    ),
    "grants_api_finance_record_recovered": _finance_case(
        _finance_id("recovery_id", "recovery"), "post", lambda w: {"amount": "1"}
    ),
    "grants_api_finance_record_repayment": _finance_case(
        _finance_id("loan_id", "loan"), "post", lambda w: _TODAY_BODY
    ),
    "grants_api_finance_get_claim": _finance_case(_finance_id("claim_id", "claim")),
    "grants_api_finance_get_rna_record": _finance_case(_finance_id("record_id", "rna_record")),
    "grants_api_finance_download_rna_record_xml": _finance_case(_finance_id("record_id", "rna_record")),
    "grants_api_finance_set_rna_record_cor": _finance_case(
        _finance_id("record_id", "rna_record"), "post", lambda w: {"cor": "1"}
    ),
    "grants_api_finance_send_rna_record": _finance_case(_finance_id("record_id", "rna_record"), "post"),
    "grants_api_finance_add_claim_item": _finance_case(
        _finance_id("claim_id", "claim"),
        "post",
        lambda w: {"partner_id": 0, "category_id": 0, "description": "B", "document_type": "invoice"},
    ),
    "grants_api_finance_submit_claim": _finance_case(_finance_id("claim_id", "claim"), "post"),
    "grants_api_finance_assign_claim": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"controller_id": w.user_b.pk}
    ),
    "grants_api_finance_save_claim_checklist": _finance_case(
        _finance_id("claim_id", "claim"), "put", lambda w: {"answers": [], "sample_note": "B"}
    ),
    "grants_api_finance_close_claim_check": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"outcome_note": "B"}
    ),
    "grants_api_finance_submit_counter_arguments": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"text": "B"}
    ),
    "grants_api_finance_finalise_claim": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"final_note": "B"}
    ),
    "grants_api_finance_remove_claim_item": _finance_case(_finance_id("item_id", "item"), "delete"),
    "grants_api_finance_attach_to_item": _finance_case(
        _finance_id("item_id", "item"),
        "post",
        lambda w: {"file": SimpleUploadedFile("fattura.pdf", PDF, content_type="application/pdf")},
        multipart=True,
    ),
    "grants_api_finance_get_einvoice": _finance_case(_finance_id("einvoice_id", "einvoice")),
    "grants_api_finance_import_einvoice": _finance_case(
        _finance_id("claim_id", "claim"),
        "post",
        lambda w: {
            "file": SimpleUploadedFile("fattura.xml", b"<x/>", content_type="application/xml"),
            "partner_id": 0,
            "category_id": 0,
        },
        multipart=True,
    ),
    "grants_api_finance_check_claim_item": _finance_case(
        _finance_id("item_id", "item"), "post", lambda w: {"outcome": "not_admitted", "reason": "B"}
    ),
}

"""Browser test of the money's main path: on an accepted project (the projects' factory), the officer proposes
the advance and the manager approves it; the beneficiary submits an expense claim with its invoice; the
controller cuts the item with a reason and closes the check; the interim payment is computed from the
admitted expenditure, proposed and approved. Debian's Chromium driven by Playwright; each page is checked
with axe-core (no serious or critical violation)."""

from datetime import timedelta
from pathlib import Path

import pytest

from grants.finance.models import ExpenseClaim, Payment
from grants.finance.states import ClaimStatus, PaymentKind, PaymentStatus
from grants.finance.tests import factories as f

from .test_application_journey import assert_accessible
from .test_evaluation import browser, sign_in  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.e2e


def click(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_advance_claim_cut_and_interim_payment(live_server, transactional_db, browser, tmp_path: Path):  # noqa: F811
    project = f.ProjectFactory()
    beneficiary = f.beneficiary_user(project)
    clerk, boss, checker = f.officer(), f.manager(), f.controller(first_name="Carla", last_name="Bianchi")
    guarantee = f.guarantee(project, actor=clerk)
    project_url = f"/pagamenti/progetti/{project.pk}/"

    # 0. The beneficiary declares the dedicated account (L. 136/2010): a mistyped IBAN is refused in Italian
    #    next to the field and keeps what was typed; the corrected one is stored.
    page = sign_in(browser, live_server, beneficiary, project_url)
    assert "non è ancora stato dichiarato" in page.locator("[data-testid=no-dedicated-account]").inner_text()
    page.fill("#f-iban", "IT60 X054 2811 1010 0000 0123 450")
    page.fill("#f-operator_name_0", "Mario Rossi")
    page.fill("#f-operator_fiscal_code_0", "RSSMRA80A01L219M")
    click(page, "Dichiara il conto dedicato")
    assert "IBAN" in page.locator("#f-iban-error").inner_text()
    assert page.input_value("#f-operator_name_0") == "Mario Rossi"
    page.fill("#f-iban", "IT60 X054 2811 1010 0000 0123 456")
    click(page, "Dichiara il conto dedicato")
    assert "IT60X0542811101000000123456" in page.locator("[data-testid=dedicated-account]").inner_text()
    page.context.close()

    # 1. The officer proposes the advance against the guarantee; the manager approves it.
    page = sign_in(browser, live_server, clerk, project_url)
    assert_accessible(page)
    page.select_option("#f-kind", value=PaymentKind.ADVANCE)
    page.select_option("#f-guarantee_id", value=str(guarantee.pk))
    click(page, "Proponi il pagamento")
    assert "Pagamento proposto: 21360.00 €" in page.locator(".alert-success").inner_text()
    page.context.close()
    advance = Payment.objects.get(project=project, kind=PaymentKind.ADVANCE)

    page = sign_in(browser, live_server, boss, project_url)
    page.locator(f"[data-testid=approve-{advance.pk}]").click()
    page.wait_for_load_state()
    assert "Approvato" in page.locator("[data-testid=payments]").inner_text()
    page.context.close()

    # 2. The beneficiary sees the advance, opens a claim and adds the invoice with its PDF.
    page = sign_in(browser, live_server, beneficiary, project_url)
    assert "Approvato" in page.locator("[data-testid=payments]").inner_text()
    assert_accessible(page)
    click(page, "Nuova domanda di rimborso")
    claim = ExpenseClaim.objects.get(project=project)
    invoice = tmp_path / "fattura.pdf"
    invoice.write_bytes(f.MINIMAL_PDF)
    today = f.today()
    page.select_option("#f-partner_id", value=str(f.lead(project).pk))
    page.select_option("#f-category_id", value=str(f.category(project, "personale").pk))
    page.fill("#f-description", "Educatori, primo semestre")
    page.select_option("#f-document_type", value="invoice")
    page.fill("#f-document_number", "FT-2026-15")
    page.fill("#f-document_date", (today - timedelta(days=20)).isoformat())
    page.fill("#f-supplier_name", "Servizi Educativi Srl")
    page.fill("#f-supplier_tax_id", "123")  # wrong first: the message is next to the field
    page.fill("#f-taxable_amount", "40.000,00")
    page.fill("#f-amount_claimed", "40.000,00")
    page.fill("#f-payment_date", (today - timedelta(days=10)).isoformat())
    page.select_option("#f-payment_method", value="bank_transfer")
    page.set_input_files("#f-file", str(invoice))
    click(page, "Aggiungi la spesa")
    assert page.locator("#f-supplier_tax_id-error").is_visible()
    assert page.locator("#f-description").input_value() == "Educatori, primo semestre"
    assert_accessible(page)
    page.fill("#f-supplier_tax_id", f.SUPPLIER_VAT_NUMBERS[0])
    page.set_input_files("#f-file", str(invoice))
    click(page, "Aggiungi la spesa")
    assert "Spesa aggiunta" in page.locator(".alert-success").inner_text()
    assert_accessible(page)
    click(page, "Invia la domanda di rimborso")
    assert page.locator("[data-testid=claim-status]").inner_text() == "Inviata"
    page.context.close()

    # 3. The officer assigns the claim; the controller cuts the item and closes the check.
    claim_url = f"/rendicontazione/domande/{claim.pk}/"
    page = sign_in(browser, live_server, clerk, claim_url)
    page.select_option("#f-controller_id", value=str(checker.pk))
    click(page, "Assegna")
    page.context.close()

    page = sign_in(browser, live_server, checker, claim_url)
    assert_accessible(page)
    item = claim.items.get()
    page.select_option(f"#outcome-{item.pk}", value="partly_admitted")
    page.fill(f"#admitted-amount-{item.pk}", "38000")
    page.fill(f"#reason-{item.pk}", "Una quota riguarda attività fuori periodo")
    click(page, "Registra l'esito")
    for row in claim.checklist.all():
        page.locator(f"label[for=check-{row.code}-yes]").click()
    click(page, "Salva la checklist")
    click(page, "Concludi il controllo")
    assert page.locator("[data-testid=claim-status]").inner_text() == "Controllata"
    assert page.locator("[data-testid=claim-admitted]").inner_text() == "43.700,00 €"  # 38.000 + 15% forfait
    assert_accessible(page)
    page.context.close()

    # 4. The interim payment: 43.700 € × 80% = 34.960 € recognised, minus the advance.
    page = sign_in(browser, live_server, clerk, project_url)
    assert "13.600,00 €" in page.locator("[data-testid=payable]").inner_text()
    page.select_option("#f-kind", value=PaymentKind.INTERIM)
    click(page, "Proponi il pagamento")
    page.context.close()
    interim = Payment.objects.get(project=project, kind=PaymentKind.INTERIM)
    page = sign_in(browser, live_server, boss, project_url)
    page.locator(f"[data-testid=approve-{interim.pk}]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.script_errors == []
    page.context.close()

    interim.refresh_from_db()
    claim.refresh_from_db()
    assert interim.status == PaymentStatus.APPROVED and str(interim.amount) == "13600.00"
    assert claim.status == ClaimStatus.CHECKED

"""Finance pages: forms keep what was typed and show the error next to the field; exports; downloads."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants.core.models import AuditEvent
from grants.finance.models import ExpenseClaim

from . import factories as f

pytestmark = pytest.mark.django_db


def item_form(project, **overrides):
    data = f.invoice(project)
    form = {
        "partner_id": data.partner.pk,
        "category_id": data.category.pk,
        "description": "Educatrice marzo",
        "document_type": "payslip",
        "document_number": data.document_number,
        "document_date": data.document_date.isoformat(),
        "supplier_name": "Maria Rossi",
        "supplier_tax_id": f.SUPPLIER_VAT_NUMBERS[2],
        "taxable_amount": "1.500,00",
        "vat_amount": "0",
        "amount_claimed": "1.500,00",
        "payment_date": data.payment_date.isoformat(),
        "payment_method": "bank_transfer",
    }
    form.update(overrides)
    return form


def test_the_beneficiary_builds_and_sends_a_claim_in_the_browser(client):
    project = f.ProjectFactory()
    client.force_login(f.beneficiary_user(project))
    response = client.post(reverse("finance:claim_create", args=[project.pk]))
    claim = ExpenseClaim.objects.get(project=project)
    assert response["Location"] == reverse("finance:claim_detail", args=[claim.pk])

    add = reverse("finance:item_add", args=[claim.pk])
    response = client.post(add, item_form(project, supplier_tax_id="12345"))
    assert response.status_code == 422
    content = response.content.decode()
    assert 'aria-invalid="true"' in content and "Maria Rossi" in content  # the typed values stay

    response = client.post(add, {**item_form(project), "file": f.pdf()})
    assert response.status_code == 302
    item = claim.items.get()
    assert item.amount_claimed == 1500 and item.attachments.count() == 1
    client.post(reverse("finance:claim_submit", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == "submitted"

    attachment = item.attachments.get()
    download = client.get(reverse("finance:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert AuditEvent.objects.filter(action="expense_attachment.downloaded").exists()


def test_the_controller_cuts_an_item_on_the_page(client):
    project = f.ProjectFactory()
    claim = f.claim_with(project, f.invoice(project, amount="2000.00"))
    controller = f.controller()
    client.force_login(f.officer())

    def url(name):
        return reverse(f"finance:{name}", args=[claim.pk])

    client.post(url("claim_assign"), {"controller_id": controller.pk})
    client.force_login(controller)
    assert "Domanda di rimborso n. 1" in client.get(reverse("finance:controller_claims")).content.decode()
    # A controller reaches the claims assigned, not the projects' money.
    assert project.title not in client.get(reverse("finance:payments")).content.decode()
    item = claim.items.get()
    response = client.post(
        url("item_check"),
        {"item_id": item.pk, "outcome": "partly_admitted", "admitted_amount": "1500"},
    )
    assert response.status_code == 422
    assert "Motivare" in response.content.decode()
    client.post(
        url("item_check"),
        {
            "item_id": item.pk,
            "outcome": "partly_admitted",
            "admitted_amount": "1500",
            "reason": "Ore eccedenti",
        },
    )
    checklist = {f"check-{row.code}": "yes" for row in claim.checklist.all()}
    client.post(url("claim_checklist"), checklist)
    client.post(url("claim_close"), {"outcome_note": "Taglio per ore eccedenti"})
    claim.refresh_from_db()
    assert claim.status == "checked" and str(claim.admitted_total) == "1725.00"


def test_reports_export_to_xlsx_and_pdf(client):
    project = f.ProjectFactory()
    f.checked_claim(project, f.invoice(project, amount="1000.00"))
    client.force_login(f.beneficiary_user(project))
    response = client.get(reverse("finance:project_report", args=[project.pk, "xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[-1][0] == "Totale"
    assert any(row[1] == "Costi indiretti" and row[4] == 150 for row in values if len(row) > 4)
    pdf = client.get(reverse("finance:project_report", args=[project.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert client.get(reverse("finance:project_report", args=[project.pk, "doc"])).status_code == 404


def test_outsiders_get_404_on_finance_pages(client):
    project = f.ProjectFactory()
    client.force_login(f.beneficiary_user(f.ProjectFactory()))
    assert client.get(reverse("finance:project_finance", args=[project.pk])).status_code == 404
    claim = f.claim_with(project, f.invoice(project))
    assert client.get(reverse("finance:claim_detail", args=[claim.pk])).status_code == 404

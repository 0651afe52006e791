"""FatturaPA import into an expense claim (issue #21.4): real-shaped invoices built from the schema (fixture
``fixtures/fattura_FPR12.xml``), signed ones, and the refusals: no CUP, already claimed, malformed XML, wrong
file type."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.core.tests import pki
from grants.finance import einvoice, services
from grants.finance.models import DuplicateAttempt, EInvoice, ExpenseItem
from grants.finance.services import FinanceError

from . import factories as f

pytestmark = pytest.mark.django_db
TEMPLATE = (Path(__file__).parent / "fixtures" / "fattura_FPR12.xml").read_text(encoding="utf-8")


def invoice_xml(
    *, cup: str = "", number: str = "FT-2026/15", causale: str = "Servizi di formazione", **kw
) -> bytes:
    cup_block = (
        f"<DatiContratto><IdDocumento>CONV-1</IdDocumento><CodiceCUP>{cup}</CodiceCUP></DatiContratto>"
        if cup
        else ""
    )
    values = {
        "supplier_vat": f.SUPPLIER_VAT_NUMBERS[1],
        "date": (f.today() - timedelta(days=20)).isoformat(),
        "number": number,
        "causale": causale,
        "cup_block": cup_block,
    }
    values.update(kw)
    return TEMPLATE.format(**values).encode("utf-8")


def upload(content: bytes, name: str = "IT12345670017_00001.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/xml")


@pytest.fixture
def draft(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = f.ProjectFactory()
    claim = services.create_claim(actor=f.beneficiary_user(project), project=project)
    return claim


def import_into(claim, content: bytes, name: str = "fattura.xml", **kw):
    project = claim.project
    return services.import_einvoice(
        actor=f.beneficiary_user(project),
        claim=claim,
        uploaded_file=upload(content, name),
        partner=f.lead(project),
        category=f.category(project, "personale"),
        payment_date=f.today() - timedelta(days=2),
        payment_method="bank_transfer",
        **kw,
    )


def test_the_sample_invoice_is_valid_fatturapa():
    invoice = einvoice.read_invoice(invoice_xml(cup="J11B21000000001"))
    assert (invoice.number, invoice.supplier_vat, invoice.supplier_name) == (
        "FT-2026/15",
        f.SUPPLIER_VAT_NUMBERS[1],
        "Formazione Subalpina Srl",
    )
    assert (invoice.taxable, invoice.vat, len(invoice.lines)) == (1000, 220, 2)
    assert invoice.cup_codes == ("J11B21000000001",)


def test_an_invoice_with_the_cup_becomes_an_expense_item_with_its_file(draft):
    item = import_into(draft, invoice_xml(cup=draft.project.cup))
    assert (item.document_number, item.supplier_tax_id) == ("FT-2026/15", f.SUPPLIER_VAT_NUMBERS[1])
    assert (item.taxable_amount, item.vat_amount, item.amount_claimed) == (1000, 220, 1000)
    assert item.einvoice.lines[1]["description"] == "Materiale didattico"
    assert item.attachments.get().content_type == "application/xml"


def test_the_cup_may_be_written_in_the_causale(draft):
    item = import_into(draft, invoice_xml(causale=f"Formazione progetto WECARE CUP {draft.project.cup}"))
    assert item.einvoice.cup_codes == []


def test_a_signed_p7m_invoice_is_unwrapped():
    ca = pki.make_ca()
    signed = pki.cades(invoice_xml(cup="J11B21000000001"), pki.make_signer(ca), ca)
    invoice = einvoice.read_invoice(signed)
    assert invoice.signed and invoice.number == "FT-2026/15"


def test_an_invoice_without_the_cup_is_refused_and_nothing_is_stored(draft):
    with pytest.raises(FinanceError) as refusal:
        import_into(draft, invoice_xml())
    assert (refusal.value.code, refusal.value.errors[0]["field"]) == ("cup_missing", "file")
    assert draft.project.cup in refusal.value.message
    assert not ExpenseItem.objects.exists() and not EInvoice.objects.exists()


def test_an_invoice_already_claimed_in_another_project_is_refused(draft):
    other = f.ProjectFactory()
    f.claim_with(
        other,
        f.invoice(
            other,
            number="FT-2026/15",
            supplier_tax_id=f.SUPPLIER_VAT_NUMBERS[1],
            document_date=f.today() - timedelta(days=20),
        ),
        submit=False,
    )
    with pytest.raises(FinanceError) as refusal:
        import_into(draft, invoice_xml(cup=draft.project.cup))
    assert refusal.value.code == "document_already_claimed"
    assert "in un altro progetto" in refusal.value.message
    assert not EInvoice.objects.exists()
    assert not draft.items.exists()
    assert not DuplicateAttempt.objects.exists()  # nothing stored on any error


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<p:FatturaElettronica xmlns:p='x'><unclosed>", "malformed_xml"),
        (b"<?xml version='1.0'?><Fattura/>", "wrong_type"),
        (f.MINIMAL_PDF if hasattr(f, "MINIMAL_PDF") else b"%PDF-1.4 not an invoice", "wrong_type"),
    ],
)
def test_bad_files_are_refused_on_the_file_field(draft, content, code):
    with pytest.raises(FinanceError) as refusal:
        import_into(draft, content)
    assert (refusal.value.code, refusal.value.errors[0]["field"]) == (code, "file")
    assert not ExpenseItem.objects.exists()


def test_the_claim_page_imports_and_shows_the_invoice(client, draft):
    project = draft.project
    client.force_login(f.beneficiary_user(project))
    url = reverse("finance:einvoice_import", args=[draft.pk])
    form = {
        "einvoice_partner_id": f.lead(project).pk,
        "einvoice_category_id": f.category(project, "personale").pk,
        "einvoice_payment_date": (f.today() - timedelta(days=2)).isoformat(),
        "einvoice_payment_method": "bank_transfer",
    }
    refused = client.post(url, {**form, "einvoice_file": upload(invoice_xml())})
    assert refused.status_code == 422
    assert 'id="f-einvoice_file-error"' in refused.content.decode()
    assert "non riporta il CUP" in refused.content.decode()
    response = client.post(url, {**form, "einvoice_file": upload(invoice_xml(cup=project.cup))})
    assert response.status_code == 302
    invoice = EInvoice.objects.get()
    page = client.get(reverse("finance:einvoice_detail", args=[invoice.pk]))
    assert page.status_code == 200
    assert "Formazione Subalpina Srl" in page.content.decode()
    assert "Materiale didattico" in page.content.decode()


def test_the_api_imports_and_answers_problem_json(client, draft):
    project = draft.project
    client.force_login(f.beneficiary_user(project))
    url = f"/api/v1/finance/claims/{draft.pk}/einvoices"
    form = {
        "partner_id": f.lead(project).pk,
        "category_id": f.category(project, "personale").pk,
        "payment_date": (f.today() - timedelta(days=2)).isoformat(),
        "payment_method": "bank_transfer",
    }
    refused = client.post(url, {**form, "file": upload(b"not xml at all")})
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "file"
    created = client.post(url, {**form, "file": upload(invoice_xml(cup=project.cup))})
    assert created.status_code == 201, created.content
    assert created.json()["document_number"] == "FT-2026/15"
    invoice = EInvoice.objects.get()
    read = client.get(f"/api/v1/finance/einvoices/{invoice.pk}")
    assert read.status_code == 200
    assert read.json()["lines"][0]["description"].startswith("Corso di formazione")
    client.force_login(f.beneficiary_user(f.ProjectFactory()))
    assert client.get(f"/api/v1/finance/einvoices/{invoice.pk}").status_code == 404

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
    assert "Tipo di documento: Fattura (TD01)" in page.content.decode()  # in words, not the bare code
    document_url = reverse("finance:einvoice_document", args=[invoice.pk])
    assert 'sandbox="" referrerpolicy="no-referrer" loading="lazy"' in page.content.decode()
    assert f'src="{document_url}"' in page.content.decode()
    document = client.get(document_url)
    assert document.status_code == 200
    assert "Formazione Subalpina Srl" in document.content.decode()
    policy = document["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    assert document["X-Frame-Options"] == "SAMEORIGIN"


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


def _schema_invalid_invoice(project) -> bytes:
    """A FatturaPA that the platform could read but the SdI would discard: an unknown document type."""
    return invoice_xml(cup=project.cup).replace(b"<TipoDocumento>TD01<", b"<TipoDocumento>TD99<")


def test_the_sample_invoice_validates_against_the_official_schema():
    from lxml import etree

    document = etree.fromstring(invoice_xml(cup="J11B21000000001"))
    assert einvoice.schema().validate(document), einvoice.schema().error_log
    assert einvoice.SCHEMA_PATH.name == "Schema_del_file_xml_FatturaPA_v1.2.3.xsd"


def test_an_invoice_that_fails_the_official_schema_is_refused_naming_line_and_element(draft):
    with pytest.raises(FinanceError) as refusal:
        import_into(draft, _schema_invalid_invoice(draft.project))
    error = refusal.value
    assert (error.code, error.errors[0]["field"]) == ("schema_invalid", "file")
    assert "non rispetta lo schema ufficiale FatturaPA" in error.message
    assert "riga 29" in error.message and "«TipoDocumento»" in error.message
    assert not ExpenseItem.objects.exists()
    assert not EInvoice.objects.exists()


def test_a_missing_required_element_is_refused_too():
    content = invoice_xml(cup="J11B21000000001").replace(b"<Divisa>EUR</Divisa>", b"")
    with pytest.raises(einvoice.InvoiceError) as refusal:
        einvoice.read_invoice(content)
    assert refusal.value.code == "schema_invalid"
    assert "«Data»" in refusal.value.message  # Divisa was expected where Data stands


def test_the_official_stylesheet_renders_supplier_number_and_lines():
    from grants.finance import einvoice_html

    page = einvoice_html.render(invoice_xml(cup="J11B21000000001", number="FT-2026/77"))
    for text in (
        "Formazione Subalpina Srl",
        "FT-2026/77",
        "Corso di formazione educatori di comunita",
        "Materiale didattico",
        "1000.00",
    ):
        assert text in page
    assert "<script" not in page.lower()


def test_the_rendered_invoice_keeps_nothing_active():
    from grants.finance import einvoice_html

    crafted = (
        "<html><head><script>alert(1)</script><meta http-equiv='refresh' content='0;url=https://x'>"
        "<link rel='stylesheet' href='https://x/s.css'><base href='https://x/'></head>"
        "<body onload='alert(2)'><a href='javascript:alert(3)'>a</a><img src='x' onerror='alert(4)'>"
        "<iframe src='https://x'></iframe><form action='https://x'><input></form><p>testo</p></body></html>"
    )
    page = einvoice_html._clean(crafted).lower()
    for active in (
        "<script",
        "alert(",
        "refresh",
        "<link",
        "<base",
        "onload",
        "onerror",
        "javascript:",
        "<iframe",
        "<form",
    ):
        assert active not in page
    assert "<p>testo</p>" in page


def test_the_invoice_text_is_escaped_by_the_stylesheet():
    from grants.finance import einvoice_html

    page = einvoice_html.render(invoice_xml(causale="&lt;script&gt;alert(1)&lt;/script&gt;"))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page


def test_a_file_the_stylesheet_cannot_read_is_refused_cleanly():
    from grants.finance import einvoice_html

    with pytest.raises(einvoice_html.RenderError):
        einvoice_html.render("<FatturaElettronica><unclosed>")

"""FatturaPA import into a draft expense claim: the file (XML or signed .p7m) read by the SdI adapter
(``grants.finance.einvoice``), the project's CUP required in the invoice, the duplicate rule (supplier P.IVA +
number + date, across every project) of ``add_item``, then one expense item with the invoice beside it and the
file attached. Nothing is stored when any check refuses (not even the duplicate attempt a typed duplicate
leaves: the import is one transaction)."""

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.uploads import safe_filename
from grants.programme.models import CostCategory
from grants.projects.models import ProjectPartner

from .. import einvoice
from ..models import EInvoice, ExpenseAttachment, ExpenseClaim, ExpenseItem
from .claims import ItemInput, _require_draft, _require_member, add_item
from .common import FinanceError, _save

CREDIT_NOTES = frozenset({"TD04", "TD05"})


def _refusal(error: einvoice.InvoiceError) -> FinanceError:
    return FinanceError(error.message, field="file", code=error.code)


def import_einvoice(
    *,
    actor,
    claim: ExpenseClaim,
    uploaded_file,
    partner: ProjectPartner,
    category: CostCategory,
    payment_date: date | None,
    payment_method: str,
    vat_eligible: bool = False,
    amount_claimed=None,
) -> ExpenseItem:
    """One FatturaPA file becomes one expense item of the claim: supplier, number, date, taxable amount and
    VAT read from the file; the amount claimed is the taxable amount (plus VAT when eligible) unless given."""
    _require_member(actor, claim.project)
    _require_draft(claim)
    data = uploaded_file.read()
    try:
        invoice = einvoice.read_invoice(data)
    except einvoice.InvoiceError as error:
        raise _refusal(error) from error
    if invoice.document_type in CREDIT_NOTES:
        raise FinanceError(
            _("Il documento è una nota di credito/debito (%(type)s): si rendicontano le fatture.")
            % {"type": invoice.document_type},
            field="file",
            code="not_an_invoice",
        )
    if invoice.currency != "EUR":
        raise FinanceError(_("La fattura non è in euro."), field="file", code="currency")
    cup = claim.project.cup
    if not invoice.cites(cup):
        raise FinanceError(
            _(
                "La fattura n. %(number)s non riporta il CUP del progetto (%(cup)s): deve comparire in "
                "DatiOrdineAcquisto, DatiContratto o DatiConvenzione (CodiceCUP) o nella causale."
            )
            % {"number": invoice.number, "cup": cup or "–"},
            field="file",
            code="cup_missing",
        )
    if invoice.supplier_country != "IT":
        raise FinanceError(
            _("Il fornitore non ha una partita IVA italiana: rendicontare la spesa a mano."),
            field="file",
            code="foreign_supplier",
        )
    first = invoice.lines[0].description if invoice.lines else ""
    description = (_("Fattura n. %(number)s") % {"number": invoice.number}) + (f" – {first}" if first else "")
    claimed = amount_claimed
    if claimed in (None, ""):
        claimed = invoice.taxable + (invoice.vat if vat_eligible else 0)
    item_input = ItemInput(
        partner=partner,
        category=category,
        description=description[:255],
        document_type="invoice",
        document_number=invoice.number,
        document_date=invoice.date,
        supplier_name=invoice.supplier_name[:255],
        supplier_tax_id=invoice.supplier_vat,
        taxable_amount=invoice.taxable,
        vat_amount=invoice.vat,
        vat_eligible=vat_eligible,
        amount_claimed=claimed,
        payment_date=payment_date,
        payment_method=payment_method,
    )
    with transaction.atomic():
        item = add_item(actor=actor, claim=claim, data=item_input)
        _save(
            EInvoice(
                item=item,
                supplier_country=invoice.supplier_country,
                supplier_vat=invoice.supplier_vat,
                supplier_name=invoice.supplier_name[:255],
                customer_name=invoice.customer_name[:255],
                customer_tax_id=invoice.customer_tax_id[:28],
                document_type=invoice.document_type,
                number=invoice.number,
                date=invoice.date,
                currency=invoice.currency,
                total=invoice.total,
                taxable_amount=invoice.taxable,
                vat_amount=invoice.vat,
                causale="\n".join(invoice.causale),
                cup_codes=list(invoice.cup_codes),
                lines=[
                    {
                        "number": line.number,
                        "description": line.description,
                        "quantity": str(line.quantity) if line.quantity is not None else "",
                        "unit_price": str(line.unit_price),
                        "total": str(line.total),
                        "vat_rate": str(line.vat_rate),
                    }
                    for line in invoice.lines
                ],
                signed=invoice.signed,
                xml=invoice.xml.decode("utf-8", errors="replace"),
            ),
            actor=actor,
            reason="Fattura elettronica importata",
            action="einvoice.imported",
        )
        _attach_file(actor, item, uploaded_file, data, signed=invoice.signed)
    return item


def _attach_file(actor, item: ExpenseItem, uploaded_file, data: bytes, *, signed: bool) -> None:
    attachment = ExpenseAttachment(
        item=item,
        original_name=safe_filename(uploaded_file.name or "fattura.xml"),
        content_type="application/pkcs7-mime" if signed else "application/xml",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save(attachment.original_name, ContentFile(data), save=False)
    _save(attachment, actor=actor, reason="Fattura elettronica allegata", action="expense_attachment.added")

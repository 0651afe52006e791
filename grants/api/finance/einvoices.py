"""Electronic invoices (FatturaPA, .xml or signed .xml.p7m) imported into a draft expense claim, and read back
as data by whoever reads the claim."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from grants.finance import permissions, services
from grants.finance.models import EInvoice

from ..problems import problem_response
from . import router
from .claims import _item_out
from .common import claim_for
from .schemas import ItemOut


class EInvoiceImportIn(Schema):
    partner_id: int
    category_id: int
    payment_date: date | None = None
    payment_method: str = ""
    vat_eligible: bool = False
    amount_claimed: Decimal | None = None


class EInvoiceLineOut(Schema):
    number: int
    description: str
    quantity: str
    unit_price: str
    total: str
    vat_rate: str


class EInvoiceOut(Schema):
    id: int
    item_id: int
    claim_id: int
    supplier_vat: str
    supplier_name: str
    document_type: str
    number: str
    date: date
    taxable_amount: Decimal
    vat_amount: Decimal
    total: Decimal | None
    causale: str
    cup_codes: list[str]
    signed: bool
    lines: list[EInvoiceLineOut]


def _problem(field: str, message: str):
    return problem_response(
        422, detail=message, errors=[{"field": field, "message": message, "code": "invalid"}]
    )


@router.post("/finance/claims/{claim_id}/einvoices", response={201: ItemOut})
def import_einvoice(request, claim_id: int, file: File[UploadedFile], payload: Form[EInvoiceImportIn]):
    """One FatturaPA file becomes one expense item (supplier, number, date, amounts from the file). No CUP,
    a file already claimed in any project, malformed XML or another file type: 422 (409 for the duplicate)
    with ``errors[].field = "file"``; nothing is stored."""
    claim = claim_for(request, claim_id)
    partner = claim.project.partners.filter(pk=payload.partner_id).first()
    if partner is None:
        return _problem("partner_id", "Il soggetto non fa parte del progetto.")
    category = claim.project.call.cost_categories.filter(pk=payload.category_id).first()
    if category is None:
        return _problem("category_id", "La voce di spesa non è del bando del progetto.")
    item = services.import_einvoice(
        actor=request.auth,
        claim=claim,
        uploaded_file=file,
        partner=partner,
        category=category,
        payment_date=payload.payment_date,
        payment_method=payload.payment_method,
        vat_eligible=payload.vat_eligible,
        amount_claimed=payload.amount_claimed,
    )
    return Status(201, _item_out(item))


@router.get("/finance/einvoices/{einvoice_id}", response=EInvoiceOut)
def get_einvoice(request, einvoice_id: int):
    invoice = EInvoice.objects.select_related("item__claim__project").filter(pk=einvoice_id).first()
    if invoice is None or not permissions.can_read_claim(request.auth, invoice.item.claim):
        raise Http404
    return {
        **{
            name: getattr(invoice, name)
            for name in (
                "supplier_vat",
                "supplier_name",
                "document_type",
                "number",
                "date",
                "taxable_amount",
                "vat_amount",
                "total",
                "causale",
                "cup_codes",
                "signed",
                "lines",
            )
        },
        "id": invoice.pk,
        "item_id": invoice.item_id,
        "claim_id": invoice.item.claim_id,
    }

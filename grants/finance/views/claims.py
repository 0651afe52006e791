"""An expense claim: its page (items, attachments, totals, checklist), one view per action on it (items,
attachments, submission, counter-arguments, assignment, first-level control), the controllers' list and the
download of an attachment.

Thin: each action binds its form (``grants/finance/forms.py``), ``services`` decide (their Italian messages
are shown next to the fields), ``selectors`` read. An object the user may not read does not exist (404).
"""

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from grants.core.audit import record_event
from grants.core.forms import action_view, first_errors

from .. import einvoice_html, forms, permissions, selectors, services
from ..models import DocumentType, EInvoice, ExpenseAttachment, ExpenseClaim, PaymentMethod
from ..services import ItemInput
from ..states import CONTROLLER_EDITABLE_STATUSES, ClaimStatus, ItemOutcome
from .common import claim_or_404


@login_required
def controller_claims(request):
    if not permissions.can_be_controller(request.user):
        return render(request, "finance/forbidden.html", status=403)
    return render(
        request, "finance/controller_claims.html", {"claims": selectors.assigned_claims(request.user)}
    )


def _claim_context(request, claim: ExpenseClaim, form=None) -> dict:
    user = request.user
    project = claim.project
    is_controller = permissions.is_assigned_controller(user, claim)
    staff_view = (
        permissions.can_view_all_finance(user, project.call_id)
        or is_controller
        or permissions.is_project_controller(user, project)
    )
    totals = selectors.claim_totals(claim)
    partners = {p.pk: p.name for p in project.partners.all()}
    categories = {c.code: c for c in project.call.cost_categories.all()}
    return {
        "claim": claim,
        "project": project,
        "items": claim.items.select_related("partner", "category").prefetch_related("attachments"),
        "totals": [
            {"partner": partners.get(partner, ""), "category": categories.get(code), "totals": t}
            for (partner, code), t in totals.items()
        ],
        "checklist": claim.checklist.all(),
        "duplicates": claim.duplicate_attempts.all() if staff_view else [],
        "is_member": permissions.is_beneficiary_member(user, project),
        "editable": claim.status == ClaimStatus.DRAFT and permissions.can_write_claim(user, claim),
        "can_answer": claim.status == ClaimStatus.CHECKED and permissions.can_write_claim(user, claim),
        "can_assign": permissions.can_assign_claims(user)
        and claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.UNDER_CHECK),
        "controllers": get_user_model().objects.filter(is_active=True, is_staff=True).order_by("email")
        if permissions.can_assign_claims(user)
        else [],
        "is_controller": is_controller and claim.status in CONTROLLER_EDITABLE_STATUSES,
        "partners": project.partners.filter(withdrawn_on__isnull=True),
        "categories": [c for c in project.call.cost_categories.all() if c.cost_option != "flat_rate"],
        "document_types": DocumentType.choices,
        "payment_methods": [c for c in PaymentMethod.choices if c[0]],
        "outcomes": [c for c in ItemOutcome.choices if c[0]],
        # The refused form's inputs and errors, by input name (one page, several forms).
        "errors": first_errors(form) if form is not None else {},
        "form": form.data if form is not None else {},
        "submit_errors": form.non_field_errors() if isinstance(form, forms.SubmitClaimForm) else [],
        "ClaimStatus": ClaimStatus,
    }


def _claim_page(request, claim: ExpenseClaim, form, _status: int = 422):
    claim.refresh_from_db()
    return render(request, "finance/claim_detail.html", _claim_context(request, claim, form), status=422)


def _back(claim: ExpenseClaim):
    return redirect("finance:claim_detail", pk=claim.pk)


@login_required
@require_GET
def claim_detail(request, pk: int):
    claim = claim_or_404(request, pk)
    return render(request, "finance/claim_detail.html", _claim_context(request, claim))


def _claim_action(form_class, perform):
    return action_view(
        find=claim_or_404, form_class=form_class, owner="claim", perform=perform, page=_claim_page
    )


def add_item(request, claim, data):
    item = services.add_item(
        actor=request.user,
        claim=claim,
        data=ItemInput(
            partner=data["partner_id"],
            category=data["category_id"],
            description=data["description"],
            document_type=data["document_type"],
            document_number=data["document_number"],
            document_date=data["document_date"],
            supplier_name=data["supplier_name"],
            supplier_tax_id=data["supplier_tax_id"],
            taxable_amount=data["taxable_amount"],
            vat_amount=data["vat_amount"],
            vat_eligible=data["vat_eligible"],
            amount_claimed=data["amount_claimed"],
            quantity=data["quantity"],
            quantity_evidence=data["quantity_evidence"],
            payment_date=data["payment_date"],
            payment_method=data["payment_method"],
        ),
    )
    if data["file"] is not None:
        services.attach_to_item(actor=request.user, item=item, uploaded_file=data["file"])
    messages.success(request, _("Spesa aggiunta: %(amount)s €.") % {"amount": item.amount_claimed})
    return _back(claim)


def remove_item(request, claim, data):
    services.remove_item(actor=request.user, item=data["item_id"])
    messages.success(request, _("Spesa eliminata."))
    return _back(claim)


def attach(request, claim, data):
    services.attach_to_item(actor=request.user, item=data["item_id"], uploaded_file=data["file"])
    messages.success(request, _("Giustificativo allegato."))
    return _back(claim)


def import_einvoice(request, claim, data):
    item = services.import_einvoice(
        actor=request.user,
        claim=claim,
        uploaded_file=data["einvoice_file"],
        partner=data["einvoice_partner_id"],
        category=data["einvoice_category_id"],
        payment_date=data["einvoice_payment_date"],
        payment_method=data["einvoice_payment_method"],
        vat_eligible=data["einvoice_vat_eligible"],
    )
    messages.success(
        request,
        _("Fattura elettronica importata: %(description)s, %(amount)s €.")
        % {"description": item.description, "amount": item.amount_claimed},
    )
    return _back(claim)


# The official stylesheet's page: its own inline style, nothing else. No script, no plug-in, no form, no link
# out of the frame; shown only framed by our own pages, sandboxed (a unique origin: no cookie, no DOM access).
EINVOICE_DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'self'; sandbox"
)


def _readable_invoice(request, pk: int) -> EInvoice:
    invoice = EInvoice.objects.select_related("item__claim__project", "item__category").filter(pk=pk).first()
    if invoice is None or not permissions.can_read_claim(request.user, invoice.item.claim):
        raise Http404(_("Fattura non trovata."))
    return invoice


@require_GET
@login_required
@xframe_options_sameorigin
@csp_exempt()
def einvoice_document(request, pk: int):
    """The invoice laid out by the Agenzia delle Entrate's stylesheet, for the iframe of ``einvoice_detail``
    (cleaned of anything active by ``einvoice_html``, and served under its own sandboxing policy)."""
    invoice = _readable_invoice(request, pk)
    try:
        page = einvoice_html.render(invoice.xml)
    except einvoice_html.RenderError:
        message = _("Il foglio di stile non può impaginare questo file: leggere i dati sopra.")
        page = f"<p>{escape(message)}</p>"
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = EINVOICE_DOCUMENT_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def einvoice_detail(request, pk: int):
    """The invoice as a readable document, for the beneficiary, finance staff and the controllers."""
    invoice = _readable_invoice(request, pk)
    return render(
        request,
        "finance/einvoice_detail.html",
        {"invoice": invoice, "claim": invoice.item.claim, "project": invoice.item.claim.project},
    )


def submit(request, claim, data):
    claim = services.submit_claim(actor=request.user, claim=claim)
    messages.success(
        request, _("Domanda di rimborso inviata: %(amount)s €.") % {"amount": claim.claimed_total}
    )
    return _back(claim)


def counter(request, claim, data):
    services.submit_counter_arguments(
        actor=request.user, claim=claim, text=data["counter_text"], per_item=data["per_item"]
    )
    messages.success(request, _("Controdeduzioni inviate al controllore."))
    return _back(claim)


def assign(request, claim, data):
    services.assign_controller(actor=request.user, claim=claim, controller=data["controller_id"])
    messages.success(request, _("Domanda assegnata al controllore."))
    return _back(claim)


def check_item(request, claim, data):
    item = data["item_id"]
    services.check_item(
        actor=request.user,
        item=item,
        outcome=data["outcome"],
        admitted_amount=data["admitted_amount"],
        admitted_quantity=data["admitted_quantity"],
        reason=data["reason"],
    )
    messages.success(request, _("Esito registrato per «%(item)s».") % {"item": item.description})
    return _back(claim)


def checklist(request, claim, data):
    services.save_checklist(
        actor=request.user, claim=claim, answers=data["answers"], sample_note=data["sample_note"]
    )
    messages.success(request, _("Checklist salvata."))
    return _back(claim)


def close(request, claim, data):
    claim = services.close_check(actor=request.user, claim=claim, outcome_note=data["outcome_note"])
    messages.success(
        request, _("Controllo concluso: ammessi %(amount)s €.") % {"amount": claim.admitted_total}
    )
    return _back(claim)


def finalise(request, claim, data):
    services.finalise_claim(actor=request.user, claim=claim, final_note=data["final_note"])
    messages.success(request, _("Esito definitivo registrato."))
    return _back(claim)


item_add = _claim_action(forms.AddItemForm, add_item)
item_remove = _claim_action(forms.ItemForm, remove_item)
item_attach = _claim_action(forms.AttachForm, attach)
einvoice_import = _claim_action(forms.EInvoiceForm, import_einvoice)
item_check = _claim_action(forms.CheckItemForm, check_item)
claim_submit = _claim_action(forms.SubmitClaimForm, submit)
claim_counter = _claim_action(forms.CounterArgumentsForm, counter)
claim_assign = _claim_action(forms.AssignForm, assign)
claim_checklist = _claim_action(forms.ChecklistForm, checklist)
claim_close = _claim_action(forms.CloseCheckForm, close)
claim_finalise = _claim_action(forms.FinaliseForm, finalise)


@login_required
def attachment_download(request, pk: int):
    attachment = ExpenseAttachment.objects.select_related("item__claim__project").filter(pk=pk).first()
    if attachment is None or not permissions.can_read_claim(request.user, attachment.item.claim):
        raise Http404(_("Documento non trovato."))
    record_event(actor=request.user, action="expense_attachment.downloaded", obj=attachment)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )

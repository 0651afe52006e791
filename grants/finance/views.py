"""Pages of the finance context: a project's money (payments, guarantees, loan, recoveries, report) and its
expense claims (items, attachments, submission, first-level control, counter-arguments).

Thin: the POST data is read here, ``services`` decide (their Italian messages are shown next to the form),
``selectors`` read. An object the user may not read does not exist (404).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.projects.models import Project

from . import permissions, report, selectors, services
from .models import (
    DocumentType,
    ExpenseAttachment,
    ExpenseClaim,
    Loan,
    PaymentMethod,
    Recovery,
    plan_for,
)
from .services import FinanceError, ItemInput
from .states import CONTROLLER_EDITABLE_STATUSES, ClaimStatus, ItemOutcome, PaymentStatus


def _refused(request, exc) -> dict:
    """Show a refusal; return {field: message} so the form can show it next to the field."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("Operazione non consentita."))
        return {}
    messages.error(request, exc.message)
    return {error["field"]: error["message"] for error in exc.errors if error.get("field")}


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _decimal(value: str):
    """The typed amount as a Decimal (Italian comma accepted); the raw text when it is not a number, so
    the service names the field."""
    text = (value or "").strip()
    if "," in text:  # 1.234,56 (Italian) → 1234.56
        text = text.replace(".", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _project_or_404(request, pk: int) -> Project:
    project = Project.objects.select_related("call", "beneficiary").filter(pk=pk).first()
    if project is None or not permissions.can_read_project_finance(request.user, project):
        raise Http404(_("Progetto non trovato."))
    return project


def _claim_or_404(request, pk: int) -> ExpenseClaim:
    claim = (
        ExpenseClaim.objects.select_related("project", "project__call", "controller").filter(pk=pk).first()
    )
    if claim is None or not permissions.can_read_claim(request.user, claim):
        raise Http404(_("Domanda di rimborso non trovata."))
    return claim


# --- lists --------------------------------------------------------------------------------------------------
@login_required
def project_list(request):
    projects = selectors.finance_projects(request.user)
    rows = [{"project": p, "paid": selectors.paid_total(p)} for p in projects]
    return render(request, "finance/project_list.html", {"rows": rows})


@login_required
def controller_claims(request):
    if not permissions.can_be_controller(request.user):
        return render(request, "finance/forbidden.html", status=403)
    return render(
        request, "finance/controller_claims.html", {"claims": selectors.assigned_claims(request.user)}
    )


# --- a project's money --------------------------------------------------------------------------------------
def _project_context(request, project: Project, errors: dict | None = None) -> dict:
    loan = Loan.objects.filter(project=project).first()
    arrears = set(selectors.instalments_in_arrears(loan).values_list("pk", flat=True)) if loan else set()
    user = request.user
    return {
        "project": project,
        "money": selectors.project_money(project),
        "paid": selectors.paid_total(project),
        "blocker": selectors.payment_blocker(project),
        "payable": selectors.payable_now(project),
        "plan": plan_for(project.call),
        "payments": project.payments.select_related("guarantee").order_by("created_at"),
        "guarantees": project.guarantees.all(),
        "recoveries": project.recoveries.all(),
        "loan": loan,
        "instalments": loan.instalments.all() if loan else [],
        "arrears": arrears,
        "claims": project.expense_claims.all(),
        "today": selectors.today(),
        "is_member": permissions.is_beneficiary_member(user, project),
        "can_propose": permissions.can_propose_payment(user),
        "can_approve": permissions.can_approve_payment(user),
        "can_guarantee": permissions.can_manage_guarantees(user),
        "can_loan": permissions.can_manage_loans(user),
        "can_recover": permissions.can_manage_recoveries(user),
        "errors": errors or {},
        "form": request.POST if request.method == "POST" else {},
        "PaymentStatus": PaymentStatus,
    }


@login_required
def project_finance(request, pk: int):
    project = _project_or_404(request, pk)
    if request.method != "POST":
        return render(request, "finance/project_finance.html", _project_context(request, project))
    action = request.POST.get("action", "")
    handlers = {
        "propose": _propose,
        "decide": _decide_payment,
        "guarantee": _add_guarantee,
        "loan": _record_loan,
        "repay": _repay,
        "recover": _recover,
        "claim": _new_claim,
    }
    handler = handlers.get(action)
    if handler is None:
        messages.error(request, _("Operazione sconosciuta."))
        return redirect("finance:project_finance", pk=project.pk)
    try:
        target = handler(request, project)
    except (FinanceError, PermissionDenied) as exc:
        errors = _refused(request, exc)
        return render(
            request, "finance/project_finance.html", _project_context(request, project, errors), status=422
        )
    return target or redirect("finance:project_finance", pk=project.pk)


def _propose(request, project):
    guarantee = None
    guarantee_id = request.POST.get("guarantee_id")
    if guarantee_id:
        guarantee = project.guarantees.filter(pk=guarantee_id).first()
    payment = services.propose_payment(
        actor=request.user,
        project=project,
        kind=request.POST.get("kind", ""),
        amount=_decimal(request.POST.get("amount", "")),
        guarantee=guarantee,
        note=request.POST.get("note", ""),
    )
    messages.success(
        request,
        _("Pagamento proposto: %(amount)s €, in attesa di approvazione.") % {"amount": payment.amount},
    )


def _decide_payment(request, project):
    payment = project.payments.filter(pk=request.POST.get("payment_id") or 0).first()
    if payment is None:
        raise FinanceError(_("Pagamento non trovato."), field="payment_id")
    decision = request.POST.get("decision")
    if decision == "approve":
        services.approve_payment(actor=request.user, payment=payment)
        messages.success(request, _("Pagamento approvato."))
    elif decision == "reject":
        services.reject_payment(actor=request.user, payment=payment, reason=request.POST.get("reason", ""))
        messages.success(request, _("Proposta di pagamento respinta."))
    elif decision == "paid":
        services.mark_paid(
            actor=request.user,
            payment=payment,
            paid_on=_date(request.POST.get("paid_on", "")) or selectors.today(),
            reference=request.POST.get("reference", ""),
        )
        messages.success(request, _("Pagamento registrato come erogato."))
    else:
        raise FinanceError(_("Decisione non valida."), field="decision")


def _required_date(request, name: str, label: str) -> date:
    value = _date(request.POST.get(name, ""))
    if value is None:
        raise FinanceError(
            _("Indicare %(label)s (gg/mm/aaaa).") % {"label": label}, field=name, code="required"
        )
    return value


def _add_guarantee(request, project):
    services.record_guarantee(
        actor=request.user,
        project=project,
        issuer=request.POST.get("issuer", ""),
        number=request.POST.get("number", ""),
        amount=_decimal(request.POST.get("guarantee_amount", "")),
        issued_on=_required_date(request, "issued_on", _("la data di emissione")),
        expires_on=_required_date(request, "expires_on", _("la scadenza")),
    )
    messages.success(request, _("Fideiussione registrata."))


def _int(request, name: str, default: int = 0) -> int:
    try:
        return int(request.POST.get(name, default))
    except (TypeError, ValueError):
        raise FinanceError(_("Indicare un numero intero."), field=name) from None


def _record_loan(request, project):
    services.record_loan(
        actor=request.user,
        project=project,
        principal=_decimal(request.POST.get("principal", "")),
        annual_rate_percent=_decimal(request.POST.get("annual_rate_percent", "")) or Decimal(0),
        term_months=_int(request, "term_months"),
        pre_amortisation_months=_int(request, "pre_amortisation_months"),
        frequency_months=_int(request, "frequency_months", 6),
        first_due_date=_required_date(request, "first_due_date", _("la scadenza della prima rata")),
    )
    messages.success(request, _("Finanziamento registrato: piano di ammortamento generato."))


def _repay(request, project):
    loan = Loan.objects.filter(project=project).first()
    if loan is None:
        raise FinanceError(_("Il progetto non ha un finanziamento."), field="repayment_amount")
    services.record_repayment(
        actor=request.user,
        loan=loan,
        paid_on=_required_date(request, "repaid_on", _("la data del rimborso")),
        amount=_decimal(request.POST.get("repayment_amount", "")),
        reference=request.POST.get("repayment_reference", ""),
    )
    messages.success(request, _("Rimborso registrato."))


def _recover(request, project):
    recovery = Recovery.objects.filter(project=project, pk=request.POST.get("recovery_id") or 0).first()
    if recovery is None:
        raise FinanceError(_("Recupero non trovato."), field="recovered_amount")
    services.record_recovered(
        actor=request.user, recovery=recovery, amount=_decimal(request.POST.get("recovered_amount", ""))
    )
    messages.success(request, _("Somma recuperata registrata."))


def _new_claim(request, project):
    claim = services.create_claim(
        actor=request.user,
        project=project,
        is_final=request.POST.get("is_final") == "on",
        period_end=_date(request.POST.get("period_end", "")),
    )
    messages.success(request, _("Domanda di rimborso creata: aggiungi le spese e i giustificativi."))
    return redirect("finance:claim_detail", pk=claim.pk)


@login_required
def project_report(request, pk: int, fmt: str):
    project = _project_or_404(request, pk)
    if fmt not in ("xlsx", "pdf"):
        raise Http404(_("Formato non disponibile."))
    data = selectors.project_report(project)
    record_event(actor=request.user, action=f"finance.report_{fmt}", obj=project)
    if fmt == "xlsx":
        content = report.report_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = report.report_pdf(data)
        content_type = "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="prospetto-progetto-{project.pk}.{fmt}"'
    return response


# --- an expense claim ---------------------------------------------------------------------------------------
def _claim_context(request, claim: ExpenseClaim, errors: dict | None = None) -> dict:
    user = request.user
    project = claim.project
    is_controller = permissions.is_assigned_controller(user, claim)
    staff_view = permissions.can_view_all_finance(user) or is_controller
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
        "errors": errors or {},
        "form": request.POST if request.method == "POST" else {},
        "ClaimStatus": ClaimStatus,
    }


@login_required
def claim_detail(request, pk: int):
    claim = _claim_or_404(request, pk)
    if request.method != "POST":
        return render(request, "finance/claim_detail.html", _claim_context(request, claim))
    handlers = {
        "add_item": _add_item,
        "remove_item": _remove_item,
        "attach": _attach,
        "submit": _submit,
        "counter": _counter,
        "assign": _assign,
        "check_item": _check_item,
        "checklist": _checklist,
        "close": _close,
        "finalise": _finalise,
    }
    handler = handlers.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, _("Operazione sconosciuta."))
        return redirect("finance:claim_detail", pk=claim.pk)
    try:
        handler(request, claim)
    except (FinanceError, PermissionDenied) as exc:
        errors = _refused(request, exc)
        claim.refresh_from_db()
        return render(
            request, "finance/claim_detail.html", _claim_context(request, claim, errors), status=422
        )
    return redirect("finance:claim_detail", pk=claim.pk)


def _item_of(request, claim):
    item = claim.items.select_related("category").filter(pk=request.POST.get("item_id") or 0).first()
    if item is None:
        raise FinanceError(_("Voce di spesa non trovata."), field="item_id")
    return item


def _add_item(request, claim):
    post = request.POST
    project = claim.project
    partner = project.partners.filter(pk=post.get("partner_id") or 0).first()
    category = project.call.cost_categories.filter(pk=post.get("category_id") or 0).first()
    if partner is None:
        raise FinanceError(_("Scegliere il soggetto che ha sostenuto la spesa."), field="partner_id")
    if category is None:
        raise FinanceError(_("Scegliere la voce di spesa."), field="category_id")
    item = services.add_item(
        actor=request.user,
        claim=claim,
        data=ItemInput(
            partner=partner,
            category=category,
            description=post.get("description", ""),
            document_type=post.get("document_type", ""),
            document_number=post.get("document_number", ""),
            document_date=_date(post.get("document_date", "")),
            supplier_name=post.get("supplier_name", ""),
            supplier_tax_id=post.get("supplier_tax_id", ""),
            taxable_amount=_decimal(post.get("taxable_amount", "")) or Decimal(0),
            vat_amount=_decimal(post.get("vat_amount", "")) or Decimal(0),
            vat_eligible=post.get("vat_eligible") == "on",
            amount_claimed=_decimal(post.get("amount_claimed", "")),
            quantity=_decimal(post.get("quantity", "")),
            quantity_evidence=post.get("quantity_evidence", ""),
            payment_date=_date(post.get("payment_date", "")),
            payment_method=post.get("payment_method", ""),
        ),
    )
    upload = request.FILES.get("file")
    if upload is not None:
        services.attach_to_item(actor=request.user, item=item, uploaded_file=upload)
    messages.success(request, _("Spesa aggiunta: %(amount)s €.") % {"amount": item.amount_claimed})


def _remove_item(request, claim):
    services.remove_item(actor=request.user, item=_item_of(request, claim))
    messages.success(request, _("Spesa eliminata."))


def _attach(request, claim):
    upload = request.FILES.get("file")
    if upload is None:
        raise FinanceError(_("Scegliere il file da allegare."), field="file", code="required")
    services.attach_to_item(actor=request.user, item=_item_of(request, claim), uploaded_file=upload)
    messages.success(request, _("Giustificativo allegato."))


def _submit(request, claim):
    claim = services.submit_claim(actor=request.user, claim=claim)
    messages.success(
        request, _("Domanda di rimborso inviata: %(amount)s €.") % {"amount": claim.claimed_total}
    )


def _counter(request, claim):
    per_item = {
        key.removeprefix("counter-"): value
        for key, value in request.POST.items()
        if key.startswith("counter-")
    }
    services.submit_counter_arguments(
        actor=request.user, claim=claim, text=request.POST.get("counter_text", ""), per_item=per_item
    )
    messages.success(request, _("Controdeduzioni inviate al controllore."))


def _assign(request, claim):
    controller = (
        get_user_model().objects.filter(pk=request.POST.get("controller_id") or 0, is_active=True).first()
    )
    services.assign_controller(actor=request.user, claim=claim, controller=controller)
    messages.success(request, _("Domanda assegnata al controllore."))


def _check_item(request, claim):
    item = _item_of(request, claim)
    services.check_item(
        actor=request.user,
        item=item,
        outcome=request.POST.get("outcome", ""),
        admitted_amount=_decimal(request.POST.get("admitted_amount", "")),
        admitted_quantity=_decimal(request.POST.get("admitted_quantity", "")),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Esito registrato per «%(item)s».") % {"item": item.description})


def _checklist(request, claim):
    answers = {}
    for row in claim.checklist.all():
        value = request.POST.get(f"check-{row.code}", "")
        answers[row.code] = ({"yes": True, "no": False}.get(value), request.POST.get(f"note-{row.code}", ""))
    services.save_checklist(
        actor=request.user, claim=claim, answers=answers, sample_note=request.POST.get("sample_note", "")
    )
    messages.success(request, _("Checklist salvata."))


def _close(request, claim):
    claim = services.close_check(
        actor=request.user, claim=claim, outcome_note=request.POST.get("outcome_note", "")
    )
    messages.success(
        request, _("Controllo concluso: ammessi %(amount)s €.") % {"amount": claim.admitted_total}
    )


def _finalise(request, claim):
    services.finalise_claim(actor=request.user, claim=claim, final_note=request.POST.get("final_note", ""))
    messages.success(request, _("Esito definitivo registrato."))


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

"""A project's money: the list of projects, the project's page (payments, guarantees, loan, recoveries,
claims), its report, and one view per action on it.

Thin: each action binds its form (``grants/finance/forms.py``), ``services`` decide (their Italian messages
are shown next to the fields), ``selectors`` read. An object the user may not read does not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants.core.audit import record_event
from grants.core.errors import DomainError
from grants.core.forms import action_view, error_messages, first_errors, refusal_message
from grants.finance.gge import Collateral, RatingCategory
from grants.projects.models import Project

from .. import forms, permissions, report, selectors, services
from ..models import DedicatedAccount, Loan, plan_for
from ..states import PaymentStatus
from .common import project_or_404


def _list_context(request) -> dict:
    projects = selectors.finance_projects(request.user)
    rows = [{"project": p, "paid": selectors.paid_total(p)} for p in projects]
    user = request.user
    context = {
        "rows": rows,
        "can_export": permissions.can_propose_payment(user) or permissions.can_approve_payment(user),
    }
    if context["can_export"]:
        call_id = request.GET.get("bando") or request.POST.get("bando") or ""
        call_id = int(call_id) if str(call_id).isdigit() else None
        exportable = selectors.exportable_payments(user)
        context.update(
            export_calls=sorted(
                {(p.project.call_id, p.project.call.title) for p in exportable}, key=lambda c: c[1]
            ),
            export_call_id=call_id,
            exportable=exportable.filter(project__call_id=call_id) if call_id else exportable,
        )
    return context


@login_required
def project_list(request):
    return render(request, "finance/project_list.html", _list_context(request))


@login_required
@require_POST
def sepa_export(request):
    """The SEPA credit transfer file (pain.001.001.03) of the approved payments chosen on the list. A payment
    outside the user's calls, or not approved, is not among the choices: it answers as a missing one."""
    exportable = selectors.exportable_payments(request.user)
    if not (permissions.can_propose_payment(request.user) or permissions.can_approve_payment(request.user)):
        raise Http404(_("Pagina non trovata."))
    form = forms.SepaExportForm(request.POST, choices=exportable.values_list("pk", flat=True))
    if form.is_valid():
        payments = list(exportable.filter(pk__in=form.cleaned_data["payment_ids"]))
        try:
            content = services.export_credit_transfer(actor=request.user, payments=payments)
        except DomainError as exc:
            messages.error(request, refusal_message(exc))
        else:
            response = HttpResponse(content, content_type="application/xml")
            stamp = selectors.today().strftime("%Y%m%d")
            response["Content-Disposition"] = f'attachment; filename="bonifici-sepa-{stamp}.xml"'
            return response
    else:
        for message in error_messages(form):
            messages.error(request, message)
    return render(request, "finance/project_list.html", _list_context(request), status=422)


def _operator_rows(account) -> list[dict]:
    """The account form's people rows, filled with those declared."""
    declared = list(account.operators) if account else []
    rows = []
    for row in range(forms.OPERATOR_ROWS):
        person = declared[row] if row < len(declared) else {}
        rows.append(
            {
                "name": f"operator_name_{row}",
                "fiscal_code": f"operator_fiscal_code_{row}",
                "initial_name": person.get("name", ""),
                "initial_fiscal_code": person.get("fiscal_code", ""),
            }
        )
    return rows


def _project_context(request, project: Project, form=None) -> dict:
    account = DedicatedAccount.objects.filter(project=project).first()
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
        "account": account,
        "operator_rows": _operator_rows(account),
        "guarantees": project.guarantees.all(),
        "recoveries": project.recoveries.all(),
        "loan": loan,
        "instalments": loan.instalments.all() if loan else [],
        "arrears": arrears,
        "claims": selectors.project_claims(user, project),
        "controllers": selectors.project_controllers(project),
        "can_assign_controllers": permissions.can_assign_project_controllers(user, project.call_id),
        "today": selectors.today(),
        "is_member": permissions.is_beneficiary_member(user, project),
        "can_propose": permissions.can_propose_payment(user),
        "can_approve": permissions.can_approve_payment(user),
        "can_guarantee": permissions.can_manage_guarantees(user),
        "can_loan": permissions.can_manage_loans(user),
        "rating_choices": RatingCategory.CHOICES,
        "collateral_choices": Collateral.CHOICES,
        "can_recover": permissions.can_manage_recoveries(user),
        # The refused form's inputs and errors, by input name (one page, several forms).
        "errors": first_errors(form) if form is not None else {},
        "form": form.data if form is not None else {},
        "PaymentStatus": PaymentStatus,
    }


def _project_page(request, project: Project, form, _status: int = 422):
    return render(
        request, "finance/project_finance.html", _project_context(request, project, form), status=422
    )


def _back(project: Project):
    return redirect("finance:project_finance", pk=project.pk)


@login_required
@require_GET
def project_finance(request, pk: int):
    project = project_or_404(request, pk)
    return render(request, "finance/project_finance.html", _project_context(request, project))


def _project_action(form_class, perform):
    return action_view(
        find=project_or_404, form_class=form_class, owner="project", perform=perform, page=_project_page
    )


def propose_payment(request, project, data):
    payment = services.propose_payment(
        actor=request.user,
        project=project,
        kind=data["kind"],
        amount=data["amount"],
        guarantee=data["guarantee_id"],
        note=data["note"],
        cig=data["cig"],
        causale=data["causale"],
    )
    messages.success(
        request,
        _("Pagamento proposto: %(amount)s €, in attesa di approvazione.") % {"amount": payment.amount},
    )
    return _back(project)


def declare_account(request, project, data):
    services.declare_dedicated_account(
        actor=request.user,
        project=project,
        iban=data["iban"],
        holder=data["holder"],
        bank_name=data["bank_name"],
        operators=_operators(data),
    )
    messages.success(request, _("Conto corrente dedicato dichiarato."))
    return _back(project)


def _operators(data) -> list[dict]:
    return [
        {"name": data[f"operator_name_{row}"], "fiscal_code": data[f"operator_fiscal_code_{row}"]}
        for row in range(forms.OPERATOR_ROWS)
    ]


def approve_payment(request, project, data):
    services.approve_payment(actor=request.user, payment=data["payment_id"])
    messages.success(request, _("Pagamento approvato."))
    return _back(project)


def reject_payment(request, project, data):
    services.reject_payment(actor=request.user, payment=data["payment_id"], reason=data["reason"])
    messages.success(request, _("Proposta di pagamento respinta."))
    return _back(project)


def mark_paid(request, project, data):
    services.mark_paid(
        actor=request.user,
        payment=data["payment_id"],
        paid_on=data["paid_on"] or selectors.today(),
        reference=data["reference"],
    )
    messages.success(request, _("Pagamento registrato come erogato."))
    return _back(project)


def record_guarantee(request, project, data):
    services.record_guarantee(
        actor=request.user,
        project=project,
        issuer=data["issuer"],
        number=data["number"],
        amount=data["guarantee_amount"],
        issued_on=data["issued_on"],
        expires_on=data["expires_on"],
    )
    messages.success(request, _("Fideiussione registrata."))
    return _back(project)


def record_loan(request, project, data):
    services.record_loan(
        actor=request.user,
        project=project,
        principal=data["principal"],
        annual_rate_percent=data["annual_rate_percent"],
        term_months=data["term_months"],
        pre_amortisation_months=data["pre_amortisation_months"],
        frequency_months=data["frequency_months"],
        first_due_date=data["first_due_date"],
    )
    messages.success(request, _("Finanziamento registrato: piano di ammortamento generato."))
    return _back(project)


def record_repayment(request, project, data):
    services.record_repayment(
        actor=request.user,
        loan=Loan.objects.get(project=project),
        paid_on=data["repaid_on"],
        amount=data["repayment_amount"],
        reference=data["repayment_reference"],
    )
    messages.success(request, _("Rimborso registrato."))
    return _back(project)


def record_recovered(request, project, data):
    services.record_recovered(actor=request.user, recovery=data["recovery"], amount=data["recovered_amount"])
    messages.success(request, _("Somma recuperata registrata."))
    return _back(project)


def create_claim(request, project, data):
    claim = services.create_claim(
        actor=request.user, project=project, is_final=data["is_final"], period_end=data["period_end"]
    )
    messages.success(request, _("Domanda di rimborso creata: aggiungi le spese e i giustificativi."))
    return redirect("finance:claim_detail", pk=claim.pk)


payment_propose = _project_action(forms.ProposePaymentForm, propose_payment)
payment_approve = _project_action(forms.PaymentForm, approve_payment)
account_declare = _project_action(forms.DedicatedAccountForm, declare_account)
payment_reject = _project_action(forms.RejectPaymentForm, reject_payment)
payment_paid = _project_action(forms.MarkPaidForm, mark_paid)
guarantee_add = _project_action(forms.GuaranteeForm, record_guarantee)
loan_add = _project_action(forms.LoanForm, record_loan)
loan_repay = _project_action(forms.RepaymentForm, record_repayment)
recovery_record = _project_action(forms.RecoveryForm, record_recovered)
claim_create = _project_action(forms.NewClaimForm, create_claim)


@login_required
def project_report(request, pk: int, fmt: str):
    project = project_or_404(request, pk)
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

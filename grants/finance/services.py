"""Every write of the finance context: payment plans, guarantees, payments within their ceilings, loans and
repayments, expense claims and their first-level control, recoveries.

Functions are keyword-only, take the acting user and plain data, check the permission and the rule, and
write audit (grants.core.audit). Refusals raise ``FinanceError`` (422, with the field at fault),
``WrongState`` (409) or ``PermissionDenied``; objects the actor may not read are the caller's 404.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.applications.budget import BudgetInputError
from grants.core.audit import record_event, save_audited
from grants.core.errors import DomainError, field_message
from grants.core.errors import WrongState as StateError
from grants.core.money import ZERO, round_money
from grants.core.timeutils import now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.programme.models import Call, CostCategory, CostOption
from grants.projects.models import Project, ProjectPartner
from grants.projects.permissions import is_beneficiary_member
from grants.projects.states import ProjectStatus
from grants.registry.validators import (
    normalise_fiscal_code,
    normalise_vat_number,
    validate_body_fiscal_code,
    validate_vat_number,
)

from . import ceilings, costs, permissions, selectors
from .amortisation import LoanTerms, LoanTermsError, schedule
from .models import (
    ChecklistAnswer,
    DocumentType,
    DuplicateAttempt,
    ExpenseAttachment,
    ExpenseClaim,
    ExpenseItem,
    Guarantee,
    Loan,
    LoanInstalment,
    LoanRepayment,
    Payment,
    PaymentPlan,
    Recovery,
    plan_for,
)
from .states import (
    CONTROLLER_EDITABLE_STATUSES,
    ClaimStatus,
    ItemOutcome,
    PaymentKind,
    PaymentStatus,
    RecoveryStatus,
)

ATTACHMENT_TYPES = [PDF, "image/png", "image/jpeg"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Claims may be sent while the project runs and after it ended (the final report comes after the end).
CLAIMABLE_PROJECT_STATUSES = frozenset(
    {ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, ProjectStatus.CONCLUDED}
)

# The first-level control checklist (verifiche amministrative on every claim).
CHECKLIST: list[tuple[str, str]] = [
    ("periodo", "Le spese sono sostenute nel periodo di ammissibilità del progetto"),
    ("pertinenza", "Le spese sono pertinenti alle attività approvate e alla voce di spesa"),
    ("documenti", "I giustificativi sono intestati al beneficiario e riportano il CUP"),
    ("quietanze", "I pagamenti sono tracciabili e quietanzati"),
    ("doppio", "Nessun giustificativo è già stato rendicontato su altri progetti o fondi"),
    ("appalti", "Sono rispettate le norme sugli appalti pubblici e sugli aiuti di Stato"),
]


class FinanceError(DomainError):
    """A request the finance rules refuse (grants/core/errors.py); without ``errors``, the refusal is one
    field error on ``field`` (empty: the whole request)."""

    def __init__(
        self, message: str, *, field: str = "", code: str = "invalid", errors: list[dict] | None = None
    ):
        if errors is None:
            errors = [field_message(field, code, message)]
        super().__init__(message, errors=errors, code=code)


class WrongState(FinanceError, StateError):
    """The object's state does not allow the action (409)."""


class DuplicateDocument(FinanceError):
    status = 409


def _require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message or _("Operazione non consentita."))


def _today() -> date:
    return selectors.today()


def _money(value, field: str) -> Decimal:
    if isinstance(value, float) or value is None or value == "":
        raise FinanceError(_("Indicare un importo in euro."), field=field, code="required")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise FinanceError(_("Importo non valido."), field=field, code="invalid") from None
    if not amount.is_finite() or amount < 0:
        raise FinanceError(_("L'importo non può essere negativo."), field=field, code="negative")
    return round_money(amount)


def _validation_to_finance(error: ValidationError) -> FinanceError:
    errors = []
    for field, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
    ):
        for message in messages:
            errors.append(
                {"field": "" if field == "__all__" else field, "message": message, "code": "invalid"}
            )
    return FinanceError(errors[0]["message"], errors=errors)


def _save(instance, *, actor, reason: str, action: str = ""):
    try:
        return save_audited(instance, actor=actor, reason=reason, action=action)
    except ValidationError as error:
        raise _validation_to_finance(error) from error


def _lock_project(project: Project) -> Project:
    """Serialise the writes that read the ceilings (two officers proposing at once see each other)."""
    return Project.objects.select_for_update().get(pk=project.pk)


# --- payment plan -------------------------------------------------------------------------------------------
def save_payment_plan(
    *,
    actor,
    call: Call,
    advance_percent,
    guarantee_required: bool,
    interim_thresholds: list,
    retention_percent,
) -> PaymentPlan:
    _require(permissions.can_configure_payment_plan(actor))
    plan = plan_for(call)
    plan.advance_percent = _money(advance_percent, "advance_percent")
    plan.guarantee_required = bool(guarantee_required)
    plan.interim_thresholds = list(interim_thresholds or [])
    plan.retention_percent = _money(retention_percent, "retention_percent")
    return _save(plan, actor=actor, reason="Piano dei pagamenti", action="payment_plan.saved")


# --- guarantees ---------------------------------------------------------------------------------------------
def record_guarantee(
    *, actor, project: Project, issuer: str, number: str, amount, issued_on: date, expires_on: date
) -> Guarantee:
    _require(permissions.can_manage_guarantees(actor))
    if not issuer.strip():
        raise FinanceError(_("Indicare il garante."), field="issuer", code="required")
    if not number.strip():
        raise FinanceError(_("Indicare il numero della polizza."), field="number", code="required")
    if expires_on <= issued_on:
        raise FinanceError(
            _("La scadenza deve essere successiva alla data di emissione."),
            field="expires_on",
            code="invalid",
        )
    amount = _money(amount, "amount")
    if amount <= 0:
        raise FinanceError(_("L'importo garantito deve essere maggiore di zero."), field="amount")
    if Guarantee.objects.filter(issuer__iexact=issuer.strip(), number__iexact=number.strip()).exists():
        raise FinanceError(_("Questa polizza è già registrata."), field="number", code="duplicate")
    guarantee = Guarantee(
        project=project,
        issuer=issuer.strip(),
        number=number.strip(),
        amount=amount,
        issued_on=issued_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    return _save(guarantee, actor=actor, reason="Fideiussione registrata", action="guarantee.recorded")


def _check_guarantee(project: Project, guarantee: Guarantee | None, amount: Decimal) -> None:
    if guarantee is None:
        raise FinanceError(
            _("Il bando richiede una fideiussione per l'anticipo: selezionarla."),
            field="guarantee_id",
            code="required",
        )
    if guarantee.project_id != project.pk:
        raise FinanceError(
            _("La fideiussione non è di questo progetto."), field="guarantee_id", code="invalid"
        )
    if guarantee.expires_on < _today():
        raise FinanceError(
            _("La fideiussione è scaduta il %(date)s: l'anticipo non può essere erogato.")
            % {"date": guarantee.expires_on.strftime("%d/%m/%Y")},
            field="guarantee_id",
            code="guarantee_expired",
        )
    if guarantee.amount < amount:
        raise FinanceError(
            _("La fideiussione (%(covered)s €) non copre l'anticipo (%(amount)s €).")
            % {"covered": guarantee.amount, "amount": amount},
            field="guarantee_id",
            code="guarantee_insufficient",
        )


# --- payments -----------------------------------------------------------------------------------------------
def propose_payment(
    *,
    actor,
    project: Project,
    kind: str,
    amount=None,
    guarantee: Guarantee | None = None,
    note: str = "",
) -> Payment:
    """Propose a payment worth at most what the ceilings allow (the payable amount when none is given)."""
    _require(permissions.can_propose_payment(actor))
    if kind not in PaymentKind.values:
        raise FinanceError(_("Tipo di pagamento non valido."), field="kind", code="invalid")
    with transaction.atomic():
        project = _lock_project(project)
        blocker = selectors.payment_blocker(project)
        if blocker:
            raise WrongState(blocker, field="project", code="payments_blocked")
        plan = plan_for(project.call)
        money = selectors.project_money(project)
        proposed = (
            ceilings.payable(kind, plan.terms, money) if amount in (None, "") else _money(amount, "amount")
        )
        try:
            proposed = ceilings.check_payment(kind, proposed, plan.terms, money)
        except ceilings.CeilingError as refusal:
            raise FinanceError(refusal.message, field="amount", code=refusal.code) from refusal
        if kind == PaymentKind.ADVANCE and plan.guarantee_required:
            _check_guarantee(project, guarantee, proposed)
        claim = None
        if kind != PaymentKind.ADVANCE:
            claim = (
                project.expense_claims.filter(status__in=selectors.CERTIFIED_CLAIM_STATUSES)
                .order_by("-number")
                .first()
            )
        payment = Payment(
            project=project,
            kind=kind,
            amount=proposed,
            guarantee=guarantee if kind == PaymentKind.ADVANCE else None,
            claim=claim,
            note=note.strip(),
            proposed_by=actor,
        )
        try:
            with transaction.atomic():
                return _save(payment, actor=actor, reason="Pagamento proposto", action="payment.proposed")
        except IntegrityError as error:  # a second advance or balance raced this one
            raise WrongState(
                _("Un pagamento di questo tipo è già stato proposto."), field="kind", code="duplicate"
            ) from error


def approve_payment(*, actor, payment: Payment) -> Payment:
    _require(permissions.can_approve_payment(actor))
    if payment.proposed_by_id == actor.pk:
        raise PermissionDenied(_("Chi propone un pagamento non può approvarlo."))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.PROPOSED:
            raise WrongState(_("Si approva solo un pagamento proposto."), code="wrong_state")
        project = _lock_project(payment.project)
        blocker = selectors.payment_blocker(project)
        if blocker:
            raise WrongState(blocker, field="project", code="payments_blocked")
        if payment.kind == PaymentKind.ADVANCE and plan_for(project.call).guarantee_required:
            _check_guarantee(project, payment.guarantee, payment.amount)
        payment.approve()
        payment.approved_by = actor
        payment.approved_at = now()
        _save(payment, actor=actor, reason="Pagamento approvato", action="payment.approved")
        _notify_payment(actor, payment)
    return payment


def _notify_payment(actor, payment: Payment) -> None:
    from grants.notifications.services import notify

    notify(
        event="payment_approved",
        subject=_("Pagamento approvato: %(kind)s di %(amount)s €")
        % {"kind": payment.get_kind_display(), "amount": payment.amount},
        body=_("È stato approvato il pagamento «%(kind)s» di %(amount)s € per il progetto «%(project)s».")
        % {"kind": payment.get_kind_display(), "amount": payment.amount, "project": payment.project.title},
        organisation=payment.project.beneficiary,
        link=f"/pagamenti/progetti/{payment.project_id}/",
        target=payment,
        actor=actor,
    )


def reject_payment(*, actor, payment: Payment, reason: str) -> Payment:
    _require(permissions.can_approve_payment(actor))
    if not reason.strip():
        raise FinanceError(_("Indicare il motivo del rifiuto."), field="reason", code="required")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.PROPOSED:
            raise WrongState(_("Si respinge solo un pagamento proposto."), code="wrong_state")
        payment.reject()
        payment.rejection_reason = reason.strip()
        return _save(payment, actor=actor, reason="Pagamento respinto", action="payment.rejected")


def mark_paid(*, actor, payment: Payment, paid_on: date, reference: str) -> Payment:
    _require(permissions.can_approve_payment(actor) or permissions.can_propose_payment(actor))
    if not reference.strip():
        raise FinanceError(
            _("Indicare gli estremi del mandato di pagamento."), field="reference", code="required"
        )
    if paid_on > _today():
        raise FinanceError(_("La data del pagamento non può essere futura."), field="paid_on", code="future")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.APPROVED:
            raise WrongState(_("Si registra come pagato solo un pagamento approvato."), code="wrong_state")
        payment.mark_paid()
        payment.paid_on = paid_on
        payment.payment_reference = reference.strip()
        return _save(payment, actor=actor, reason="Pagamento erogato", action="payment.paid")


# --- loans --------------------------------------------------------------------------------------------------
def record_loan(
    *,
    actor,
    project: Project,
    principal,
    annual_rate_percent,
    term_months: int,
    pre_amortisation_months: int,
    frequency_months: int,
    first_due_date: date,
) -> Loan:
    """Record the subsidised loan and store its French amortisation schedule."""
    _require(permissions.can_manage_loans(actor))
    if Loan.objects.filter(project=project).exists():
        raise WrongState(_("Il progetto ha già un finanziamento."), code="duplicate")
    terms = LoanTerms(
        principal=_money(principal, "principal"),
        annual_rate_percent=_money(annual_rate_percent, "annual_rate_percent")
        if isinstance(annual_rate_percent, float)
        else Decimal(str(annual_rate_percent)),
        term_months=int(term_months),
        pre_amortisation_months=int(pre_amortisation_months),
        frequency_months=int(frequency_months),
    )
    try:
        rows = schedule(terms, first_due=first_due_date)
    except LoanTermsError as error:
        raise FinanceError(error.message, field=error.field) from error
    with transaction.atomic():
        loan = _save(
            Loan(
                project=project,
                principal=terms.principal,
                annual_rate_percent=terms.annual_rate_percent,
                term_months=terms.term_months,
                pre_amortisation_months=terms.pre_amortisation_months,
                frequency_months=terms.frequency_months,
                first_due_date=first_due_date,
                created_by=actor,
            ),
            actor=actor,
            reason="Finanziamento registrato",
            action="loan.recorded",
        )
        LoanInstalment.objects.bulk_create(
            LoanInstalment(
                loan=loan,
                number=row.number,
                due_date=row.due_date,
                is_pre_amortisation=row.is_pre_amortisation,
                principal=row.principal,
                interest=row.interest,
                amount=row.amount,
                outstanding_after=row.outstanding_after,
            )
            for row in rows
        )
    return loan


def record_repayment(*, actor, loan: Loan, paid_on: date, amount, reference: str = "") -> LoanRepayment:
    """Record a repayment and allocate it to the oldest instalments not yet repaid."""
    _require(permissions.can_manage_loans(actor))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise FinanceError(_("L'importo deve essere maggiore di zero."), field="amount", code="not_positive")
    if paid_on > _today():
        raise FinanceError(_("La data del rimborso non può essere futura."), field="paid_on", code="future")
    with transaction.atomic():
        instalments = list(loan.instalments.select_for_update().order_by("number"))
        remaining = round_money(sum((i.remaining for i in instalments), ZERO))
        if amount > remaining:
            raise FinanceError(
                _("Il rimborso supera il debito residuo (%(remaining)s €).") % {"remaining": remaining},
                field="amount",
                code="above_debt",
            )
        repayment = _save(
            LoanRepayment(
                loan=loan, paid_on=paid_on, amount=amount, reference=reference.strip(), recorded_by=actor
            ),
            actor=actor,
            reason="Rimborso registrato",
            action="loan.repaid",
        )
        left = amount
        for instalment in instalments:
            if left <= 0:
                break
            share = min(instalment.remaining, left)
            if share > 0:
                instalment.paid_amount = round_money(instalment.paid_amount + share)
                instalment.save(update_fields=["paid_amount", "updated_at"])
                left = round_money(left - share)
    return repayment


# --- expense claims: the beneficiary ------------------------------------------------------------------------
def _require_member(actor, project: Project) -> None:
    _require(is_beneficiary_member(actor, project))


def _require_draft(claim: ExpenseClaim) -> None:
    if claim.status != ClaimStatus.DRAFT:
        raise WrongState(
            _("La domanda di rimborso è già stata inviata: non si modifica più."), code="wrong_state"
        )


def create_claim(
    *, actor, project: Project, is_final: bool = False, period_end: date | None = None
) -> ExpenseClaim:
    _require_member(actor, project)
    if project.status not in CLAIMABLE_PROJECT_STATUSES:
        raise WrongState(
            _("Il progetto non è avviato: non si possono presentare domande di rimborso."), code="wrong_state"
        )
    with transaction.atomic():
        project = _lock_project(project)
        if project.expense_claims.filter(status=ClaimStatus.DRAFT).exists():
            raise WrongState(
                _("C'è già una domanda di rimborso in bozza: completala e inviala."), code="draft_exists"
            )
        if project.expense_claims.filter(is_final=True).exists():
            raise WrongState(_("La rendicontazione finale è già stata presentata."), code="final_exists")
        number = (
            project.expense_claims.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        claim = ExpenseClaim(
            project=project, number=number, is_final=bool(is_final), period_end=period_end, created_by=actor
        )
        return _save(claim, actor=actor, reason="Domanda di rimborso creata", action="expense_claim.created")


@dataclass(frozen=True)
class ItemInput:
    partner: ProjectPartner
    category: CostCategory
    description: str
    document_type: str
    document_number: str = ""
    document_date: date | None = None
    supplier_name: str = ""
    supplier_tax_id: str = ""
    taxable_amount: object = ZERO
    vat_amount: object = ZERO
    vat_eligible: bool = False
    amount_claimed: object = None
    quantity: object = None
    quantity_evidence: str = ""
    payment_date: date | None = None
    payment_method: str = ""


def normalise_tax_id(value: str) -> str:
    number = normalise_vat_number(value)
    return number if number.isdigit() else normalise_fiscal_code(value)


def _validate_tax_id(value: str) -> str:
    number = normalise_tax_id(value)
    if not number:
        raise FinanceError(
            _("Indicare la partita IVA o il codice fiscale del fornitore."),
            field="supplier_tax_id",
            code="required",
        )
    try:
        if number.isdigit():
            validate_vat_number(number)
        else:
            validate_body_fiscal_code(number)
    except ValidationError as error:
        raise FinanceError(
            error.messages[0], field="supplier_tax_id", code=error.code or "invalid"
        ) from error
    return number


def _normalise_document_number(value: str) -> str:
    return " ".join((value or "").split()).upper()


def _check_item_shape(claim: ExpenseClaim, data: ItemInput) -> dict:
    """The fields to store, validated; FinanceError names the first field at fault."""
    project = claim.project
    if data.partner.project_id != project.pk:
        raise FinanceError(_("Il soggetto non fa parte del progetto."), field="partner_id", code="invalid")
    if data.category.call_id != project.call_id:
        raise FinanceError(
            _("La voce di spesa non è del bando del progetto."), field="category_id", code="invalid"
        )
    if not project.budget_lines.filter(category=data.category).exists():
        raise FinanceError(
            _("La voce di spesa non è nel budget approvato."), field="category_id", code="not_budgeted"
        )
    if not data.description.strip():
        raise FinanceError(_("Descrivere la spesa."), field="description", code="required")
    if data.document_type not in DocumentType.values:
        raise FinanceError(_("Tipo di documento non valido."), field="document_type", code="invalid")
    option = data.category.cost_option
    if option == CostOption.FLAT_RATE:
        raise FinanceError(
            _(
                "La voce «%(title)s» è a tasso forfettario: l'importo è calcolato dalla sua base, "
                "non si rendiconta."
            )
            % {"title": data.category.title},
            field="category_id",
            code="flat_rate",
        )
    fields = {
        "partner": data.partner,
        "category": data.category,
        "description": data.description.strip(),
        "document_type": data.document_type,
    }
    if option == CostOption.UNIT_COST:
        try:
            quantity = Decimal(str(data.quantity)) if data.quantity not in (None, "") else None
        except InvalidOperation:
            quantity = None
        if quantity is None or not quantity.is_finite() or quantity <= 0:
            raise FinanceError(
                _("Indicare una quantità maggiore di zero."), field="quantity", code="required"
            )
        if not data.quantity_evidence.strip():
            raise FinanceError(
                _("Indicare l'evidenza della quantità (registro presenze, timesheet, elenco partecipanti)."),
                field="quantity_evidence",
                code="required",
            )
        rule = next(r for r in selectors.category_rules(project) if r.code == data.category.code)
        try:
            amount = costs.unit_cost_amount(rule, quantity)
        except BudgetInputError as error:
            raise FinanceError(error.message, field="quantity") from error
        fields.update(
            quantity=round_money(quantity),
            quantity_evidence=data.quantity_evidence.strip(),
            amount_claimed=amount,
        )
        return fields
    number = _normalise_document_number(data.document_number)
    if not number:
        raise FinanceError(_("Indicare il numero del documento."), field="document_number", code="required")
    if data.document_date is None:
        raise FinanceError(_("Indicare la data del documento."), field="document_date", code="required")
    if data.document_date > _today():
        raise FinanceError(
            _("La data del documento non può essere futura."), field="document_date", code="future"
        )
    if not data.supplier_name.strip():
        raise FinanceError(_("Indicare il fornitore."), field="supplier_name", code="required")
    tax_id = _validate_tax_id(data.supplier_tax_id)
    taxable = _money(data.taxable_amount, "taxable_amount")
    vat = _money(data.vat_amount, "vat_amount")
    if taxable <= 0:
        raise FinanceError(
            _("L'imponibile deve essere maggiore di zero."), field="taxable_amount", code="not_positive"
        )
    claimed = _money(data.amount_claimed, "amount_claimed")
    if claimed <= 0:
        raise FinanceError(
            _("L'importo richiesto deve essere maggiore di zero."),
            field="amount_claimed",
            code="not_positive",
        )
    ceiling = costs.max_claimable(taxable=taxable, vat=vat, vat_eligible=data.vat_eligible)
    if claimed > ceiling:
        raise FinanceError(
            _("L'importo richiesto supera l'imponibile%(vat)s del documento (%(ceiling)s €).")
            % {"vat": _(" più l'IVA ammissibile") if data.vat_eligible else "", "ceiling": ceiling},
            field="amount_claimed",
            code="above_document",
        )
    if data.payment_date is None:
        raise FinanceError(
            _("Indicare la data del pagamento (spesa quietanzata)."), field="payment_date", code="required"
        )
    if data.payment_date < data.document_date:
        raise FinanceError(
            _("Il pagamento non può precedere il documento."), field="payment_date", code="before_document"
        )
    if data.payment_date > _today():
        raise FinanceError(
            _("La data del pagamento non può essere futura."), field="payment_date", code="future"
        )
    if not data.payment_method:
        raise FinanceError(_("Indicare la modalità di pagamento."), field="payment_method", code="required")
    fields.update(
        document_number=number,
        document_date=data.document_date,
        supplier_name=data.supplier_name.strip(),
        supplier_tax_id=tax_id,
        taxable_amount=taxable,
        vat_amount=vat,
        vat_eligible=bool(data.vat_eligible),
        amount_claimed=claimed,
        payment_date=data.payment_date,
        payment_method=data.payment_method,
    )
    return fields


def _duplicate_refusal(existing: ExpenseItem | None, claim: ExpenseClaim) -> DuplicateDocument:
    if existing is not None and existing.claim.project_id == claim.project_id:
        where = _("in questo progetto (domanda di rimborso n. %(number)s)") % {
            "number": existing.claim.number
        }
    else:
        where = _("in un altro progetto")
    return DuplicateDocument(
        _(
            "Questo documento (fornitore, numero e data) è già stato rendicontato %(where)s: non può essere "
            "rendicontato due volte. Il tentativo è stato registrato per il controllore."
        )
        % {"where": where},
        field="document_number",
        code="document_already_claimed",
    )


def add_item(*, actor, claim: ExpenseClaim, data: ItemInput) -> ExpenseItem:
    """Add an expense to a draft claim. The same document (supplier + number + date) is refused if it was
    ever claimed, in this project or another: the attempt is kept for the controller."""
    _require_member(actor, claim.project)
    _require_draft(claim)
    fields = _check_item_shape(claim, data)
    key = None
    if fields.get("document_number"):
        key = {
            "supplier_tax_id": fields["supplier_tax_id"],
            "document_number": fields["document_number"],
            "document_date": fields["document_date"],
        }
        existing = ExpenseItem.objects.filter(**key).select_related("claim").first()
        if existing is not None:
            _record_duplicate(actor, claim, existing, key)
            raise _duplicate_refusal(existing, claim)
    item = ExpenseItem(claim=claim, **fields)
    try:
        with transaction.atomic():
            return _save(item, actor=actor, reason="Spesa rendicontata", action="expense_item.added")
    except (IntegrityError, FinanceError) as error:
        # The database constraint caught a race (or full_clean saw the unique key): same refusal.
        if key is None or not ExpenseItem.objects.filter(**key).exists():
            raise
        existing = ExpenseItem.objects.filter(**key).select_related("claim").first()
        _record_duplicate(actor, claim, existing, key)
        raise _duplicate_refusal(existing, claim) from error


def _record_duplicate(actor, claim: ExpenseClaim, existing: ExpenseItem, key: dict) -> None:
    attempt = DuplicateAttempt(claim=claim, existing_item=existing, attempted_by=actor, **key)
    save_audited(
        attempt, actor=actor, reason="Documento già rendicontato", action="expense_item.duplicate_refused"
    )


def remove_item(*, actor, item: ExpenseItem) -> None:
    _require_member(actor, item.claim.project)
    _require_draft(item.claim)
    record_event(
        actor=actor, action="expense_item.removed", obj=item, before={"description": item.description}
    )
    item._history_user = actor
    item.delete()


def attach_to_item(*, actor, item: ExpenseItem, uploaded_file) -> ExpenseAttachment:
    """A supporting document (invoice, receipt, timesheet), judged by its content: PDF, PNG or JPEG."""
    _require_member(actor, item.claim.project)
    _require_draft(item.claim)
    try:
        content_type = check_upload(
            uploaded_file,
            allowed_types=ATTACHMENT_TYPES,
            max_bytes=ATTACHMENT_MAX_BYTES,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
        )
    except UploadRefused as refusal:
        raise FinanceError(str(refusal), field="file", code=refusal.code) from refusal
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    attachment = ExpenseAttachment(
        item=item,
        original_name=safe_filename(uploaded_file.name),
        content_type=content_type[:100],
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    attachment.file.save(attachment.original_name, uploaded_file, save=False)
    return _save(attachment, actor=actor, reason="Giustificativo allegato", action="expense_attachment.added")


def _claim_total(claim: ExpenseClaim, attribute: str) -> Decimal:
    return getattr(costs.grand_total(selectors.claim_totals(claim)), attribute)


def submit_claim(*, actor, claim: ExpenseClaim) -> ExpenseClaim:
    _require_member(actor, claim.project)
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        _require_draft(claim)
        items = list(claim.items.all())
        if not items:
            raise FinanceError(_("La domanda di rimborso non ha voci di spesa."), field="items", code="empty")
        missing = [item.description for item in items if not item.attachments.exists()]
        if missing:
            raise FinanceError(
                _("Allegare almeno un giustificativo a: %(items)s.") % {"items": ", ".join(missing)},
                field="attachments",
                code="attachments_missing",
            )
        claim.submit()
        claim.submitted_at = now()
        claim.claimed_total = _claim_total(claim, "claimed")
        _save(claim, actor=actor, reason="Domanda di rimborso inviata", action="expense_claim.submitted")
    from grants.notifications.services import notify

    notify(
        event="claim_submitted",
        subject=_("Domanda di rimborso n. %(number)s inviata") % {"number": claim.number},
        body=_(
            "La domanda di rimborso n. %(number)s del progetto «%(project)s» (%(amount)s €) è stata inviata "
            "e attende il controllo di I livello."
        )
        % {"number": claim.number, "project": claim.project.title, "amount": claim.claimed_total},
        organisation=claim.project.beneficiary,
        link=f"/rendicontazione/domande/{claim.pk}/",
        target=claim,
        actor=actor,
    )
    return claim


def submit_counter_arguments(
    *, actor, claim: ExpenseClaim, text: str, per_item: dict[int, str] | None = None
) -> ExpenseClaim:
    """The beneficiary answers the control outcome, once."""
    _require_member(actor, claim.project)
    per_item = {int(k): (v or "").strip() for k, v in (per_item or {}).items() if (v or "").strip()}
    if not text.strip() and not per_item:
        raise FinanceError(_("Scrivere le controdeduzioni."), field="text", code="required")
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.CHECKED:
            raise WrongState(
                _("Le controdeduzioni si presentano una sola volta, dopo l'esito del controllo."),
                code="wrong_state",
            )
        items = {item.pk: item for item in claim.items.all()}
        unknown = set(per_item) - set(items)
        if unknown:
            raise FinanceError(_("Voce di spesa non valida."), field="per_item", code="invalid")
        for pk, answer in per_item.items():
            items[pk].counter_argument = answer
            _save(items[pk], actor=actor, reason="Controdeduzione", action="expense_item.counter_argument")
        claim.answer()
        claim.counter_arguments = text.strip()
        claim.counter_arguments_at = now()
        return _save(claim, actor=actor, reason="Controdeduzioni", action="expense_claim.counter_arguments")


# --- expense claims: officers and controllers ---------------------------------------------------------------
def assign_controller(*, actor, claim: ExpenseClaim, controller) -> ExpenseClaim:
    _require(permissions.can_assign_claims(actor))
    if controller is None or not permissions.can_be_controller(controller):
        raise FinanceError(
            _("L'utente scelto non è un controllore di I livello."), field="controller_id", code="invalid"
        )
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status == ClaimStatus.SUBMITTED:
            claim.start_check()
        elif claim.status != ClaimStatus.UNDER_CHECK:
            raise WrongState(_("Si assegna solo una domanda inviata o in controllo."), code="wrong_state")
        claim.controller = controller
        _save(claim, actor=actor, reason="Controllore assegnato", action="expense_claim.assigned")
        for code, question in CHECKLIST:
            ChecklistAnswer.objects.get_or_create(claim=claim, code=code, defaults={"question": question})
    return claim


def _require_controller(actor, claim: ExpenseClaim) -> None:
    claim.refresh_from_db(fields=["status", "controller"])
    _require(permissions.is_assigned_controller(actor, claim), _("La domanda non è assegnata a te."))
    if claim.status not in CONTROLLER_EDITABLE_STATUSES:
        raise WrongState(_("La domanda non è in controllo."), code="wrong_state")


def check_item(
    *, actor, item: ExpenseItem, outcome: str, admitted_amount=None, admitted_quantity=None, reason: str = ""
) -> ExpenseItem:
    """Record the controller's outcome on one item. A cut needs its reason; unit costs are cut by quantity."""
    claim = item.claim
    _require_controller(actor, claim)
    reason = (reason or "").strip()
    if outcome not in {o.value for o in ItemOutcome if o != ItemOutcome.PENDING}:
        raise FinanceError(_("Esito non valido."), field="outcome", code="invalid")
    unit_rate = item.category.unit_rate if item.is_unit_cost else None
    if outcome in (ItemOutcome.ADMITTED, ItemOutcome.NOT_SAMPLED):
        if outcome == ItemOutcome.NOT_SAMPLED and not claim.sample_note.strip():
            raise FinanceError(
                _("Documentare prima il metodo di campionamento nella checklist."),
                field="outcome",
                code="no_sample",
            )
        admitted, quantity = item.amount_claimed, item.quantity
    elif outcome == ItemOutcome.NOT_ADMITTED:
        admitted, quantity = ZERO, (ZERO if item.is_unit_cost else None)
    else:  # partly admitted
        if item.is_unit_cost:
            try:
                quantity = Decimal(str(admitted_quantity))
            except (InvalidOperation, ValueError, TypeError):
                raise FinanceError(
                    _("Indicare la quantità ammessa."), field="admitted_quantity", code="required"
                ) from None
            if not quantity.is_finite() or quantity <= 0 or quantity >= item.quantity:
                raise FinanceError(
                    _(
                        "La quantità ammessa deve essere maggiore di zero e minore di quella "
                        "rendicontata (%(q)s)."
                    )
                    % {"q": item.quantity},
                    field="admitted_quantity",
                    code="out_of_range",
                )
            quantity = round_money(quantity)
            admitted = round_money(quantity * unit_rate)
        else:
            admitted = _money(admitted_amount, "admitted_amount")
            quantity = None
            if admitted <= 0 or admitted >= item.amount_claimed:
                raise FinanceError(
                    _(
                        "L'importo ammesso deve essere maggiore di zero e minore di quello "
                        "richiesto (%(a)s €)."
                    )
                    % {"a": item.amount_claimed},
                    field="admitted_amount",
                    code="out_of_range",
                )
    if outcome in (ItemOutcome.PARTLY_ADMITTED, ItemOutcome.NOT_ADMITTED) and not reason:
        raise FinanceError(_("Motivare il taglio o la non ammissibilità."), field="reason", code="required")
    item.outcome = outcome
    item.admitted_amount = admitted
    item.admitted_quantity = quantity
    item.control_reason = reason
    item.in_sample = outcome != ItemOutcome.NOT_SAMPLED
    item.checked_by = actor
    item.checked_at = now()
    return _save(item, actor=actor, reason="Esito del controllo", action="expense_item.checked")


def save_checklist(
    *, actor, claim: ExpenseClaim, answers: dict[str, tuple[bool | None, str]], sample_note: str = ""
) -> ExpenseClaim:
    _require_controller(actor, claim)
    rows = {row.code: row for row in claim.checklist.all()}
    unknown = set(answers) - set(rows)
    if unknown:
        raise FinanceError(
            _("Verifica sconosciuta: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}, field="answers"
        )
    with transaction.atomic():
        for code, (satisfied, note) in answers.items():
            row = rows[code]
            row.satisfied = satisfied
            row.note = (note or "").strip()
            _save(row, actor=actor, reason="Checklist", action="checklist_answer.saved")
        claim.sample_note = (sample_note or "").strip()
        _save(claim, actor=actor, reason="Checklist", action="expense_claim.checklist")
    return claim


def close_check(*, actor, claim: ExpenseClaim, outcome_note: str = "") -> ExpenseClaim:
    """Close the control: every item has an outcome, every check an answer; the admitted amount is fixed."""
    _require_controller(actor, claim)
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.UNDER_CHECK:
            raise WrongState(_("La domanda non è in controllo."), code="wrong_state")
        pending = claim.items.filter(outcome=ItemOutcome.PENDING).count()
        if pending:
            raise FinanceError(
                _("Mancano gli esiti di %(count)d voci di spesa.") % {"count": pending},
                field="items",
                code="items_pending",
            )
        unanswered = claim.checklist.filter(satisfied__isnull=True).count()
        if unanswered:
            raise FinanceError(
                _("Completare la checklist (%(count)d verifiche senza esito).") % {"count": unanswered},
                field="checklist",
                code="checklist_incomplete",
            )
        claim.close_check()
        claim.checked_at = now()
        claim.outcome_note = (outcome_note or "").strip()
        claim.admitted_total = _claim_total(claim, "admitted")
        _save(claim, actor=actor, reason="Controllo concluso", action="expense_claim.checked")
    _notify_checked(actor, claim)
    return claim


def _notify_checked(actor, claim: ExpenseClaim) -> None:
    from grants.notifications.services import notify

    notify(
        event="claim_checked",
        subject=_("Esito del controllo della domanda di rimborso n. %(number)s") % {"number": claim.number},
        body=_(
            "Spesa richiesta %(claimed)s €, ammessa %(admitted)s €. L'esito per ciascuna voce è nella pagina "
            "della domanda; puoi presentare controdeduzioni una sola volta."
        )
        % {"claimed": claim.claimed_total, "admitted": claim.admitted_total},
        organisation=claim.project.beneficiary,
        link=f"/rendicontazione/domande/{claim.pk}/",
        target=claim,
        actor=actor,
    )


def finalise_claim(*, actor, claim: ExpenseClaim, final_note: str) -> ExpenseClaim:
    """The controller decides on the counter-arguments (item outcomes may have been revised meanwhile)."""
    _require_controller(actor, claim)
    if not final_note.strip():
        raise FinanceError(
            _("Motivare la decisione sulle controdeduzioni."), field="final_note", code="required"
        )
    with transaction.atomic():
        claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.COUNTER_ARGUMENTS:
            raise WrongState(_("Non ci sono controdeduzioni da decidere."), code="wrong_state")
        claim.finalise()
        claim.final_note = final_note.strip()
        claim.finalised_at = now()
        claim.admitted_total = _claim_total(claim, "admitted")
        _save(claim, actor=actor, reason="Esito definitivo", action="expense_claim.finalised")
    _notify_checked(actor, claim)
    return claim


# --- recoveries ---------------------------------------------------------------------------------------------
def open_recovery_for_revocation(*, project: Project, new_grant: Decimal, reason: str) -> Recovery | None:
    """What was paid above the new grant is to be recovered (nothing when the payments fit the new grant)."""
    paid = selectors.paid_total(project)
    amount = round_money(paid - Decimal(new_grant))
    if amount <= 0:
        return None
    recovery = Recovery(
        project=project,
        amount=amount,
        reason=reason or _("Revoca del contributo"),
        paid_at_opening=paid,
        new_grant=round_money(new_grant),
    )
    return save_audited(recovery, actor=None, reason="Revoca", action="recovery.opened")


def record_recovered(*, actor, recovery: Recovery, amount) -> Recovery:
    _require(permissions.can_manage_recoveries(actor))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise FinanceError(_("L'importo deve essere maggiore di zero."), field="amount", code="not_positive")
    with transaction.atomic():
        recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
        if recovery.status == RecoveryStatus.RECOVERED:
            raise WrongState(_("Il recupero è già concluso."), code="wrong_state")
        if amount > recovery.outstanding:
            raise FinanceError(
                _("L'importo supera quanto resta da recuperare (%(left)s €).")
                % {"left": recovery.outstanding},
                field="amount",
                code="above_outstanding",
            )
        recovery.recovered_amount = round_money(recovery.recovered_amount + amount)
        if recovery.recovered_amount == recovery.amount:
            recovery.close()
        else:
            recovery.record_part()
        return _save(recovery, actor=actor, reason="Somma recuperata", action="recovery.recorded")

"""Expense claims on the beneficiary's side: the claim, its items and attachments, submission and
counter-arguments."""

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.applications.budget import BudgetInputError
from grants.core.audit import record_event, save_audited
from grants.core.money import ZERO, round_money
from grants.core.timeutils import now
from grants.core.uploads import UploadRefused, check_upload, safe_filename
from grants.programme.models import CostCategory, CostOption
from grants.projects.models import Project, ProjectPartner
from grants.projects.permissions import is_beneficiary_member
from grants.registry.validators import (
    normalise_fiscal_code,
    normalise_vat_number,
    validate_body_fiscal_code,
    validate_vat_number,
)

from .. import costs, selectors
from ..models import (
    DocumentType,
    DuplicateAttempt,
    ExpenseAttachment,
    ExpenseClaim,
    ExpenseItem,
)
from ..states import (
    ClaimStatus,
)
from .common import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    CLAIMABLE_PROJECT_STATUSES,
    DuplicateDocument,
    FinanceError,
    WrongState,
    _lock_project,
    _money,
    _require,
    _save,
    _today,
)


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

"""Expense claims on the officers' and controllers' side: assignment, item checks, checklist, close and
final outcome."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.money import ZERO, round_money
from grants.core.timeutils import now

from .. import permissions
from ..models import ChecklistAnswer, ExpenseClaim, ExpenseItem
from ..states import CONTROLLER_EDITABLE_STATUSES, ClaimStatus, ItemOutcome
from .claims import _claim_total
from .common import CHECKLIST, FinanceError, WrongState, _money, _require, _save


# --- expense claims: officers and controllers ---------------------------------------------------------------
def assign_controller(*, actor, claim: ExpenseClaim, controller) -> ExpenseClaim:
    _require(permissions.can_assign_claims(actor, claim.project.call_id))
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

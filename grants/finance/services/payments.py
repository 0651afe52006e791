"""The payment plan, the guarantees and the payments (proposed, approved or rejected, paid)."""

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as stdnum_iban
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from grants.core.timeutils import now
from grants.programme.models import Call
from grants.projects.models import Project
from grants.projects.permissions import is_beneficiary_member
from grants.registry.validators import normalise_fiscal_code, validate_person_fiscal_code

from .. import ceilings, permissions, selectors
from ..models import DedicatedAccount, Guarantee, Payment, PaymentPlan, plan_for
from ..states import PaymentKind, PaymentStatus
from .common import FinanceError, WrongState, _lock_project, _money, _require, _save, _today


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
    _require(permissions.can_configure_payment_plan(actor, call))
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
    _require(permissions.can_manage_guarantees(actor, project.call_id))
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


# --- the dedicated account (conto dedicato, L. 136/2010) ----------------------------------------------------
_IBAN_PROBLEMS = {
    InvalidLength: gettext_lazy("la lunghezza non è quella prevista per il paese"),
    InvalidFormat: gettext_lazy("contiene caratteri non ammessi o non inizia con il codice del paese"),
    InvalidChecksum: gettext_lazy(
        "il codice di controllo non torna: verificare di averlo copiato senza errori"
    ),
    InvalidComponent: gettext_lazy("il codice della banca o del conto non è valido per il paese"),
}


def validate_iban(value: str, field: str = "iban") -> str:
    """The IBAN compacted (no spaces, upper case), or FinanceError in Italian on ``field``."""
    number = stdnum_iban.compact(value or "")
    if not number:
        raise FinanceError(_("Indicare l'IBAN del conto dedicato."), field=field, code="required")
    try:
        return stdnum_iban.validate(number)
    except tuple(_IBAN_PROBLEMS) as error:
        reason = next(text for kind, text in _IBAN_PROBLEMS.items() if isinstance(error, kind))
        raise FinanceError(
            _("IBAN non valido: %(reason)s.") % {"reason": reason}, field=field, code="invalid_iban"
        ) from error


def _operators(rows) -> list[dict]:
    operators, seen = [], set()
    for index, row in enumerate(rows or []):
        name = " ".join(str((row or {}).get("name", "")).split())
        code = normalise_fiscal_code((row or {}).get("fiscal_code", ""))
        if not name and not code:
            continue
        field = f"operators.{index}"
        if not name:
            raise FinanceError(
                _("Indicare nome e cognome della persona delegata."), field=f"{field}.name", code="required"
            )
        try:
            validate_person_fiscal_code(code)
        except ValidationError as error:
            raise FinanceError(
                _("%(name)s: %(message)s") % {"name": name, "message": error.messages[0]},
                field=f"{field}.fiscal_code",
                code="invalid_fiscal_code",
            ) from error
        if code in seen:
            raise FinanceError(
                _("%(code)s è indicato due volte.") % {"code": code},
                field=f"{field}.fiscal_code",
                code="duplicate",
            )
        seen.add(code)
        operators.append({"name": name, "fiscal_code": code})
    if not operators:
        raise FinanceError(
            _("Indicare almeno una persona delegata a operare sul conto (nome e codice fiscale)."),
            field="operators",
            code="required",
        )
    return operators


def declare_dedicated_account(
    *, actor, project: Project, iban: str, holder: str, operators: list[dict], bank_name: str = ""
) -> DedicatedAccount:
    """The beneficiary declares (or replaces) the project's dedicated account: IBAN, holder and the people
    authorised to operate on it. Nothing is stored when any of them is invalid."""
    _require(is_beneficiary_member(actor, project))
    number = validate_iban(iban)
    holder = " ".join((holder or "").split())
    if not holder:
        raise FinanceError(_("Indicare l'intestatario del conto."), field="holder", code="required")
    if len(holder) > 70:
        raise FinanceError(
            _("L'intestatario può avere al massimo 70 caratteri (limite dei bonifici SEPA)."),
            field="holder",
            code="too_long",
        )
    people = _operators(operators)
    account = DedicatedAccount.objects.filter(project=project).first() or DedicatedAccount(project=project)
    account.iban = number
    account.holder = holder
    account.bank_name = " ".join((bank_name or "").split())[:140]
    account.operators = people
    account.declared_by = actor
    return _save(
        account, actor=actor, reason="Conto dedicato dichiarato", action="dedicated_account.declared"
    )


_CIG = re.compile(r"^[0-9A-Z]{10}$")


def _cig(value: str) -> str:
    cig = (value or "").strip().upper()
    if cig and not _CIG.match(cig):
        raise FinanceError(
            _("Il CIG è un codice di 10 caratteri (lettere maiuscole e cifre)."), field="cig", code="invalid"
        )
    return cig


def default_causale(project: Project, kind: str) -> str:
    label = PaymentKind(kind).label
    return f"{label} contributo CUP {project.cup or '-'} {project.call.title}"[:140]


# --- payments -----------------------------------------------------------------------------------------------
def propose_payment(
    *,
    actor,
    project: Project,
    kind: str,
    amount=None,
    guarantee: Guarantee | None = None,
    note: str = "",
    cig: str = "",
    causale: str = "",
) -> Payment:
    """Propose a payment worth at most what the ceilings allow (the payable amount when none is given)."""
    _require(permissions.can_propose_payment(actor, project.call_id))
    if kind not in PaymentKind.values:
        raise FinanceError(_("Tipo di pagamento non valido."), field="kind", code="invalid")
    cig = _cig(cig)
    causale = " ".join((causale or "").split())
    if len(causale) > 140:
        raise FinanceError(
            _("La causale può avere al massimo 140 caratteri (limite dei bonifici SEPA)."),
            field="causale",
            code="too_long",
        )
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
            cup=project.cup,
            cig=cig,
            causale=causale or default_causale(project, kind),
        )
        try:
            with transaction.atomic():
                return _save(payment, actor=actor, reason="Pagamento proposto", action="payment.proposed")
        except IntegrityError as error:  # a second advance or balance raced this one
            raise WrongState(
                _("Un pagamento di questo tipo è già stato proposto."), field="kind", code="duplicate"
            ) from error


def approve_payment(*, actor, payment: Payment) -> Payment:
    _require(permissions.can_approve_payment(actor, payment.project.call_id))
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
        account = DedicatedAccount.objects.filter(project=project).first()
        if account is None:
            raise WrongState(
                _(
                    "Il beneficiario non ha dichiarato il conto corrente dedicato (L. 136/2010): "
                    "il pagamento non può essere approvato."
                ),
                field="iban",
                code="dedicated_account_missing",
            )
        # The order carries the account as it is when approved: a later change does not redirect it.
        payment.iban = account.iban
        payment.account_holder = account.holder
        payment.cup = project.cup
        payment.approve()
        payment.approved_by = actor
        payment.approved_at = now()
        _save(payment, actor=actor, reason="Pagamento approvato", action="payment.approved")
        _notify_payment(actor, payment)
    return payment


def _notify_payment(actor, payment: Payment) -> None:
    """The beneficiary's members learn what happened to a payment (approved, rejected, paid): one
    notification each, at the transition, inside its transaction."""
    from grants.notifications import events
    from grants.notifications.services import notify

    values = {
        "kind": payment.get_kind_display(),
        "amount": payment.amount,
        "project": payment.project.title,
        "cup": payment.project.cup or "–",
        "reason": payment.rejection_reason,
        "paid_on": payment.paid_on.strftime("%d/%m/%Y") if payment.paid_on else "",
        "reference": payment.payment_reference,
    }
    if payment.status == PaymentStatus.PAID:
        subject = _("Pagamento erogato: %(kind)s di %(amount)s €") % values
        body = _(
            "Il pagamento «%(kind)s» di %(amount)s € per il progetto «%(project)s» (CUP %(cup)s) è stato "
            "erogato il %(paid_on)s sul conto dedicato; estremi del mandato: %(reference)s."
        )
    elif payment.status == PaymentStatus.REJECTED:
        subject = _("Pagamento respinto: %(kind)s di %(amount)s €") % values
        body = _(
            "Il pagamento «%(kind)s» di %(amount)s € proposto per il progetto «%(project)s» (CUP %(cup)s) è "
            "stato respinto. Motivo: %(reason)s."
        )
    else:
        subject = _("Pagamento approvato: %(kind)s di %(amount)s €") % values
        body = _("È stato approvato il pagamento «%(kind)s» di %(amount)s € per il progetto «%(project)s».")
    notify(
        event=events.PAYMENT_APPROVED,
        subject=subject,
        body=body % values,
        organisation=payment.project.beneficiary,
        link=reverse("finance:project_finance", args=[payment.project_id]),
        target=payment,
        actor=actor,
    )


def reject_payment(*, actor, payment: Payment, reason: str) -> Payment:
    _require(permissions.can_approve_payment(actor, payment.project.call_id))
    if not reason.strip():
        raise FinanceError(_("Indicare il motivo del rifiuto."), field="reason", code="required")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.PROPOSED:
            raise WrongState(_("Si respinge solo un pagamento proposto."), code="wrong_state")
        payment.reject()
        payment.rejection_reason = reason.strip()
        _save(payment, actor=actor, reason="Pagamento respinto", action="payment.rejected")
        _notify_payment(actor, payment)
    return payment


def mark_paid(*, actor, payment: Payment, paid_on: date, reference: str) -> Payment:
    _require(
        permissions.can_approve_payment(actor, payment.project.call_id)
        or permissions.can_propose_payment(actor, payment.project.call_id)
    )
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
        _save(payment, actor=actor, reason="Pagamento erogato", action="payment.paid")
        _notify_payment(actor, payment)
    return payment

"""The SEPA credit transfer file (pain.001.001.03) of approved payments, for the treasury's bank.

Only approved payments are exported, each with the dedicated account's IBAN and holder recorded when it
was approved, and a remittance that carries the CUP, the CIG where there is one, and the causale. The file
is validated against the shipped XSD (``grants.finance.sepa``) before it leaves; the export is audited and
each payment remembers when it was last exported.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.timeutils import now

from .. import permissions, sepa
from ..models import Payment
from ..states import PaymentStatus
from .common import FinanceError, _require, _today


def remittance(payment: Payment) -> str:
    """The unstructured remittance information (max 140 characters): CUP, CIG, causale."""
    parts = [f"CUP {payment.cup}" if payment.cup else "", f"CIG {payment.cig}" if payment.cig else ""]
    parts.append(payment.causale or payment.get_kind_display())
    return " ".join(part for part in parts if part)[:140]


def export_credit_transfer(*, actor, payments: list[Payment]) -> bytes:
    """One pain.001 file of the given payments. Every payment must be approved and of a call the actor
    works on (the caller answers 404 for those outside the actor's scope)."""
    if not payments:
        raise FinanceError(
            _("Selezionare almeno un pagamento approvato."), field="payment_ids", code="required"
        )
    for payment in payments:
        _require(
            permissions.can_approve_payment(actor, payment.project.call_id)
            or permissions.can_propose_payment(actor, payment.project.call_id)
        )
    not_approved = [p for p in payments if p.status != PaymentStatus.APPROVED]
    if not_approved:
        raise FinanceError(
            _("Si esportano solo i pagamenti approvati e non ancora pagati: %(ids)s.")
            % {"ids": ", ".join(f"n. {p.pk}" for p in not_approved)},
            field="payment_ids",
            code="not_approved",
        )
    without_account = [p for p in payments if not p.iban]
    if without_account:
        raise FinanceError(
            _("Manca l'IBAN del conto dedicato per i pagamenti: %(ids)s.")
            % {"ids": ", ".join(f"n. {p.pk}" for p in without_account)},
            field="payment_ids",
            code="iban_missing",
        )
    debtor = sepa.Debtor(
        name=settings.SEPA_DEBTOR_NAME, iban=settings.SEPA_DEBTOR_IBAN, bic=settings.SEPA_DEBTOR_BIC
    )
    transfers = [
        sepa.Transfer(
            end_to_end_id=f"WECARE-PAG-{p.pk}",
            creditor_name=p.account_holder or p.project.beneficiary.name,
            iban=p.iban,
            amount=p.amount,
            remittance=remittance(p),
        )
        for p in payments
    ]
    try:
        content = sepa.credit_transfer(debtor, transfers, execution_date=_today())
    except sepa.SepaError as error:
        raise FinanceError(
            _("Il flusso SEPA non supera la validazione dello schema pain.001.001.03: %(error)s")
            % {"error": error},
            field="payment_ids",
            code="sepa_invalid",
        ) from error
    with transaction.atomic():
        Payment.objects.filter(pk__in=[p.pk for p in payments]).update(exported_at=now())
        for payment in payments:
            record_event(actor=actor, action="payment.sepa_exported", obj=payment)
    return content

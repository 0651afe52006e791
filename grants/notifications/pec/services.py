"""Every write of the PEC channel: issue a formal notice, send it to the provider, record its receipts.

``issue_notice`` is what the other contexts call (after checking their own permission): the notice is written
in the caller's transaction and sent by a task when it commits. ``record_receipt`` reads a receipt
(``receipts.parse_receipt``), files it with its notice once (the same receipt twice changes nothing), moves
the notice on and, on delivery, fixes the deadline: ``term_days`` from the day of delivery, to the end of
that day in Rome. A receipt about a message that is not ours, or of a call one does not work on, is refused
alike.
"""

import logging
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.errors import DomainError, field_message
from grants.core.timeutils import end_of_day, in_rome, now

from . import permissions
from .backend import is_configured, pec_connection
from .models import PecKind, PecNotice, PecReceipt, PecStatus
from .receipts import (
    ACCEPTANCE,
    DELIVERY,
    DELIVERY_ERROR,
    NON_ACCEPTANCE,
    ReceiptError,
    normalise_msgid,
    parse_receipt,
)
from .signals import notice_delivered

logger = logging.getLogger(__name__)


def _refuse(field: str, code: str, message: str) -> DomainError:
    return DomainError(message, errors=[field_message(field, code, message)], code=code)


def _address(recipient: str, organisation) -> tuple[str, str]:
    """The address to send to, or why the notice cannot go (said to the officer)."""
    recipient = (recipient or "").strip().lower()
    name = getattr(organisation, "name", "") or _("Il destinatario")
    if not recipient:
        return "", _(
            "%(name)s non ha un indirizzo PEC nell'anagrafica: la comunicazione non è stata inviata. "
            "Chiedere all'organizzazione di indicarlo e notificare l'atto con altro mezzo."
        ) % {"name": name}
    try:
        validate_email(recipient)
    except ValidationError:
        return "", _(
            "L'indirizzo PEC di %(name)s nell'anagrafica non è valido (%(address)s): la comunicazione non è "
            "stata inviata. Chiedere all'organizzazione di correggerlo e notificare l'atto con altro mezzo."
        ) % {"name": name, "address": recipient[:100]}
    return recipient, ""


def issue_notice(
    *,
    actor,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    organisation=None,
    call=None,
    target=None,
    term_days: int | None = None,
) -> PecNotice:
    """Write a formal notice to ``recipient`` (a PEC address) and send it when the transaction commits.

    ``actor`` None: the platform itself (a slide of the ranking set off by a beneficiary's renunciation, a
    scheduled job), after the caller's own checks. An empty ``recipient`` (the organisation has no PEC in
    the registry) does not stop the act: the notice is recorded as undeliverable, with the reason the officer
    sees among the undelivered notices, and nothing is sent; so is an address that is not valid."""
    if actor is not None and not (getattr(actor, "is_staff", False) and actor.is_active):
        raise PermissionDenied(_("Solo il personale della Regione invia comunicazioni formali."))
    if kind not in PecKind.values:
        raise _refuse("kind", "invalid", _("Tipo di comunicazione non valido."))
    if term_days is not None and term_days < 1:
        raise _refuse("term_days", "invalid", _("Il termine deve essere di almeno un giorno."))
    recipient, error = _address(recipient, organisation)
    notice = PecNotice.objects.create(
        kind=kind,
        call=call,
        organisation=organisation,
        status=PecStatus.UNDELIVERABLE if error else PecStatus.QUEUED,
        error=error,
        recipient=recipient,
        subject=str(subject)[:255],
        body=str(body),
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        term_days=term_days,
        message_id=normalise_msgid(make_msgid(domain=settings.PEC_MESSAGE_ID_DOMAIN)),
        created_by=actor,
    )
    if error:
        record_event(actor=actor, action="pec_notice.undeliverable", obj=notice, after={"error": error})
        return notice
    record_event(actor=actor, action="pec_notice.issued", obj=notice, after={"recipient": notice.recipient})
    transaction.on_commit(lambda: _queue(notice.pk))
    return notice


def _queue(notice_id: int) -> None:
    from .tasks import send_pec_notice

    try:
        send_pec_notice.delay(notice_id)
    except Exception:  # the notice stays queued: the officer sees it among the undelivered ones
        logger.exception("PEC notice not queued", extra={"notice": notice_id})


def build_message(notice: PecNotice) -> EmailMessage:
    return EmailMessage(
        subject=notice.subject.replace("\n", " "),
        body=notice.body,
        from_email=settings.PEC_FROM_EMAIL,
        to=[notice.recipient],
        headers={"Message-ID": f"<{notice.message_id}>"},
    )


def send_notice(notice_id: int) -> bool:
    """Hand the notice to the PEC provider once; True when this call sent it. Errors propagate (the task
    retries); without a configured channel nothing is sent and the notice stays queued."""
    if not is_configured():
        logger.warning("PEC channel not configured: notice left queued", extra={"notice": notice_id})
        return False
    with transaction.atomic():
        notice = PecNotice.objects.select_for_update().filter(pk=notice_id).first()
        if notice is None or notice.status != PecStatus.QUEUED:
            return False
        with pec_connection() as connection:
            connection.send_messages([build_message(notice)])
        notice.status, notice.sent_at = PecStatus.SENT, now()
        notice.save(update_fields=["status", "sent_at", "updated_at"])
    record_event(actor=None, action="pec_notice.sent", obj=notice)
    return True


def _apply(notice: PecNotice, receipt: PecReceipt) -> bool:
    """Move the notice on; True when this is its first delivery."""
    first_delivery = False
    if receipt.kind == ACCEPTANCE:
        notice.accepted_at = notice.accepted_at or receipt.moment
        if notice.status in (PecStatus.QUEUED, PecStatus.SENT):
            notice.status = PecStatus.ACCEPTED
    elif receipt.kind == DELIVERY:
        if notice.delivered_at is None:
            first_delivery = True
            notice.delivered_at = receipt.moment
            if notice.term_days:
                day = in_rome(receipt.moment).date() + timedelta(days=notice.term_days)
                notice.deadline = end_of_day(day)
        notice.status, notice.error = PecStatus.DELIVERED, ""
    elif receipt.kind == NON_ACCEPTANCE and notice.status != PecStatus.DELIVERED:
        notice.status, notice.error = PecStatus.NOT_ACCEPTED, receipt.error
    elif receipt.kind == DELIVERY_ERROR and notice.status != PecStatus.DELIVERED:
        notice.status, notice.error = PecStatus.DELIVERY_ERROR, receipt.error
    return first_delivery


def record_receipt(*, actor, raw: bytes, source: str = PecReceipt.Source.UPLOAD) -> tuple[PecReceipt, bool]:
    """File one receipt (an .eml's bytes) with its notice; ``(receipt, created)``. ``actor`` None: the IMAP
    task. Refusals name the field ``file``."""
    if actor is not None and not permissions.can_manage_pec(actor):
        raise PermissionDenied(_("Non puoi registrare ricevute PEC."))
    try:
        parsed = parse_receipt(raw)
    except ReceiptError as exc:
        raise _refuse("file", "not_a_receipt", str(exc)) from None
    notices = PecNotice.objects.filter(message_id=parsed.msgid)
    if actor is not None:
        notices = permissions.visible_notices(actor, notices)
    with transaction.atomic():
        notice = notices.select_for_update().first()
        if notice is None:
            raise _refuse(
                "file", "unknown_message", _("La ricevuta non riguarda una comunicazione inviata da qui.")
            )
        receipt, created = PecReceipt.objects.get_or_create(
            notice=notice,
            kind=parsed.kind,
            recipient=parsed.recipient[:500],
            provider_id=parsed.provider_id[:255],
            defaults={
                "moment": parsed.moment,
                "error": "" if parsed.error == "nessuno" else parsed.error[:500],
                "source": source,
                "recorded_by": actor,
                "raw": raw,
            },
        )
        if not created:
            return receipt, False
        first_delivery = _apply(notice, receipt)
        notice.save()
        record_event(
            actor=actor,
            action=f"pec_receipt.{parsed.kind}",
            obj=notice,
            after={"moment": parsed.moment.isoformat(), "recipient": parsed.recipient, "source": source},
        )
        if first_delivery:  # in the same transaction: the contexts' deadlines move with the receipt
            notice_delivered.send(sender=PecNotice, notice=notice)
    return receipt, True

"""Background work of the PEC channel: send one notice, and fetch the receipts from the PEC mailbox.

``fetch_pec_receipts`` runs periodically (config/celery.py): it reads the unseen messages of
``PEC_IMAP_FOLDER`` over IMAP with TLS, files the receipts (``services.record_receipt``), and marks as seen
what it filed or recognised as not ours; a message it could not read stays unseen for the officer.
"""

import imaplib
import logging
import ssl

from django.conf import settings

from grants.core.errors import DomainError
from grants.core.tasks import idempotent_task

from . import services
from .models import PecReceipt

logger = logging.getLogger(__name__)
FETCH_BATCH = 200


@idempotent_task(name="grants.notifications.pec.send_pec_notice")
def send_pec_notice(notice_id: int) -> bool:
    return services.send_notice(notice_id)


def _mailbox() -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=settings.PEC_EMAIL_SSL_CAFILE or None)
    mailbox = imaplib.IMAP4_SSL(settings.PEC_IMAP_HOST, settings.PEC_IMAP_PORT, ssl_context=context)
    mailbox.login(settings.PEC_IMAP_USER, settings.PEC_IMAP_PASSWORD)
    return mailbox


@idempotent_task(name="grants.notifications.pec.fetch_pec_receipts", max_retries=0)
def fetch_pec_receipts() -> dict[str, int]:
    """File the receipts waiting in the PEC mailbox; counts of what was filed, repeated, not ours."""
    counts = {"filed": 0, "repeated": 0, "not_ours": 0, "unreadable": 0}
    if not settings.PEC_IMAP_HOST:
        return counts
    mailbox = _mailbox()
    try:
        mailbox.select(settings.PEC_IMAP_FOLDER)
        _status, data = mailbox.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split()[:FETCH_BATCH]:
            _status, parts = mailbox.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            try:
                _receipt, created = services.record_receipt(
                    actor=None, raw=raw, source=PecReceipt.Source.IMAP
                )
            except DomainError as exc:
                code = exc.errors[0]["code"] if exc.errors else ""
                key = "not_ours" if code == "unknown_message" else "unreadable"
                counts[key] += 1
                if key == "unreadable":
                    continue  # left unseen: someone reads it in the mailbox
            else:
                counts["filed" if created else "repeated"] += 1
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            mailbox.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.warning("PEC mailbox logout failed")
    logger.info("PEC receipts fetched", extra=counts)
    return counts

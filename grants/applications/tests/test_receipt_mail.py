"""The receipt e-mail: the submitter is notified once with the protocol number; with a worker the PDF is
attached (rendered by the e-mail task, not by the submission)."""

import pytest
from django.core import mail

from grants.applications import services
from grants.applications.receipt_mail import send_receipt
from grants.notifications.models import Notification

from .factories import member_of, ready_application

pytestmark = pytest.mark.django_db(transaction=True)


def test_submission_notifies_the_submitter_once_with_the_protocol():
    user, organisation = member_of()
    application = ready_application(user=user, organisation=organisation)
    result = services.submit(
        actor=user, application=application, idempotency_key="m", declarations_accepted=True
    )
    notification = Notification.objects.get(event="application_receipt", user=user)
    assert result.protocol in notification.subject
    send_receipt(application.pk)  # a retry or re-run sends nothing more
    assert Notification.objects.filter(event="application_receipt").count() == 1
    assert any(result.protocol in message.subject for message in mail.outbox)


def test_with_a_worker_the_receipt_email_carries_the_pdf(monkeypatch):
    """Where a worker runs (no inline Celery), the notification names the receipt as its attachment and the
    e-mail task renders it: the message carries a PDF with the protocol number."""
    from types import SimpleNamespace

    from grants.applications import receipt_mail
    from grants.applications.tests.test_receipt import pdf_text

    monkeypatch.setattr(
        receipt_mail, "current_app", SimpleNamespace(conf=SimpleNamespace(task_always_eager=False))
    )
    user, organisation = member_of()
    application = ready_application(user=user, organisation=organisation)
    result = services.submit(
        actor=user, application=application, idempotency_key="allegato", declarations_accepted=True
    )
    notification = Notification.objects.get(event="application_receipt", user=user)
    assert notification.attachments == [{"provider": "application_receipt", "object_id": str(application.pk)}]
    (message,) = [m for m in mail.outbox if result.protocol in m.subject]
    assert message.to == [user.email]
    pdfs = [(name, data) for name, data, mimetype in message.attachments if mimetype == "application/pdf"]
    assert len(pdfs) == 1
    name, content = pdfs[0]
    assert name == f"ricevuta-{result.protocol.replace('/', '-')}.pdf"
    assert content.startswith(b"%PDF")
    assert result.protocol in pdf_text(content)

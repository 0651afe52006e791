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

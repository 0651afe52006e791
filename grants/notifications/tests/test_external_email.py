"""An e-mail to an address that is nobody's account: written with the caller's transaction, sent once."""

from datetime import timedelta

import pytest
from django.core import mail

from grants.notifications import events, tasks
from grants.notifications.models import ExternalEmail
from grants.notifications.services import email_address

pytestmark = pytest.mark.django_db


def test_it_is_sent_once_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = email_address(
            event=events.PARTNER_INVITATION, to="ente@pec.it", subject="Invito", body="Registratevi."
        )
    assert [m.to for m in mail.outbox] == [["ente@pec.it"]]
    assert mail.outbox[0].subject == "[WECARE] Invito" and "Registratevi." in mail.outbox[0].body
    assert tasks.send_external_email(email.pk) is False  # already sent
    assert len(mail.outbox) == 1


def test_an_unknown_event_or_no_address_is_a_programming_error():
    with pytest.raises(ValueError):
        email_address(event="sconosciuto", to="a@b.it", subject="x", body="y")
    with pytest.raises(ValueError):
        email_address(event=events.PARTNER_INVITATION, to=" ", subject="x", body="y")


def test_one_never_queued_is_swept():
    email = email_address(event=events.PARTNER_INVITATION, to="a@b.it", subject="x", body="y")  # no commit
    ExternalEmail.objects.filter(pk=email.pk).update(created_at=email.created_at - timedelta(hours=1))
    assert tasks.send_pending_emails() == 1
    email.refresh_from_db()
    assert email.email_sent_at is not None and len(mail.outbox) == 1

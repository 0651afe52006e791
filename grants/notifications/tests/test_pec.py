"""Formal notices by PEC: the channel against a real SMTP server over TLS, receipts as the providers send
them (daticert.xml), the deadline that counts from delivery, the officer's page and the IMAP fetch."""

import datetime as dt
import email
import email.policy
import ssl

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from grants.core.errors import DomainError
from grants.core.models import AuditEvent
from grants.core.timeutils import ROME
from grants.notifications.models import PecNotice, PecReceipt
from grants.notifications.pec import receipts, services, tasks
from grants.notifications.pec.models import PecStatus
from grants.notifications.pec.signals import notice_delivered
from grants.programme.tests.factories import CallFactory
from grants.registry.tests.factories import OrganisationFactory, UserFactory, staff_user

from .pec_support import LOGIN, PASSWORD, receipt_eml, start_smtp_server

pytestmark = pytest.mark.django_db
PEC_PERMISSIONS = ("notifications.view_pecnotice", "notifications.add_pecreceipt")


def pec_settings(server, **overrides):
    values = {
        "PEC_EMAIL_HOST": server.host,
        "PEC_EMAIL_PORT": server.port,
        "PEC_EMAIL_HOST_USER": LOGIN,
        "PEC_EMAIL_HOST_PASSWORD": PASSWORD,
        "PEC_EMAIL_USE_SSL": server.implicit_tls,
        "PEC_EMAIL_USE_TLS": not server.implicit_tls,
        "PEC_EMAIL_SSL_CAFILE": server.cafile,
        "PEC_EMAIL_TIMEOUT": 5,
    }
    values.update(overrides)
    return override_settings(**values)


@pytest.fixture(params=[True, False], ids=["implicit-tls", "starttls"])
def smtp(request, tmp_path):
    server, stop = start_smtp_server(tmp_path, implicit_tls=request.param)
    with pec_settings(server):
        yield server
    stop()


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def officer(call):
    return staff_user(*PEC_PERMISSIONS, calls=[call])


def issue(officer, call, **kwargs):
    values = {
        "kind": "integration_request",
        "recipient": "Cooperativa@PEC.example.it",
        "subject": "Richiesta di integrazione per la domanda 2026/000123",
        "body": "Si richiede di integrare entro 10 giorni dalla consegna.",
        "call": call,
        "term_days": 10,
    }
    values.update(kwargs)
    return services.issue_notice(actor=officer, **values)


# --- reading receipts -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "recipient"),
    [
        ("accettazione", "cooperativa@pec.example.it"),
        ("avvenuta-consegna", "cooperativa@pec.example.it"),
        ("non-accettazione", "cooperativa@pec.example.it"),
        ("errore-consegna", "cooperativa@pec.example.it"),
    ],
)
def test_a_receipt_is_read_from_its_daticert(kind, recipient):
    raw = receipt_eml(kind, "abc.123@wecare.test", error="nessuno" if "errore" not in kind else "no-dest")

    receipt = receipts.parse_receipt(raw)

    assert receipt.kind == kind and receipt.msgid == "abc.123@wecare.test"
    assert receipt.recipient == recipient
    assert receipt.moment == dt.datetime(2026, 12, 7, 10, 15, 32, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert receipt.provider_id.startswith(f"opec.{kind}.")


def test_what_is_not_a_receipt_is_refused_and_entities_are_not_resolved():
    with pytest.raises(receipts.ReceiptError):
        receipts.parse_receipt(b"From: a@b.it\r\nSubject: ciao\r\n\r\nNiente ricevuta.\r\n")
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE postacert [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<postacert tipo="accettazione" errore="nessuno"><dati><data zona="+0100"><giorno>07/12/2026'
        b"</giorno><ora>10:00:00</ora></data><msgid>&x;</msgid></dati></postacert>"
    )
    with pytest.raises(receipts.ReceiptError):  # the entity stays unresolved: no msgid, no file read
        receipts.parse_daticert(hostile)


# --- the channel ------------------------------------------------------------------------------------------
def test_a_notice_goes_to_the_pec_provider_over_tls_not_through_ordinary_mail(
    smtp, officer, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue(officer, call)

    notice.refresh_from_db()
    assert notice.status == PecStatus.SENT and notice.sent_at is not None
    [received] = smtp.messages
    assert received.recipients == ["cooperativa@pec.example.it"]
    assert received.login == LOGIN and received.encrypted
    sent = email.message_from_bytes(received.data, policy=email.policy.default)
    assert sent["Message-ID"].strip() == f"<{notice.message_id}>"
    assert sent["Subject"] == "Richiesta di integrazione per la domanda 2026/000123"
    assert sent["From"] == "wecare@cert.regione.piemonte.example"
    assert mail.outbox == []  # ordinary mail is another channel
    assert AuditEvent.objects.filter(action="pec_notice.sent", object_id=str(notice.pk)).exists()
    assert services.send_notice(notice.pk) is False  # sent once
    assert len(smtp.messages) == 1


def test_a_provider_whose_certificate_is_not_trusted_gets_nothing(
    smtp, officer, call, django_capture_on_commit_callbacks, tmp_path
):
    notice = issue(officer, call)
    with pec_settings(smtp, PEC_EMAIL_SSL_CAFILE=""), pytest.raises(ssl.SSLCertVerificationError):
        services.send_notice(notice.pk)  # the system store does not know the test's self-signed CA
    notice.refresh_from_db()
    assert notice.status == PecStatus.QUEUED and smtp.messages == []


def test_without_a_pec_provider_the_notice_stays_queued_for_the_officer(officer, call):
    with override_settings(PEC_EMAIL_HOST=""):
        notice = issue(officer, call)
        assert services.send_notice(notice.pk) is False
    assert PecNotice.objects.get(pk=notice.pk).status == PecStatus.QUEUED


def test_only_staff_issue_notices(officer, call):
    with pytest.raises(PermissionDenied):
        issue(UserFactory(), call)
    with pytest.raises(DomainError) as refused:
        issue(officer, call, term_days=0)
    assert refused.value.errors[0]["field"] == "term_days"


@pytest.mark.parametrize(
    ("recipient", "reason"), [("", "non ha un indirizzo PEC"), ("non-un-indirizzo", "non è valido")]
)
def test_a_notice_that_cannot_go_is_recorded_as_undeliverable_with_its_reason(
    client, officer, call, recipient, reason, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Cooperativa Senza Posta")
    with django_capture_on_commit_callbacks() as queued:
        notice = issue(officer, call, recipient=recipient, organisation=organisation)

    assert queued == []  # nothing to send
    assert notice.status == PecStatus.UNDELIVERABLE and notice.deadline is None
    assert reason in notice.error and "Cooperativa Senza Posta" in notice.error
    assert AuditEvent.objects.filter(action="pec_notice.undeliverable", object_id=str(notice.pk)).exists()
    client.force_login(officer)
    page = client.get(reverse("notifications:pec_notices")).content.decode()
    assert notice.subject in page.split('id="consegnate"')[0] and reason in page


# --- receipts and the deadline ----------------------------------------------------------------------------
def test_the_deadline_counts_from_the_delivery_receipt(officer, call):
    notice = issue(officer, call, term_days=10)
    delivered = []
    notice_delivered.connect(
        lambda sender, notice, **kw: delivered.append(notice.pk), weak=False, dispatch_uid="t"
    )
    try:
        services.record_receipt(actor=officer, raw=receipt_eml("accettazione", notice.message_id))
        notice.refresh_from_db()
        assert notice.status == PecStatus.ACCEPTED and notice.deadline is None

        moment = dt.datetime(2026, 12, 9, 18, 30, 0)
        raw = receipt_eml("avvenuta-consegna", notice.message_id, moment=moment)
        receipt, created = services.record_receipt(actor=officer, raw=raw)
        again, created_again = services.record_receipt(actor=officer, raw=raw)
    finally:
        notice_delivered.disconnect(dispatch_uid="t")

    notice.refresh_from_db()
    assert created and not created_again and again.pk == receipt.pk
    assert notice.status == PecStatus.DELIVERED
    assert notice.delivered_at == dt.datetime(2026, 12, 9, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert notice.deadline == dt.datetime(2026, 12, 19, 23, 59, 59, tzinfo=ROME)
    assert delivered == [notice.pk]  # once
    assert list(notice.receipts.values_list("kind", flat=True)) == ["accettazione", "avvenuta-consegna"]
    assert bytes(receipt.raw) == raw  # kept as evidence
    assert (
        AuditEvent.objects.filter(action="pec_receipt.avvenuta-consegna", object_id=str(notice.pk)).count()
        == 1
    )


def test_a_delivery_error_leaves_the_notice_among_the_undelivered(client, officer, call):
    notice = issue(officer, call)
    raw = receipt_eml(
        "errore-consegna", notice.message_id, error="no-dest", extended_error="5.1.1 casella inesistente"
    )
    services.record_receipt(actor=officer, raw=raw)
    notice.refresh_from_db()
    assert notice.status == PecStatus.DELIVERY_ERROR and "casella inesistente" in notice.error
    assert notice.deadline is None

    client.force_login(officer)
    page = client.get(reverse("notifications:pec_notices")).content.decode()
    assert notice.subject in page and "casella inesistente" in page


def test_a_receipt_of_another_call_is_refused_like_one_that_is_not_ours(officer):
    other_call = CallFactory()
    other = issue(staff_user(*PEC_PERMISSIONS, calls=[other_call]), other_call)
    for msgid in (other.message_id, "sconosciuto@altrove.it"):
        with pytest.raises(DomainError) as refused:
            services.record_receipt(actor=officer, raw=receipt_eml("avvenuta-consegna", msgid))
        assert refused.value.errors[0]["code"] == "unknown_message"
    assert not PecReceipt.objects.exists()


# --- the officer's page -----------------------------------------------------------------------------------
def test_the_officer_uploads_a_receipt_and_sees_what_is_still_undelivered(client, officer, call):
    delivered, waiting = issue(officer, call, subject="Revoca del contributo"), issue(officer, call)
    client.force_login(officer)
    url = reverse("notifications:pec_notices")

    eml = SimpleUploadedFile("ricevuta.eml", receipt_eml("avvenuta-consegna", delivered.message_id))
    assert client.post(url, {"file": eml})["Location"] == url
    page = client.get(url).content.decode()
    assert waiting.subject in page.split('id="consegnate"')[0]
    assert "Revoca del contributo" in page.split('id="consegnate"')[1]

    junk = client.post(url, {"file": SimpleUploadedFile("nota.eml", b"Subject: x\r\n\r\nnulla\r\n")})
    assert junk.status_code == 400
    assert 'aria-invalid="true"' in junk.content.decode() and "daticert.xml" in junk.content.decode()
    not_eml = client.post(url, {"file": SimpleUploadedFile("ricevuta.pdf", b"%PDF")})
    assert not_eml.status_code == 400


def test_the_page_is_for_officers_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("notifications:pec_notices")).status_code == 403


# --- the IMAP fetch ---------------------------------------------------------------------------------------
class FakeMailbox:
    def __init__(self, messages: dict[bytes, bytes]):
        self.messages, self.seen, self.logged_in = messages, set(), False

    def login(self, user, password):
        self.logged_in = True

    def select(self, folder):
        return "OK", [b"1"]

    def uid(self, command, *args):
        if command == "SEARCH":
            return "OK", [b" ".join(uid for uid in self.messages if uid not in self.seen)]
        if command == "FETCH":
            return "OK", [(b"1 (BODY[] {1}", self.messages[args[0]]), b")"]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", []
        raise AssertionError(command)

    def logout(self):
        pass


def test_the_periodic_task_files_the_receipts_of_the_pec_mailbox(monkeypatch, officer, call):
    notice = issue(officer, call)
    box = FakeMailbox(
        {
            b"1": receipt_eml("accettazione", notice.message_id),
            b"2": receipt_eml("avvenuta-consegna", notice.message_id),
            b"3": receipt_eml("avvenuta-consegna", "di-un-altro-sistema@altrove.it"),
            b"4": b"Subject: newsletter\r\n\r\nnon una ricevuta\r\n",
        }
    )
    monkeypatch.setattr(tasks, "_mailbox", lambda: box)

    with override_settings(PEC_IMAP_HOST="imap.pec.test"):
        counts = tasks.fetch_pec_receipts()
        again = tasks.fetch_pec_receipts()

    assert counts == {"filed": 2, "repeated": 0, "not_ours": 1, "unreadable": 1}
    assert again == {"filed": 0, "repeated": 0, "not_ours": 0, "unreadable": 1}
    assert box.seen == {b"1", b"2", b"3"}  # the unreadable one stays for a person
    notice.refresh_from_db()
    assert notice.status == PecStatus.DELIVERED and notice.deadline is not None
    assert set(notice.receipts.values_list("source", flat=True)) == {"imap"}


def test_the_officer_sees_the_notices_of_their_calls_only(client, officer, call):
    other_call = CallFactory()
    issue(
        staff_user(*PEC_PERMISSIONS, calls=[other_call]), other_call, subject="Preavviso di rigetto riservato"
    )
    mine = issue(officer, call, subject="Provvedimento di concessione")
    client.force_login(officer)
    page = client.get(reverse("notifications:pec_notices")).content.decode()
    assert mine.subject in page and "Preavviso di rigetto riservato" not in page
    head_of_measure = staff_user("notifications.view_pecnotice", "programme.assign_call_staff", calls=[])
    client.force_login(head_of_measure)
    assert (
        "Preavviso di rigetto riservato" in client.get(reverse("notifications:pec_notices")).content.decode()
    )

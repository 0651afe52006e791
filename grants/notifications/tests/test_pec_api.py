"""The PEC API (#18): the notices of one's calls (undelivered ones on request) and the upload of a receipt,
with refusals as problem+json."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.notifications.pec import services
from grants.notifications.pec.models import PecStatus
from grants.programme.tests.factories import CallFactory
from grants.registry.tests.factories import OrganisationFactory, UserFactory, staff_user

from .pec_support import receipt_eml

pytestmark = pytest.mark.django_db
API = "/api/v1"
PEC_PERMISSIONS = ("notifications.view_pecnotice", "notifications.add_pecreceipt")


def issue(officer, call, **kwargs):
    values = {
        "kind": "revocation",
        "recipient": "cooperativa@pec.example.it",
        "subject": "Revoca del contributo",
        "body": "Testo.",
        "call": call,
        "term_days": 60,
    }
    values.update(kwargs)
    return services.issue_notice(actor=officer, **values)


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def officer(call):
    return staff_user(*PEC_PERMISSIONS, calls=[call])


def _items(response):
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


def test_the_officer_lists_the_notices_of_their_calls_and_filters_the_undelivered(client, officer, call):
    delivered = issue(officer, call, subject="Consegnata")
    waiting = issue(officer, call, subject="In attesa")
    unsent = issue(officer, call, subject="Senza PEC", recipient="", organisation=OrganisationFactory())
    other_call = CallFactory()
    issue(staff_user(*PEC_PERMISSIONS, calls=[other_call]), other_call, subject="Di un altro bando")
    services.record_receipt(actor=officer, raw=receipt_eml("avvenuta-consegna", delivered.message_id))
    client.force_login(officer)

    every = client.get(f"{API}/pec/notices")
    undelivered = client.get(f"{API}/pec/notices", {"undelivered": "true"})

    assert every.status_code == 200, every.content
    assert [n["subject"] for n in _items(every)] == ["Consegnata", "In attesa", "Senza PEC"]
    rows = {n["id"]: n for n in _items(undelivered)}
    assert set(rows) == {waiting.pk, unsent.pk}
    assert rows[unsent.pk]["status"] == PecStatus.UNDELIVERABLE and "PEC" in rows[unsent.pk]["error"]
    assert rows[waiting.pk]["call_code"] == call.code and rows[waiting.pk]["term_days"] == 60


def test_the_notices_are_for_pec_staff_only(client):
    client.force_login(UserFactory())
    response = client.get(f"{API}/pec/notices")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"


def test_a_receipt_is_uploaded_once_and_what_is_not_one_is_refused_as_problem_json(client, officer, call):
    notice = issue(officer, call)
    client.force_login(officer)
    url = f"{API}/pec/receipts"
    raw = receipt_eml("avvenuta-consegna", notice.message_id)

    first = client.post(url, {"file": SimpleUploadedFile("ricevuta.eml", raw)})
    again = client.post(url, {"file": SimpleUploadedFile("ricevuta.eml", raw)})

    assert first.status_code == 201, first.content
    assert first.json()["created"] is True and first.json()["kind"] == "avvenuta-consegna"
    assert first.json()["notice"]["status"] == PecStatus.DELIVERED
    assert first.json()["notice"]["deadline"] is not None
    assert again.status_code == 200 and again.json()["created"] is False

    junk = client.post(url, {"file": SimpleUploadedFile("nota.eml", b"Subject: x\r\n\r\nnulla\r\n")})
    not_eml = client.post(url, {"file": SimpleUploadedFile("ricevuta.pdf", b"%PDF")})
    for refused in (junk, not_eml):
        assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
        assert refused.json()["errors"][0]["field"] == "file"
    assert junk.json()["code"] == "not_a_receipt"


def test_a_receipt_of_another_calls_notice_is_refused_like_one_that_is_not_ours(client, officer):
    other_call = CallFactory()
    other = issue(staff_user(*PEC_PERMISSIONS, calls=[other_call]), other_call)
    client.force_login(officer)
    response = client.post(
        f"{API}/pec/receipts",
        {"file": SimpleUploadedFile("r.eml", receipt_eml("avvenuta-consegna", other.message_id))},
    )
    assert response.status_code == 422 and response.json()["code"] == "unknown_message"
    other.refresh_from_db()
    assert other.status == PecStatus.QUEUED
    client.force_login(UserFactory())
    assert client.post(f"{API}/pec/receipts", {"file": SimpleUploadedFile("r.eml", b"x")}).status_code == 403

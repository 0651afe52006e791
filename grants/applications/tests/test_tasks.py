"""The receipt made by a worker: queued when the submission commits (with a broker), stored once, served."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from config.celery import app as celery_app
from grants.applications import receipt_mail, tasks
from grants.core.tasks import PermanentTaskError

from .factories import ready_application
from .test_receipt import pdf_text, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def with_broker(monkeypatch):
    """As with Redis: the receipts are sent, not run, and collected; the batch's message is handled at once
    (as a worker would), the protocol registration and e-mail it sends go nowhere."""
    sent = []
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.after_numbering, "delay", tasks.after_numbering.run)
    monkeypatch.setattr(tasks.issue_receipt, "delay", lambda *args: sent.append(args))
    monkeypatch.setattr(tasks.register_protocol, "delay", lambda *args: None)
    monkeypatch.setattr(receipt_mail.send_receipt, "delay", lambda *args: None)
    return sent


def test_a_submission_queues_its_receipt_after_the_commit(with_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application = submitted()
    assert with_broker == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert with_broker == [(application.pk,)]


def test_a_replayed_submission_queues_nothing_more(with_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted()
        from grants.applications import services

        services.submit(
            actor=application.created_by,
            application=application,
            idempotency_key="ricevuta",
            declarations_accepted=True,
        )
    assert with_broker == [(application.pk,)]


def test_without_a_broker_nothing_is_queued_and_the_receipt_is_rendered_on_download(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.issue_receipt, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted()
    assert queued == []
    assert application.protocol_number is not None


def test_the_task_stores_the_receipt_once_under_its_protocol_number():
    application = submitted()

    name = tasks.issue_receipt.run(application.pk)

    assert name == f"receipts/{application.protocol_year}/{application.protocol_number:07d}.pdf"
    stored = tasks.stored_receipt(application)
    assert stored.startswith(b"%PDF") and application.protocol in pdf_text(stored)
    # A second run (a retry, a redelivery) keeps the first file.
    assert tasks.issue_receipt.run(application.pk) == name
    assert default_storage.listdir(f"receipts/{application.protocol_year}")[1] == [name.rsplit("/", 1)[1]]


def test_a_draft_has_no_receipt_to_make():
    application = ready_application()
    assert tasks.stored_receipt(application) is None
    with pytest.raises(PermanentTaskError):
        tasks.issue_receipt.run(application.pk)


def test_the_api_serves_the_stored_receipt(client):
    application = submitted()
    name = tasks.stored_receipt_name(application)
    default_storage.save(name, ContentFile(b"%PDF-stored-by-the-worker"))
    client.force_login(application.created_by)

    response = client.get(f"/api/v1/applications/{application.pk}/receipt.pdf")

    assert response.status_code == 200
    assert response.content == b"%PDF-stored-by-the-worker"

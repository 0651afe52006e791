"""Background work of the applications context: the PDF receipt of a submission, made by a Celery worker.

The submission answers with its protocol number at once; rendering the receipt (WeasyPrint, a few hundred
milliseconds) happens afterwards on a worker, so a click day's requests never wait for it. The PDF is stored
once per protocol number in the default storage (``receipts/<year>/<number>.pdf``, shared by every node) and
served from there; it prints the submission snapshot, so rendering it again gives the same receipt.
"""

from celery import current_app
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from grants.core.tasks import PermanentTaskError, idempotent_task

from .models import Application
from .receipt import render_receipt_pdf


def stored_receipt_name(application: Application) -> str:
    return f"receipts/{application.protocol_year}/{application.protocol_number:07d}.pdf"


def stored_receipt(application: Application) -> bytes | None:
    """The PDF the worker stored for this submission, or None while it is not there yet."""
    if application.protocol_number is None:
        return None
    name = stored_receipt_name(application)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@idempotent_task(name="grants.applications.tasks.issue_receipt")
def issue_receipt(application_id: int) -> str:
    """Render and store the receipt of a submitted application; a second run finds it and stops."""
    application = (
        Application.objects.select_related("call", "applicant", "submitted_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.protocol_number is None:
        raise PermanentTaskError(f"application {application_id} has no protocol number")
    name = stored_receipt_name(application)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(render_receipt_pdf(application)))
    return name


@idempotent_task(name="grants.applications.tasks.register_protocol")
def register_protocol(application_id: int) -> str:
    """Register the submission in the protocol register and store what it gave; a second run finds it."""
    from .protocol.records import registration_of

    application = Application.objects.select_related("call", "applicant").filter(pk=application_id).first()
    if application is None or application.protocol_number is None:
        raise PermanentTaskError(f"application {application_id} has no protocol number")
    return str(registration_of(application))


@idempotent_task(name="grants.applications.tasks.after_numbering")
def after_numbering(application_ids: list[int]) -> int:
    """What follows the numbering of a batch, for each application: its receipt and its registration in the
    protocol register, and the receipt e-mail to the sender, each a task of its own, retried alone.

    Without a broker (the embedded demo, tests) only the e-mail is sent: the download renders the receipt on
    demand, and inline rendering would put WeasyPrint back on the submission's path; the registration is
    asked for (and stored) when the segnatura is first read.

    The sequencer sends this one message per batch instead of three per application: each message is a
    round trip to the broker, and on a click day sending them cost the sequencer more than the numbering
    itself (bench/README.md). A re-run sends them again, and each of them is idempotent."""
    from .receipt_mail import send_receipt

    for application_id in application_ids:
        if not current_app.conf.task_always_eager:
            issue_receipt.delay(application_id)
            register_protocol.delay(application_id)
        send_receipt.delay(application_id)
    return len(application_ids)

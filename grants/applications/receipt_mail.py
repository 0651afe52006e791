"""The receipt sent by e-mail to whoever submitted the application, through the notifications context.

``submit`` returns the protocol number at once; this task (on commit, by a worker when one is configured,
inline otherwise) writes the notification, and the e-mail task of the notifications context renders the PDF
receipt as its attachment, so the rendering never delays the submission on a configured deployment.
"""

from celery import current_app
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.core.tasks import idempotent_task
from grants.notifications.attachments import AttachmentFile, attachment_provider
from grants.notifications.events import APPLICATION_RECEIPT
from grants.notifications.models import Notification
from grants.notifications.services import notify

from .models import Application
from .receipt import receipt_filename, render_receipt_pdf
from .tasks import stored_receipt


@attachment_provider(APPLICATION_RECEIPT)
def receipt_attachment(object_id: str) -> AttachmentFile | None:
    application = Application.objects.filter(pk=object_id, protocol_number__isnull=False).first()
    if application is None:
        return None
    pdf = stored_receipt(application) or render_receipt_pdf(application)  # the worker's copy when it is there
    return AttachmentFile(receipt_filename(application), pdf, "application/pdf")


@idempotent_task(name="applications.send_receipt")
def send_receipt(application_id: int) -> None:
    """Notify the submitter once (a retry or a re-run finds the notification already written)."""
    application = (
        Application.objects.filter(pk=application_id, protocol_number__isnull=False)
        .select_related("call", "applicant", "submitted_by")
        .first()
    )
    if application is None or application.submitted_by is None:
        return
    if Notification.objects.filter(
        event=APPLICATION_RECEIPT, user=application.submitted_by, target_id=str(application.pk)
    ).exists():
        return
    notify(
        event=APPLICATION_RECEIPT,
        subject=_("Domanda inviata: protocollo %(protocol)s") % {"protocol": application.protocol},
        body=_(
            "La domanda «%(title)s» di %(applicant)s al bando «%(call)s» è stata ricevuta con il numero di "
            "protocollo %(protocol)s. La ricevuta in PDF, con l'impronta dei dati inviati, è allegata o "
            "scaricabile dalla pagina della domanda."
        )
        % {
            "title": application.title,
            "applicant": application.applicant.name,
            "call": application.call.title,
            "protocol": application.protocol,
        },
        users=[application.submitted_by],
        link=reverse("applications:application_submitted", args=[application.pk]),
        target=application,
        # Without a worker everything runs inside the submitting request: no PDF rendering there (the
        # e-mail links the receipt instead); with a worker the PDF is attached.
        attachments=None if current_app.conf.task_always_eager else [(APPLICATION_RECEIPT, application.pk)],
    )

"""Officers read one document of a submitted application: found only under its own call and application,
permission-checked, and every download audited (``application_document.downloaded``)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.programme.models import Call

from .models import ApplicationDocument
from .permissions import can_view_call_applications


def officer_document(call: Call, application_pk, document_pk) -> ApplicationDocument:
    """The current document ``document_pk`` of the submitted application ``application_pk`` of ``call``;
    ``ApplicationDocument.DoesNotExist`` when it belongs to another application or call, or to a draft."""
    return ApplicationDocument.objects.select_related(
        "application__applicant", "application__call", "required_document", "partner__organisation"
    ).get(
        pk=document_pk,
        application_id=application_pk,
        application__call=call,
        application__protocol_number__isnull=False,
    )


def open_document_for_officer(*, actor, document: ApplicationDocument, request=None):
    """The stored file, opened for reading, for staff with rights on the document's call."""
    application = document.application
    if not can_view_call_applications(actor, application.call):
        raise PermissionDenied(
            _("Solo il personale della Regione abilitato scarica i documenti delle domande.")
        )
    handle = document.file.open("rb")
    record_event(
        actor=actor,
        action="application_document.downloaded",
        obj=document,
        after={
            "application": application.pk,
            "protocol": application.protocol,
            "document": document.required_document.code,
            "sha256": document.sha256,
        },
        request=request,
    )
    return handle

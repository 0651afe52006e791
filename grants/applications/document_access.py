"""Reading one document of an application, page and API alike: found only under its own application,
permission-checked, every download audited (``application_document.downloaded``).

- Officers read the documents of submitted applications of a call they have rights on.
- The evaluator of an assignment, once free of conflicts, reads the documents of the application scored
  (the right is the evaluation's to check: ``open_document_checked_above``).
- The applicant's people (those acting for the applicant organisation: the ones who see the application)
  read back what they uploaded, draft or submitted: the current version of each document.
"""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.programme.models import Call

from . import selectors
from .models import ApplicationDocument
from .permissions import can_read_application, can_view_call_applications

_RELATED = ("application__applicant", "application__call", "required_document", "partner__organisation")


def officer_document(call: Call, application_pk, document_pk) -> ApplicationDocument:
    """The current document ``document_pk`` of the submitted application ``application_pk`` of ``call``;
    ``ApplicationDocument.DoesNotExist`` when it belongs to another application or call, or to a draft."""
    return ApplicationDocument.objects.select_related(*_RELATED).get(
        pk=document_pk,
        application_id=application_pk,
        application__call=call,
        application__protocol_number__isnull=False,
    )


def open_document_for_officer(*, actor, document: ApplicationDocument, request=None):
    """The stored file, opened for reading, for staff with rights on the document's call."""
    if not can_view_call_applications(actor, document.application.call):
        raise PermissionDenied(
            _("Solo il personale della Regione abilitato scarica i documenti delle domande.")
        )
    return _opened(actor, document, request)


def open_document_checked_above(*, actor, document: ApplicationDocument, request=None):
    """The stored file, opened for reading and the download audited, for a context built on this one that
    checked its own right to it (the evaluation: the evaluator of the assignment, free of conflicts,
    ``grants.evaluation.views.evaluators.assignment_document``)."""
    return _opened(actor, document, request)


def applicant_document(user, application_pk, document_pk) -> ApplicationDocument:
    """The current document ``document_pk`` of ``application_pk``, an application the user sees
    (``selectors.application_for_user``); ``ApplicationDocument.DoesNotExist`` for anything else, so an
    application of another organisation and a document of another application look the same: absent."""
    visible = selectors.applications_for_user(user).filter(pk=application_pk).values("pk")
    return ApplicationDocument.objects.select_related(*_RELATED).get(
        pk=document_pk, application_id__in=visible
    )


def open_document_for_applicant(*, actor, document: ApplicationDocument, request=None):
    """The stored file, opened for reading, for the people of the applicant organisation."""
    if not can_read_application(actor, document.application):
        raise PermissionDenied(_("Puoi scaricare solo i documenti delle domande della tua organizzazione."))
    return _opened(actor, document, request)


def _opened(actor, document: ApplicationDocument, request):
    handle = document.file.open("rb")
    application = document.application
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


def download_response(handle, document: ApplicationDocument) -> FileResponse:
    """The file as an attachment under its original name; never cached (applications hold personal data)."""
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["Cache-Control"] = "no-store"
    return response

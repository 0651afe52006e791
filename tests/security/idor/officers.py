"""IDOR cases of officers on A's submitted applications: export, one document, the documents' zip, the
segnatura di protocollo."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import services as application_services
from grants.applications.tests.factories import ready_application

from .evaluation import (
    _cached,
    _officer,
)
from .world import (
    PDF,
    Case,
    World,
)

# --- officers on A's submitted applications: export, one document, the zip of the documents ------------
# Staff-only (grants/applications/permissions.py: can_view_call_applications); B, an applicant, gets 403.
DOCUMENT_SECRET = b"Relazione riservata della Cooperativa Alfa"


def _document_of_a(w: World) -> dict:
    """A's application submitted to ``w.call`` with one document, and that document."""

    def build():
        application = ready_application(call=w.call, user=w.user_a, organisation=w.organisation_a)
        required = w.call.required_documents.get(code=w.document_code)
        document = application_services.attach_document(
            actor=w.user_a,
            application=application,
            required_document=required,
            uploaded_file=SimpleUploadedFile(
                "relazione.pdf", PDF + b"% " + DOCUMENT_SECRET, content_type="application/pdf"
            ),
        )
        application_services.submit(
            actor=w.user_a,
            application=application,
            idempotency_key="idor-document",
            declarations_accepted=True,
        )
        return application, document

    application, document = _cached(w, "document_of_a", build)
    return {"code": w.call.code, "pk": application.pk, "document_pk": document.pk}


def _own_document_args(w: World) -> dict:
    """A's document as its applicant reaches it: under the application, not under the call."""
    found = _document_of_a(w)
    return {"pk": found["pk"], "document_pk": found["document_pk"]}


def _document_secrets(w: World) -> list[str]:
    _document_of_a(w)
    return [w.organisation_a.name, w.organisation_a.fiscal_code, DOCUMENT_SECRET.decode()]


def _archive_of_a(w: World):
    """A finished zip of ``w.call``'s documents (A's among them), made for an officer; and a failed one."""
    from grants.applications.bulk_download import build_document_archive
    from grants.applications.models import DocumentArchive, DocumentArchiveStatus

    def build():
        _document_of_a(w)
        done = DocumentArchive.objects.create(call=w.call, requested_by=_officer(w))
        build_document_archive(done.pk)
        failed = DocumentArchive.objects.create(
            call=w.call,
            requested_by=_officer(w),
            status=DocumentArchiveStatus.FAILED,
            error=f"Il file della domanda di {w.organisation_a.name} non si legge.",
        )
        return done, failed

    return _cached(w, "archive_of_a", build)


def _archive_state(w: World):
    from grants.applications.models import DocumentArchive

    return sorted(DocumentArchive.objects.values_list("pk", "status", "done", "error"))


def _archive_args(key: str, *, api: bool) -> Callable[[World], dict]:
    def args(w: World) -> dict:
        done, failed = _archive_of_a(w)
        archive = failed if key == "failed" else done
        return {"code": w.call.code, ("archive_id" if api else "pk"): archive.pk}

    return args


def _officer_call_args(w: World) -> dict:
    _document_of_a(w)
    return {"code": w.call.code}


def _segnatura_args(w: World) -> dict:
    found = _document_of_a(w)
    return {"code": found["code"], "pk": found["pk"]}


def _api_segnatura_args(w: World) -> dict:
    return {"application_id": _document_of_a(w)["pk"]}


def _api_document_args(w: World) -> dict:
    found = _document_of_a(w)
    return {"code": found["code"], "application_id": found["pk"], "document_id": found["document_pk"]}


OFFICER_PAGE_CASES: dict[str, Case] = {
    "applications:officer_application_export": Case(args=_officer_call_args, secrets=_document_secrets),
    "applications:officer_document_download": Case(args=_document_of_a, secrets=_document_secrets),
    "applications:officer_application_segnatura": Case(args=_segnatura_args, secrets=_document_secrets),
    "applications:officer_archive_start": Case(
        args=_officer_call_args, method="post", secrets=_document_secrets, unchanged=_archive_state
    ),
    "applications:officer_archive_status": Case(
        args=_archive_args("failed", api=False), secrets=_document_secrets
    ),
    "applications:officer_archive_retry": Case(
        args=_archive_args("failed", api=False),
        method="post",
        secrets=_document_secrets,
        unchanged=_archive_state,
    ),
    "applications:officer_archive_download": Case(
        args=_archive_args("done", api=False), secrets=_document_secrets
    ),
}
OFFICER_API_CASES: dict[str, Case] = {
    "grants_api_applications_export_call_applications": Case(
        args=_officer_call_args, secrets=_document_secrets
    ),
    "grants_api_applications_download_application_document": Case(
        args=_api_document_args, secrets=_document_secrets
    ),
    "grants_api_applications_download_application_segnatura": Case(
        args=_api_segnatura_args, secrets=_document_secrets
    ),
    "grants_api_applications_start_document_archive": Case(
        args=_officer_call_args, method="post", secrets=_document_secrets, unchanged=_archive_state
    ),
    "grants_api_applications_get_document_archive": Case(
        args=_archive_args("failed", api=True), secrets=_document_secrets
    ),
    "grants_api_applications_retry_document_archive": Case(
        args=_archive_args("failed", api=True),
        method="post",
        secrets=_document_secrets,
        unchanged=_archive_state,
    ),
    "grants_api_applications_download_document_archive": Case(
        args=_archive_args("done", api=True), secrets=_document_secrets
    ),
}


# Pages, by URL name.

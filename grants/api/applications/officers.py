"""The officers' side of a call's applications: the XLSX export, the archives of the documents, one
document, the segnatura di protocollo and the registration in the protocol register."""

from datetime import date, datetime

from django.http import FileResponse, Http404, HttpResponse
from ninja import Field, Schema, Status

from grants.applications import bulk_download, document_access, exports, selectors
from grants.applications.bulk_download import ArchiveError
from grants.applications.models import DocumentArchive
from grants.applications.permissions import can_view_call_applications
from grants.applications.protocol.records import segnatura_response
from grants.core.errors import DomainError
from grants.programme.models import Call

from ..problems import problem_response
from . import router
from .common import document_download, invalid
from .schemas import DOCUMENT_FILE, DocumentArchiveOut

OFFICER_ONLY = "Solo il personale della Regione abilitato alle domande del bando."
# The API's names of the officers' list filters -> the list's own (validated by the same form).
EXPORT_FILTERS = {"status": "stato", "province": "provincia", "legal_form": "tipologia", "q": "q"}


class OfficerOnly(DomainError):
    """Anyone but the staff with rights on the call's applications: 403 with its own code."""

    status = 403
    code = "forbidden"


def _officer_call(request, code: str) -> Call:
    """The call for staff with rights on its applications (403 for anyone else, before any 404); a call the
    officer does not work on answers 404, as a missing one."""
    if not can_view_call_applications(request.auth):
        raise OfficerOnly(OFFICER_ONLY)
    call = Call.objects.filter(code=code).first()
    if call is None or not can_view_call_applications(request.auth, call):
        raise Http404
    return call


def _archive_out(archive: DocumentArchive) -> dict:
    done = archive.status == "done"
    return {
        "id": archive.pk,
        "call_code": archive.call.code,
        "status": archive.status,
        "done": archive.done,
        "total": archive.total,
        "applications": archive.applications,
        "size": archive.size,
        "sha256": archive.sha256,
        "error": archive.error,
        "requested_by": archive.requested_by.email,
        "created_at": archive.created_at,
        "finished_at": archive.finished_at,
        "download_url": (
            f"/api/v1/calls/{archive.call.code}/document-archives/{archive.pk}/download" if done else None
        ),
    }


def _archive(call, archive_id: int) -> DocumentArchive:
    return bulk_download.archive_for(call, archive_id)


@router.get(
    "/calls/{code}/applications/export.xlsx",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le domande inviate al bando che corrispondono ai filtri, in XLSX.",
                "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_call_applications(
    request,
    code: str,
    status: str | None = None,
    province: str | None = None,
    legal_form: str | None = None,
    q: str | None = None,
):
    """Le domande inviate al bando in XLSX, con i filtri dell'elenco dei funzionari: ``status`` (stato),
    ``province`` (codice ISTAT della provincia della sede del proponente), ``legal_form`` (tipologia),
    ``q`` (titolo, denominazione, codice fiscale o protocollo). Un valore non valido: 422."""
    call = _officer_call(request, code)
    values = {"status": status, "province": province, "legal_form": legal_form, "q": q}
    data = {EXPORT_FILTERS[name]: value for name, value in values.items() if value}
    form, filters = exports.officer_filters(data)
    if data and not form.is_valid():
        by_form_name = {v: k for k, v in EXPORT_FILTERS.items()}
        return invalid(
            [
                {"code": "invalid", "field": by_form_name.get(name, name), "message": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    try:
        content, _rows = exports.export_call_applications(
            actor=request.auth, call=call, filters=filters, request=request
        )
    except exports.ExportTooLarge as exc:
        return problem_response(422, detail=str(exc), code="export_too_large")
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(call)}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/calls/{code}/document-archives", response={202: DocumentArchiveOut})
def start_document_archive(request, code: str):
    """Avvia la preparazione dello zip dei documenti delle domande inviate (o restituisce quella già in
    corso dello stesso utente). Si segue con ``GET …/document-archives/{id}`` fino a ``done``."""
    call = _officer_call(request, code)
    archive = bulk_download.request_archive(actor=request.auth, call=call, request=request)
    return Status(202, _archive_out(archive))


@router.get("/calls/{code}/document-archives/{archive_id}", response=DocumentArchiveOut)
def get_document_archive(request, code: str, archive_id: int):
    """Stato e avanzamento (``done`` su ``total`` documenti) di un archivio; l'errore se non è riuscito."""
    call = _officer_call(request, code)
    return _archive_out(_archive(call, archive_id))


@router.post(
    "/calls/{code}/document-archives/{archive_id}/retry",
    response={202: DocumentArchiveOut},
    openapi_extra={"responses": {409: {"description": "L'archivio non è nello stato «failed»."}}},
)
def retry_document_archive(request, code: str, archive_id: int):
    """Riprova un archivio non riuscito (409 se non è nello stato ``failed``)."""
    call = _officer_call(request, code)
    archive = _archive(call, archive_id)
    try:
        archive = bulk_download.retry_archive(actor=request.auth, archive=archive, request=request)
    except ArchiveError as exc:
        return problem_response(exc.status, detail=exc.message, code=exc.code)
    return Status(202, _archive_out(archive))


@router.get(
    "/calls/{code}/document-archives/{archive_id}/download",
    openapi_extra={
        "responses": {
            200: {
                "description": "Lo zip dei documenti, con manifest.csv (impronte SHA-256).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            },
            409: {"description": "L'archivio non è ancora pronto."},
        }
    },
)
def download_document_archive(request, code: str, archive_id: int):
    call = _officer_call(request, code)
    archive = _archive(call, archive_id)
    try:
        handle = bulk_download.open_archive(actor=request.auth, archive=archive, request=request)
    except ArchiveError as exc:
        return problem_response(exc.status, detail=exc.message, code=exc.code)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=bulk_download.archive_filename(archive),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/calls/{code}/applications/{application_id}/documents/{document_id}",
    openapi_extra=DOCUMENT_FILE,
)
def download_application_document(request, code: str, application_id: int, document_id: int):
    """Un documento di una domanda inviata al bando, per il personale abilitato; ogni download è
    registrato."""
    call = _officer_call(request, code)
    return document_download(
        request,
        lambda: document_access.officer_document(call, application_id, document_id),
        document_access.open_document_for_officer,
    )


@router.get(
    "/applications/{application_id}/segnatura.xml",
    openapi_extra={
        "responses": {
            200: {
                "description": "La segnatura di protocollo della domanda (Segnatura.xml, struttura AgID).",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            },
            403: {"description": OFFICER_ONLY},
            404: {"description": "Domanda non trovata o di un bando su cui non si lavora."},
            503: {
                "description": (
                    "Il sistema di protocollo esterno (PROTOCOL_REGISTER_ADAPTER=HttpRegister) non risponde: "
                    "riprovare più tardi (problem+json, code protocol_unavailable)."
                )
            },
        }
    },
)
def download_application_segnatura(request, application_id: int):
    """La segnatura di protocollo (XML) di una domanda inviata, per il personale del bando."""
    if not can_view_call_applications(request.auth):
        raise OfficerOnly(OFFICER_ONLY)
    return segnatura_response(selectors.submitted_application_for_staff(request.auth, application_id))


class ProtocolRegistrationOut(Schema):
    application_id: int
    protocol: str = Field(description="Il numero di protocollo della piattaforma (es. 2026/000123)")
    registered: bool = Field(description="La domanda è registrata nel registro di protocollo dell'ente")
    number: str | None = Field(description="Numero di registrazione nel registro di protocollo")
    registered_on: date | None = Field(description="Data di registrazione")
    register_code: str | None = Field(description="Codice del registro")
    adapter: str | None = Field(description="Il registro di protocollo usato (adattatore)")
    created_at: datetime | None = Field(description="Quando la registrazione è stata memorizzata")


@router.get(
    "/applications/{application_id}/protocol-registration",
    response=ProtocolRegistrationOut,
    openapi_extra={
        "responses": {
            403: {"description": OFFICER_ONLY},
            404: {"description": "Domanda non trovata o di un bando su cui non si lavora."},
        }
    },
)
def get_protocol_registration(request, application_id: int):
    """La registrazione di protocollo memorizzata di una domanda inviata (come nella pagina della domanda
    per i funzionari), per il personale del bando; ``registered`` è falso finché non c'è."""
    if not can_view_call_applications(request.auth):
        raise OfficerOnly(OFFICER_ONLY)
    application = selectors.submitted_application_for_staff(request.auth, application_id)
    registration = getattr(application, "protocol_registration", None)
    return {
        "application_id": application.pk,
        "protocol": application.protocol,
        "registered": registration is not None,
        "number": registration.number if registration else None,
        "registered_on": registration.registered_on if registration else None,
        "register_code": registration.register_code if registration else None,
        "adapter": registration.adapter if registration else None,
        "created_at": registration.created_at if registration else None,
    }

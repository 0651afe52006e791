"""Every document of a call's submitted applications in one zip, made in the background.

An officer asks for the archive (``request_archive``); a ``DocumentArchive`` row records the job and a Celery
task (inline without Redis) writes the zip, updating ``done``/``total`` as it goes, so the officers' page can
poll a small status partial (htmx, every 2 s) and then show the download link. The zip holds only the
*current* version of each document (a replaced file stays in the document's history, not here) of the
applications that hold a protocol number and were not withdrawn, in folders named by protocol number and
applicant, plus ``manifest.csv`` with the SHA-256 of every file as read into the zip (and whether it matches
the fingerprint stored at upload). Files are copied in chunks into a temporary file, so memory stays flat
whatever the size of the call; the finished zip goes to the default storage.

A failed job keeps its error and can be retried (``retry_archive``); requesting, retrying and downloading
are permission-checked (``permissions.can_view_call_applications``) and audited.

Retention: a finished zip is a copy of personal data kept elsewhere, so it is deleted
``DOCUMENT_ARCHIVE_RETENTION_DAYS`` days (default 3) after it was made (``expire_archives``, run daily by
Celery beat): the file goes, the row stays marked ``expired`` with its counts and SHA-256, and the deletion
is audited. An officer who needs the documents again asks for a new archive.
"""

import csv
import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.tasks import PermanentTaskError, enqueue_on_commit, idempotent_task
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call

from .models import Application, ApplicationDocument, DocumentArchive, DocumentArchiveStatus
from .permissions import can_view_call_applications
from .states import ApplicationStatus

CHUNK = 1024 * 1024
MANIFEST_NAME = "manifest.csv"
MANIFEST_HEADER = [
    "protocollo",
    "proponente",
    "codice_fiscale",
    "documento",
    "partner",
    "percorso_nel_zip",
    "nome_originale",
    "tipo",
    "byte",
    "sha256",
    "sha256_registrata",
    "conforme",
]
# How often the progress is written while copying (every N documents; the last one always).
PROGRESS_EVERY = 5


class ArchiveError(Exception):
    """A request the archive cannot serve (not ready yet, not failed so not retriable)."""

    def __init__(self, message: str, *, code: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


# --- what goes in ---------------------------------------------------------------------------------------
def archived_applications(call: Call):
    """The applications whose documents the archive holds: protocol number given, not withdrawn."""
    return (
        Application.objects.filter(call=call, protocol_number__isnull=False)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("applicant")
        .order_by("protocol_year", "protocol_number")
    )


def archived_documents(call: Call):
    """Current documents (one row per file the application holds now) of ``archived_applications``."""
    return (
        ApplicationDocument.objects.filter(application__in=archived_applications(call))
        .select_related("application__applicant", "required_document", "partner__organisation")
        .order_by(
            "application__protocol_year",
            "application__protocol_number",
            "required_document__order",
            "required_document__code",
            "partner__order",
            "pk",
        )
    )


def _slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", ascii_text).strip("-.")
    return (slug[:limit].strip("-.") or "x").lower()


def application_folder(application: Application) -> str:
    """``2026-0000042_cooperativa-alfa``: the protocol number first, so folders sort in arrival order."""
    return f"{application.protocol.replace('/', '-')}_{_slug(application.applicant.name)}"


def document_path(document: ApplicationDocument, taken: set[str]) -> str:
    """``<folder>/<document code>[_<partner>]_<original name>``, unique inside the zip."""
    stem, dot, extension = document.original_name.rpartition(".")
    if not dot:
        stem, extension = document.original_name, ""
    parts = [_slug(document.required_document.code, 40)]
    if document.partner_id:
        parts.append(_slug(document.partner.display_name, 40))
    parts.append(_slug(stem, 60))
    name = "_".join(parts)
    suffix = f".{_slug(extension, 10)}" if extension else ""
    path = f"{application_folder(document.application)}/{name}{suffix}"
    if path in taken:
        path = f"{application_folder(document.application)}/{name}-{document.pk}{suffix}"
    taken.add(path)
    return path


def archive_filename(archive: DocumentArchive) -> str:
    moment = in_rome(archive.finished_at or archive.created_at)
    return f"documenti-{archive.call.code}-{moment:%Y%m%d-%H%M}.zip"


# --- services -------------------------------------------------------------------------------------------
def _require_rights(actor, call: Call) -> None:
    if not can_view_call_applications(actor, call):
        raise PermissionDenied(_("Solo il personale della Regione abilitato scarica i documenti del bando."))


def request_archive(*, actor, call: Call, request=None) -> DocumentArchive:
    """Start (or return, if one is still queued or running) the actor's archive of the call's documents."""
    _require_rights(actor, call)
    with transaction.atomic():
        running = (
            DocumentArchive.objects.select_for_update()
            .filter(
                call=call,
                requested_by=actor,
                status__in=(DocumentArchiveStatus.PENDING, DocumentArchiveStatus.RUNNING),
            )
            .first()
        )
        if running is not None:
            return running
        archive = DocumentArchive.objects.create(
            call=call, requested_by=actor, total=archived_documents(call).count()
        )
        record_event(
            actor=actor,
            action="document_archive.requested",
            obj=archive,
            after={"call": call.code, "documents": archive.total},
            request=request,
        )
        enqueue_on_commit(build_document_archive, archive.pk)
    archive.refresh_from_db()
    return archive


def retry_archive(*, actor, archive: DocumentArchive, request=None) -> DocumentArchive:
    """Run a failed archive again (its error is kept in the audit trail, cleared on the job)."""
    _require_rights(actor, archive.call)
    with transaction.atomic():
        current = DocumentArchive.objects.select_for_update().get(pk=archive.pk)
        if current.status != DocumentArchiveStatus.FAILED:
            raise ArchiveError(
                _("Si può riprovare solo un archivio non riuscito (stato: %(status)s).")
                % {"status": current.get_status_display()},
                code="archive_not_failed",
            )
        record_event(
            actor=actor,
            action="document_archive.retried",
            obj=current,
            before={"error": current.error},
            request=request,
        )
        current.status = DocumentArchiveStatus.PENDING
        current.error = ""
        current.done = 0
        current.total = archived_documents(current.call).count()
        current.save(update_fields=["status", "error", "done", "total", "updated_at"])
        enqueue_on_commit(build_document_archive, current.pk)
    current.refresh_from_db()
    return current


def retention_days() -> int:
    return int(getattr(settings, "DOCUMENT_ARCHIVE_RETENTION_DAYS", 3))


def expire_archives(*, days: int | None = None) -> int:
    """Delete the files of the zips finished more than ``days`` days ago (setting
    ``DOCUMENT_ARCHIVE_RETENTION_DAYS``); their rows become ``expired``. Returns how many were expired."""
    days = retention_days() if days is None else days
    limit = now() - timedelta(days=days)
    expired = 0
    stale = DocumentArchive.objects.filter(status=DocumentArchiveStatus.DONE, finished_at__lt=limit)
    for pk in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            archive = (
                DocumentArchive.objects.select_for_update()
                .filter(pk=pk, status=DocumentArchiveStatus.DONE)
                .select_related("call")
                .first()
            )
            if archive is None:
                continue
            name = archive.file.name
            if name:
                archive.file.storage.delete(name)
            archive.file = ""
            archive.status = DocumentArchiveStatus.EXPIRED
            archive.save(update_fields=["file", "status", "updated_at"])
            record_event(
                actor=None,
                action="document_archive.expired",
                obj=archive,
                after={"call": archive.call.code, "retention_days": days, "sha256": archive.sha256},
                reason="Conservazione scaduta: archivio eliminato",
            )
            expired += 1
    return expired


def open_archive(*, actor, archive: DocumentArchive, request=None):
    """The finished zip, opened for reading; audited as ``document_archive.downloaded``."""
    _require_rights(actor, archive.call)
    if archive.status == DocumentArchiveStatus.EXPIRED:
        raise ArchiveError(
            _("L'archivio è stato eliminato: gli archivi si conservano %(days)s giorni. Preparane uno nuovo.")
            % {"days": retention_days()},
            code="archive_expired",
            status=410,
        )
    if archive.status != DocumentArchiveStatus.DONE or not archive.file:
        raise ArchiveError(
            _("L'archivio non è ancora pronto (stato: %(status)s).")
            % {"status": archive.get_status_display()},
            code="archive_not_ready",
        )
    handle = archive.file.open("rb")
    record_event(
        actor=actor,
        action="document_archive.downloaded",
        obj=archive,
        after={"call": archive.call.code, "documents": archive.total, "sha256": archive.sha256},
        request=request,
    )
    return handle


def archives_of(actor, call: Call):
    return DocumentArchive.objects.filter(call=call, requested_by=actor).select_related("call")


def archive_for(call: Call, pk) -> DocumentArchive:
    """An archive of ``call`` (``DocumentArchive.DoesNotExist`` for another call's or none)."""
    return DocumentArchive.objects.select_related("call", "requested_by").get(call=call, pk=pk)


# --- the background job ---------------------------------------------------------------------------------
def _copy(document: ApplicationDocument, target) -> str:
    digest = hashlib.sha256()
    with document.file.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def write_archive(archive: DocumentArchive, output) -> tuple[int, int]:
    """Write the zip of ``archive.call`` into the binary file ``output``; returns the number of documents
    and of applications."""
    documents = list(archived_documents(archive.call))
    DocumentArchive.objects.filter(pk=archive.pk).update(total=len(documents), done=0)
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(MANIFEST_HEADER)
    taken: set[str] = set()
    applications: set[int] = set()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zipped:
        for index, document in enumerate(documents, start=1):
            path = document_path(document, taken)
            application = document.application
            try:
                with zipped.open(path, "w", force_zip64=document.size > 2**31) as target:
                    sha256 = _copy(document, target)
            except OSError as exc:
                raise ArchiveError(
                    _("Il file «%(name)s» della domanda %(protocol)s non si legge dall'archivio documenti.")
                    % {"name": document.original_name, "protocol": application.protocol},
                    code="document_unreadable",
                ) from exc
            applications.add(application.pk)
            writer.writerow(
                [
                    application.protocol,
                    application.applicant.name,
                    application.applicant.fiscal_code,
                    document.required_document.code,
                    document.partner.display_name if document.partner_id else "",
                    path,
                    document.original_name,
                    document.content_type,
                    document.size,
                    sha256,
                    document.sha256,
                    "sì" if sha256 == document.sha256 else "NO",
                ]
            )
            if index % PROGRESS_EVERY == 0 or index == len(documents):
                DocumentArchive.objects.filter(pk=archive.pk).update(done=index)
        zipped.writestr(
            zipfile.ZipInfo(MANIFEST_NAME, date_time=in_rome(now()).timetuple()[:6]),
            manifest.getvalue().encode("utf-8"),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return len(documents), len(applications)


@idempotent_task(name="grants.applications.build_document_archive")
def build_document_archive(archive_id: int) -> str:
    """Make the zip of one archive job. A finished job is left as it is (a repeated message); a failure is
    recorded on the job (the officer sees it and may retry) and not retried blindly."""
    archive = DocumentArchive.objects.select_related("call").filter(pk=archive_id).first()
    if archive is None:
        raise PermanentTaskError(f"document archive {archive_id} does not exist")
    if archive.status == DocumentArchiveStatus.DONE:
        return archive.file.name
    DocumentArchive.objects.filter(pk=archive.pk).update(
        status=DocumentArchiveStatus.RUNNING,
        started_at=now(),
        attempts=archive.attempts + 1,
        error="",
    )
    try:
        with tempfile.TemporaryFile() as output:
            documents, applications = write_archive(archive, output)
            output.seek(0, io.SEEK_END)
            size = output.tell()
            output.seek(0)
            digest = hashlib.sha256()
            while chunk := output.read(CHUNK):
                digest.update(chunk)
            output.seek(0)
            archive.refresh_from_db()
            if archive.file:
                archive.file.delete(save=False)  # a partial file of an earlier attempt
            archive.file.save(archive_filename(archive), File(output), save=False)
        DocumentArchive.objects.filter(pk=archive.pk).update(
            status=DocumentArchiveStatus.DONE,
            file=archive.file.name,
            size=size,
            sha256=digest.hexdigest(),
            done=documents,
            total=documents,
            applications=applications,
            finished_at=now(),
        )
    except Exception as exc:
        # What the officer reads: our own message, else the kind of failure (never a server path).
        message = (
            exc.message
            if isinstance(exc, ArchiveError)
            else _(
                "Errore imprevisto durante la preparazione (%(kind)s): riprovare; se si ripete, segnalarlo."
            )
            % {"kind": exc.__class__.__name__}
        )
        DocumentArchive.objects.filter(pk=archive.pk).update(
            status=DocumentArchiveStatus.FAILED,
            error=message[:2000],
            finished_at=now(),
        )
        raise PermanentTaskError(f"document archive {archive_id} failed: {exc}") from exc
    return archive.file.name

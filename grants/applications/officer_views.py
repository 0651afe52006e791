"""Officers' pages on a call's submitted applications beyond the list and the detail (grants/applications/
views.py): the XLSX export with the list's filters, the zip of every document made in the background (start,
status partial polled by htmx, retry, download), the download of one document and the segnatura di
protocollo (XML).

Thin: permissions in ``permissions.can_view_call_applications`` (anyone else: 403 page), objects looked up
under the call of the URL (another call's: 404), writes and audit in ``exports``, ``bulk_download`` and
``document_access``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import bulk_download, document_access, exports, selectors
from .bulk_download import ArchiveError
from .models import Application, ApplicationDocument, DocumentArchive
from .protocol.records import segnatura_response
from .protocol.registers import ProtocolUnavailable
from .views import _forbidden, _officer_call

ARCHIVE_ANCHOR = "archivio-documenti"


def _list_url(call, query: str = "", anchor: str = "") -> str:
    url = reverse("applications:officer_application_list", args=[call.code])
    if query:
        url = f"{url}?{query}"
    return f"{url}#{anchor}" if anchor else url


@login_required
def officer_application_export(request, code: str):
    """The XLSX of the call's submitted applications with the filters of the list (same query string)."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    _form, filters = exports.officer_filters(request.GET)
    try:
        data, _rows = exports.export_call_applications(
            actor=request.user, call=call, filters=filters, request=request
        )
    except exports.ExportTooLarge as exc:
        messages.error(request, str(exc))
        return redirect(_list_url(call, request.GET.urlencode()))
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(call)}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the archive of the documents -------------------------------------------------------------------------
def _archive_or_404(call, pk: int) -> DocumentArchive:
    try:
        return bulk_download.archive_for(call, pk)
    except DocumentArchive.DoesNotExist:
        raise Http404(_("Archivio non trovato.")) from None


def _archive_partial(request, call, archive: DocumentArchive | None) -> HttpResponse:
    return render(request, "applications/includes/archive_progress.html", {"call": call, "archive": archive})


@login_required
@require_POST
def officer_archive_start(request, code: str):
    """Start the zip of the call's documents (or show the one already under way)."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    archive = bulk_download.request_archive(actor=request.user, call=call, request=request)
    if request.htmx:
        return _archive_partial(request, call, archive)
    messages.success(request, _("Preparazione dell'archivio dei documenti avviata."))
    return redirect(_list_url(call, anchor=ARCHIVE_ANCHOR))


@login_required
def officer_archive_status(request, code: str, pk: int):
    """The progress of one archive (the partial htmx polls every 2 s until it is ready or failed)."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    archive = _archive_or_404(call, pk)
    if not request.htmx:
        return redirect(_list_url(call, anchor=ARCHIVE_ANCHOR))
    return _archive_partial(request, call, archive)


@login_required
@require_POST
def officer_archive_retry(request, code: str, pk: int):
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    archive = _archive_or_404(call, pk)
    try:
        archive = bulk_download.retry_archive(actor=request.user, archive=archive, request=request)
    except ArchiveError as exc:
        if request.htmx:
            return _archive_partial(request, call, archive)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _archive_partial(request, call, archive)
        messages.success(request, _("Preparazione dell'archivio dei documenti riavviata."))
    return redirect(_list_url(call, anchor=ARCHIVE_ANCHOR))


@login_required
def officer_archive_download(request, code: str, pk: int):
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    archive = _archive_or_404(call, pk)
    try:
        handle = bulk_download.open_archive(actor=request.user, archive=archive, request=request)
    except ArchiveError as exc:
        messages.error(request, exc.message)
        return redirect(_list_url(call, anchor=ARCHIVE_ANCHOR))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=bulk_download.archive_filename(archive),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


# --- one document -----------------------------------------------------------------------------------------
@login_required
def officer_document_download(request, code: str, pk: int, document_pk: int):
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    try:
        document = document_access.officer_document(call, pk, document_pk)
    except ApplicationDocument.DoesNotExist:
        raise Http404(_("Documento non trovato.")) from None
    handle = document_access.open_document_for_officer(actor=request.user, document=document, request=request)
    return document_access.download_response(handle, document)


# --- the segnatura di protocollo (AgID) --------------------------------------------------------------------
@login_required
def officer_application_segnatura(request, code: str, pk: int):
    """The Segnatura.xml of a submitted application of the call (grants/applications/protocol/)."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    try:
        application = selectors.submitted_application_for_staff(request.user, pk, call=call)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None
    try:
        return segnatura_response(application)
    except ProtocolUnavailable as unavailable:  # the external protocol system is down: say it, try later
        messages.error(request, unavailable.message)
        return redirect("applications:officer_application_detail", code=call.code, pk=application.pk)

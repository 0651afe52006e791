"""Submission, confirmation, receipt, documents and withdrawal of an application."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import document_access, selectors, services
from ..forms import SubmitForm, WithdrawForm
from ..models import Application, ApplicationDocument
from ..receipt import receipt_filename, render_receipt_pdf
from ..services import ApplicationError
from ..tasks import stored_receipt
from .common import _application_or_404, _detail_url
from .stepper import render_detail as _render_detail


# --- submission, receipt, withdrawal ------------------------------------------------------------------------
@login_required
@require_POST
def application_submit(request, pk: int):
    """Send the draft. The idempotency key was generated when the page was drawn: a double click sends the
    same key twice and both requests end on the same protocol number."""
    application = _application_or_404(request.user, pk)
    form = SubmitForm(request.POST, prefix="submit")
    if not form.is_valid():
        form.data = form.data.copy()
        form.data[form.add_prefix("idempotency_key")] = uuid.uuid4().hex
        form.add_error(None, _("Richiesta non valida: ricaricare la pagina e riprovare."))
        return _render_detail(request, application, {"submit_form": form})
    try:
        result = services.submit(
            actor=request.user,
            application=application,
            idempotency_key=form.cleaned_data["idempotency_key"],
            declarations_accepted=form.cleaned_data["declarations_accepted"],
        )
    except services.AlreadySubmitted as exc:
        messages.info(request, exc.message)
        return redirect("applications:application_submitted", pk=application.pk)
    except services.NotEditable as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(application))
    except ApplicationError as exc:
        # Nothing was stored with the key: the same page may send it again once the problem is fixed.
        if isinstance(exc, services.OutsideSubmissionWindow):
            form.add_error(None, _("La domanda non è stata inviata. %(reason)s") % {"reason": exc.message})
        elif declarations := [e for e in exc.errors if e.get("field") == "declarations_accepted"]:
            form.apply_service_errors(declarations, {"declarations_accepted": "declarations_accepted"})
        else:
            form.add_error(None, exc.message)
        return _render_detail(request, application, {"submit_form": form})
    if result.created and result.protocol:
        messages.success(
            request, _("Domanda inviata: numero di protocollo %(protocol)s.") % {"protocol": result.protocol}
        )
    return redirect("applications:application_submitted", pk=application.pk)


@login_required
def application_submitted(request, pk: int):
    """The sender's confirmation: «ricevuta, in protocollazione» with the arrival time until the sequencer
    numbers it (the status part refreshes itself every second, htmx), then the protocol and the receipt."""
    application = _application_or_404(request.user, pk)
    if application.submitted_at is None:
        return redirect(_detail_url(application))
    context = {"application": application, "arrival": selectors.arrival(application)}
    if request.headers.get("HX-Request"):
        return render(request, "applications/includes/submission_status.html", context)
    return render(request, "applications/submitted.html", context)


@login_required
def application_receipt(request, pk: int):
    application = _application_or_404(request.user, pk)
    if application.protocol_number is None:
        raise Http404(_("La ricevuta esiste solo per le domande inviate."))
    return receipt_response(application)


@login_required
def application_document(request, pk: int, document_pk: int):
    """A document the applicant uploaded, read back (draft or submitted): the current version."""
    try:
        document = document_access.applicant_document(request.user, pk, document_pk)
    except ApplicationDocument.DoesNotExist:
        raise Http404(_("Documento non trovato.")) from None
    handle = document_access.open_document_for_applicant(
        actor=request.user, document=document, request=request
    )
    return document_access.download_response(handle, document)


def receipt_response(application: Application) -> HttpResponse:
    pdf = stored_receipt(application) or render_receipt_pdf(application)  # the worker's copy, else now
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(application)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def application_withdraw(request, pk: int):
    """The withdrawal, in two steps: the page asks for the reason and a confirmation (GET), the POST
    withdraws. A refusal (deadline passed, state) goes back to the application with its message."""
    application = _application_or_404(request.user, pk)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw(
                    actor=request.user, application=application, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Domanda ritirata."))
            return redirect(_detail_url(application))
        form.describe_fields()
        status = 422
    else:
        form = WithdrawForm()
        status = 200
    return render(
        request, "applications/withdraw.html", {"application": application, "form": form}, status=status
    )

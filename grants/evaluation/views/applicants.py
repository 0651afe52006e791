"""Applicants' pages of the evaluation: the executive project of an admitted idea (two-phase calls) and the
answer to an integration request, the observations to a notice of intended rejection (art. 10-bis)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.core.audit import record_event
from grants.core.errors import DomainError
from grants.core.forms import refusal_to_form

from .. import permissions, selectors, services
from ..forms import EmptyForm, IntegrationAnswerForm, ObservationsForm
from ..models import IntegrationItem, IntegrationRequest, RejectionNotice, RejectionNoticeStatus
from .common import submit_form


@login_required
def executive_project(request, pk: int):
    """The idea's way to the second phase: its outcome, the second window's dates, and the button that
    starts the executive project while (and only while) the window is open."""
    try:
        idea = selectors.applicant_application(request.user, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None
    state = selectors.executive_project_state(idea)
    if state.window is None:
        raise Http404(_("La domanda non è un'idea progettuale di un bando in due fasi."))
    if request.method == "POST":

        def start(data):
            executive = services.create_executive_project(actor=request.user, idea=idea)
            messages.success(request, _("Progetto esecutivo avviato: compila e invia la domanda."))
            return redirect("applications:application_detail", pk=executive.pk)

        return submit_form(
            request,
            EmptyForm(request.POST),
            start,
            back=lambda: redirect("evaluation:executive_project", pk=idea.pk),
        )
    moment = timezone.now()
    return render(
        request,
        "evaluation/executive_project.html",
        {
            "idea": idea,
            "state": state,
            "window": state.window,
            "is_open": state.is_open(moment),
            "not_yet_open": moment < state.window.opens_at,
            "can_create": state.can_create(moment) and permissions.can_present_executive(request.user, idea),
        },
    )


@login_required
def integration_answer(request, pk: int):
    """The request, and the answer form while it is open: a text and a document (a PDF, or signed) per item.
    A refused answer comes back with what was typed and each message next to its item."""
    try:
        integration = selectors.integration_request_for_user(request.user, pk)
    except IntegrationRequest.DoesNotExist:
        raise Http404(_("Richiesta non trovata.")) from None
    integration = services.record_reading(actor=request.user, target=integration)  # presa visione
    items = list(integration.items.all())
    form = None
    if request.method == "POST":
        form = IntegrationAnswerForm(request.POST, request.FILES, items=items)
        if form.is_valid():
            try:
                services.answer_integration(
                    actor=request.user,
                    request=integration,
                    responses=form.cleaned_data["responses"],
                    documents=form.cleaned_data["documents"],
                )
            except (DomainError, PermissionDenied) as exc:
                mapping = {f"responses.{i.pk}": f"item-{i.pk}" for i in items}
                mapping |= {f"documents.{i.pk}": f"document-{i.pk}" for i in items}
                refusal_to_form(form, exc, mapping)
            else:
                messages.success(request, _("Integrazione inviata."))
                return redirect("evaluation:integration_answer", pk=integration.pk)
        messages.error(request, _("L'integrazione non è stata inviata: correggi quanto indicato."))
    rows = [
        {
            "item": item,
            "typed": form.data.get(f"item-{item.pk}", "") if form is not None else item.response,
            "error": " ".join(form.errors.get(f"item-{item.pk}", [])) if form is not None else "",
            "document_error": " ".join(form.errors.get(f"document-{item.pk}", []))
            if form is not None
            else "",
        }
        for item in items
    ]
    return render(
        request,
        "evaluation/integration_answer.html",
        {
            "integration": integration,
            "application": integration.application,
            "rows": rows,
            "form_errors": form.non_field_errors() if form is not None else [],
            "notices": selectors.notices_of(integration.application),
        },
        status=422 if form is not None else 200,
    )


@login_required
def rejection_observations(request, pk: int):
    """The notice of intended rejection as the applicant reads it, and its observations form while the
    term runs."""
    try:
        notice = selectors.rejection_notice_for_user(request.user, pk)
    except RejectionNotice.DoesNotExist:
        raise Http404(_("Preavviso non trovato.")) from None
    notice = services.record_reading(actor=request.user, target=notice)  # presa visione
    if request.method == "POST":

        def send(data):
            services.submit_observations(
                actor=request.user,
                notice=notice,
                text=data["observations"],
                document=data["document"],
            )
            messages.success(request, _("Osservazioni inviate: la Regione ne terrà conto nella decisione."))

        return submit_form(
            request,
            ObservationsForm(request.POST, request.FILES),
            send,
            back=lambda: redirect("evaluation:rejection_observations", pk=notice.pk),
        )
    return render(
        request,
        "evaluation/rejection_observations.html",
        {
            "notice": notice,
            "application": notice.application,
            "is_open": notice.status == RejectionNoticeStatus.OPEN
            and (notice.deadline is None or timezone.now() <= notice.deadline),
            "notices": selectors.notices_of(notice.application),
        },
    )


@login_required
def integration_document(request, pk: int):
    """The document answering an item of an integration request: for the applicant's members and the
    officers of the call; anyone else gets 404, as for a missing one."""
    item = (
        IntegrationItem.objects.select_related(
            "request__application__call", "request__application__applicant"
        )
        .exclude(document="")
        .filter(pk=pk)
        .first()
    )
    application = item.request.application if item is not None else None
    if application is None or not (
        permissions.can_check_admissibility(request.user, application.call_id)
        or permissions.can_answer_integration(request.user, application)
    ):
        raise Http404(_("Documento non trovato."))
    record_event(actor=request.user, action="integration_document.downloaded", obj=item)
    signed = item.original_name.lower().endswith(".p7m")
    return FileResponse(
        item.document.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type="application/pkcs7-mime" if signed else "application/pdf",
    )

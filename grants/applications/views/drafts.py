"""My applications, the start of a draft, the draft page (a stepper, views/stepper.py) and the save of each
section by its own form, with htmx or without JavaScript."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from grants.core.timeutils import now
from grants.programme.models import Call, CallStatus
from grants.registry.models import Membership

from .. import selectors, services
from ..forms import BudgetFormSet, DocumentForm, GeneralForm, LeadShareForm, PartnerFormSet, StampDutyForm
from ..models import Application
from ..services import ApplicationError, BudgetLineInput, PartnerInput
from .common import _application_or_404, _detail_url
from .stepper import STEP_OF_SAVE, CategorySummary, DocumentSlot, render_detail, render_step

__all__ = ["CategorySummary", "DocumentSlot"]  # re-exported by the package, as before


# --- my applications ----------------------------------------------------------------------------------------
@login_required
def application_list(request):
    """The applications of each organisation the user acts for, grouped by organisation."""
    memberships = list(
        Membership.objects.filter(user=request.user, revoked_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    applications = selectors.applications_for_user(request.user).order_by("-updated_at")
    by_organisation: dict[int, list[Application]] = {}
    for application in applications:
        by_organisation.setdefault(application.applicant_id, []).append(application)
    groups = [(m.organisation, m, by_organisation.get(m.organisation_id, [])) for m in memberships]
    pending = selectors.partnerships_to_confirm(request.user).filter(confirmed_at__isnull=True).count()
    open_calls = (
        Call.objects.filter(status=CallStatus.PUBLISHED, closes_at__gt=now())
        .select_related("measure")
        .order_by("closes_at")
    )
    return render(
        request,
        "applications/application_list.html",
        {"groups": groups, "pending_confirmations": pending, "open_calls": open_calls},
    )


# --- start a draft ------------------------------------------------------------------------------------------
def _visible_call_or_404(code: str) -> Call:
    call = Call.objects.select_related("measure").exclude(status=CallStatus.DRAFT).filter(code=code).first()
    if call is None:
        raise Http404(_("Bando non trovato."))
    return call


@login_required
def participate(request, code: str):
    """Choose the organisation and start a draft; each one shows whether it may apply, or why not."""
    call = _visible_call_or_404(code)
    memberships = list(
        Membership.objects.filter(user=request.user, revoked_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    if request.method == "POST":
        organisation_id = request.POST.get("organisation", "")
        membership = next((m for m in memberships if str(m.organisation_id) == organisation_id), None)
        if membership is None:
            raise Http404(_("Organizzazione non trovata."))
        reasons = selectors.applicant_eligibility(call, membership.organisation)
        if reasons:
            for reason in reasons:
                messages.error(request, reason)
            return redirect("applications:participate", code=call.code)
        try:
            application = services.create_draft(
                actor=request.user, organisation=membership.organisation, call=call
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("applications:participate", code=call.code)
        messages.success(
            request,
            _("Bozza creata per «%(name)s»: compila le sezioni e inviala entro la scadenza.")
            % {"name": membership.organisation.name},
        )
        return redirect(_detail_url(application))
    drafts = selectors.applications_for_user(request.user).filter(call=call).order_by("-updated_at")
    by_organisation: dict[int, list[Application]] = {}
    for application in drafts:
        by_organisation.setdefault(application.applicant_id, []).append(application)
    choices = [
        (
            m.organisation,
            selectors.applicant_eligibility(call, m.organisation),
            by_organisation.get(m.organisation_id, []),
        )
        for m in memberships
    ]
    upcoming = call.status == CallStatus.PUBLISHED and now() < call.opens_at
    return render(
        request, "applications/participate.html", {"call": call, "choices": choices, "upcoming": upcoming}
    )


# --- the draft: one handler per section; each answers what was saved, or its bound forms with the errors ---
@dataclass(frozen=True)
class Saved:
    message: str
    step: str


def _general(request, application):
    form = GeneralForm(request.POST, call=application.call, prefix="general")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_general(
                actor=request.user,
                application=application,
                title=data["title"],
                abstract=data["abstract"],
                partnership_name=data["partnership_name"],
                **form.territory(),
            )
        except ApplicationError as exc:
            form.apply_service_errors(_errors_of(exc), {})
        else:
            return Saved(_("Dati generali salvati."), "generale")
    return {"general_form": form}


PARTNER_FIELDS = {
    "organisation": "fiscal_code",
    "name": "name",
    "legal_form": "legal_form",
    "share_percent": "share_percent",
    "email": "email",
}


def _errors_of(exc: ApplicationError) -> list[dict]:
    return exc.errors or [{"field": "", "message": exc.message}]


def _apply_row_errors(exc, prefix: str, forms_by_row: list, field_names: dict, fallback) -> None:
    """Service errors named ``<prefix>[i].<field>`` go next to that field of the i-th row sent."""
    for error in _errors_of(exc):
        name = error.get("field", "")
        if name.startswith(f"{prefix}["):
            index_text, _sep, rest = name[len(prefix) + 1 :].partition("]")
            rest = rest.lstrip(".")
            if index_text.isdigit() and int(index_text) < len(forms_by_row):
                form = forms_by_row[int(index_text)]
                target = field_names.get(rest)
                form.add_error(target if target in form.fields else None, error["message"])
                form.describe_fields()
                continue
        fallback(error)


def _partners(request, application):
    formset = PartnerFormSet(request.POST, prefix="partners")
    lead_form = LeadShareForm(request.POST, prefix="lead")
    if formset.is_valid() and lead_form.is_valid():
        rows = formset.partner_rows()
        inputs = [
            PartnerInput(
                organisation=data.get("organisation"),
                name=data.get("name", ""),
                legal_form=data.get("legal_form", ""),
                share_percent=data["share_percent"],
                email="" if data.get("organisation") else data.get("email", ""),
            )
            for _index, data in rows
        ]
        try:
            services.set_partners(
                actor=request.user,
                application=application,
                partners=inputs,
                lead_share_percent=lead_form.cleaned_data["lead_share_percent"],
            )
        except ApplicationError as exc:

            def fallback(error):
                if error.get("field") == "lead_share_percent":
                    lead_form.apply_service_errors([error], {"lead_share_percent": "lead_share_percent"})
                else:
                    lead_form.apply_service_errors([error], {})

            _apply_row_errors(exc, "partners", [formset.forms[i] for i, _d in rows], PARTNER_FIELDS, fallback)
        else:
            return Saved(_("Partenariato salvato."), "partenariato")
    return {"partner_formset": formset, "lead_form": lead_form}


def _budget(request, application):
    members = list(application.partners.select_related("organisation"))
    categories = list(application.call.cost_categories.order_by("order", "code"))
    formset = BudgetFormSet(request.POST, prefix="budget", categories=categories, partners=members)
    if formset.is_valid():
        by_pk = {str(p.pk): p for p in members}
        rows = formset.line_rows()
        lines = [
            BudgetLineInput(
                category=data["category"],
                amount=data.get("amount"),
                quantity=data.get("quantity"),
                description=data.get("description", ""),
                partner=by_pk.get(data.get("partner") or ""),
            )
            for _index, data in rows
        ]
        try:
            services.set_budget(actor=request.user, application=application, lines=lines)
        except ApplicationError as exc:
            row_forms = [formset.forms[i] for i, _d in rows]
            fields = {name: name for name in ("category", "amount", "quantity", "partner", "description")}

            def fallback(error):
                target = row_forms[0] if row_forms else formset.forms[0]
                target.add_error(None, error["message"])

            _apply_row_errors(exc, "lines", row_forms, fields, fallback)
        else:
            return Saved(_("Piano finanziario salvato: totali e forfait ricalcolati."), "piano-finanziario")
    return {"budget_formset": formset}


def _document(request, application):
    required = application.call.required_documents.filter(pk=request.POST.get("document") or 0).first()
    if required is None:
        raise Http404(_("Documento non richiesto dal bando."))
    owner = None
    owner_pk = request.POST.get("owner") or "0"
    if owner_pk != "0":
        owner = application.partners.filter(pk=owner_pk).first()
        if owner is None:
            raise Http404(_("Soggetto non trovato."))
    form = DocumentForm(request.POST, request.FILES, prefix=f"doc-{required.pk}-{owner.pk if owner else 0}")
    if form.is_valid():
        try:
            services.attach_document(
                actor=request.user,
                application=application,
                required_document=required,
                uploaded_file=form.cleaned_data["file"],
                partner=owner,
            )
        except ApplicationError as exc:
            form.apply_service_errors(_errors_of(exc), {"": "file"})
        else:
            message = _("Documento «%(title)s» caricato.") % {"title": required.display_title}
            return Saved(message, "documenti")
    return {"document_form": form}


def _stamp_duty(request, application):
    form = StampDutyForm(request.POST, prefix="bollo")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_stamp_duty(
                actor=request.user,
                application=application,
                number=data["stamp_duty_number"],
                issued_on=data["stamp_duty_issued_on"],
                exemption=data["stamp_duty_exemption"],
                legal_basis=data["stamp_duty_legal_basis"],
            )
        except ApplicationError as exc:
            form.apply_service_errors(_errors_of(exc), {name: name for name in StampDutyForm.FIELDS})
        else:
            return Saved(_("Imposta di bollo registrata."), "invio")
    return {"stamp_duty_form": form}


SECTION_HANDLERS = {
    "bollo": _stamp_duty,
    "generale": _general,
    "partenariato": _partners,
    "piano-finanziario": _budget,
    "documenti": _document,
}


@login_required
@require_GET
def application_detail(request, pk: int):
    """The draft as a stepper (``?sezione=``), each step saved by its own form at its own URL
    (``save_section``); read-only once submitted or withdrawn."""
    return render_detail(request, _application_or_404(request.user, pk))


@login_required
@require_POST
def save_section(request, pk: int, section: str):
    """Save one section of the draft (``SECTION_HANDLERS``): its form, then the service. To htmx, the step
    again (saved, or with the errors next to the fields) and the completeness panel out of band; without
    JavaScript, a redirect to the step, or the page with the errors."""
    application = _application_or_404(request.user, pk)
    handler = SECTION_HANDLERS.get(section)
    if handler is None:
        raise Http404(_("Sezione sconosciuta."))
    if not application.is_editable:
        messages.error(
            request,
            _("La domanda è nello stato «%(status)s»: non si può più modificare.")
            % {"status": application.get_status_display()},
        )
        if request.htmx:
            return HttpResponseClientRedirect(_detail_url(application))
        return redirect(_detail_url(application))
    result = handler(request, application)
    if isinstance(result, Saved):
        if request.htmx:  # read again: the service wrote on its own (locked) copy
            application = _application_or_404(request.user, pk)
            return render_step(request, application, result.step, saved=result.message)
        messages.success(request, result.message)
        return redirect(_detail_url(application, result.step))
    if request.htmx:
        return render_step(request, application, STEP_OF_SAVE.get(section, section), result)
    messages.error(request, _("La sezione non è stata salvata: correggere i campi indicati."))
    return render_detail(request, application, result)


@login_required
@require_POST
def resend_invitation(request, pk: int, partner_pk: int):
    """The lead sends again the invitation of a partner not registered (at most once a day)."""
    application = _application_or_404(request.user, pk)
    partner = application.partners.filter(pk=partner_pk).first()
    if partner is None:
        raise Http404(_("Partner non trovato."))
    try:
        services.resend_partner_invitation(actor=request.user, partner=partner)
    except ApplicationError as exc:
        saved, failed = "", exc.message
    else:
        saved, failed = _("Invito inviato di nuovo a %(email)s.") % {"email": partner.email}, ""
    if request.htmx:
        application = _application_or_404(request.user, pk)
        return render_step(request, application, "partenariato", saved=saved, failed=failed)
    (messages.success if saved else messages.error)(request, saved or failed)
    return redirect(_detail_url(application, "partenariato"))

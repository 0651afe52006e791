"""Pages of the applications context: my applications, start a draft, the draft with its sections, submission,
receipt, withdrawal, partner confirmations; for officers, the applications submitted to a call.

Thin: forms collect the data, ``services`` decide (their field-level errors are shown next to the field),
``selectors`` read. Another organisation's application answers 404, the same as one that does not exist.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.core.money import ZERO
from grants.core.timeutils import now
from grants.programme.models import Call, CallStatus, StateAidRegime
from grants.registry.models import Membership

from . import document_access, selectors, services
from .budget import aid_intensity
from .bulk_download import archives_of
from .exports import filtered_applications, officer_filters
from .forms import (
    BudgetFormSet,
    DocumentForm,
    GeneralForm,
    LeadShareForm,
    PartnerFormSet,
    StampDutyForm,
    SubmitForm,
    budget_initial,
    partner_initial,
)
from .models import Application, ApplicationDocument, ApplicationPartner
from .permissions import can_view_call_applications
from .receipt import receipt_filename, render_receipt_pdf
from .services import ApplicationError, BudgetLineInput, PartnerInput
from .states import WITHDRAWABLE_STATUSES, PartnerRole
from .tasks import stored_receipt

# Section anchors of the draft page and the violations (rules.Violation.field) that send the reader there.
SECTIONS = {
    "generale": gettext_lazy("Dati generali e territorio"),
    "partenariato": gettext_lazy("Partenariato"),
    "piano-finanziario": gettext_lazy("Piano finanziario"),
    "documenti": gettext_lazy("Documenti"),
    "invio": gettext_lazy("Dichiarazioni e invio"),
}
BUDGET_FIELDS = {"budget", "total_cost", "requested_grant", "cofinancing"}


def section_of(violation_field: str) -> str:
    if violation_field.startswith("partners"):
        return "partenariato"
    if violation_field.split(".")[0] in BUDGET_FIELDS:
        return "piano-finanziario"
    if violation_field.startswith("documents"):
        return "documenti"
    if violation_field == "declarations_accepted" or violation_field.startswith("stamp_duty"):
        return "invio"
    return "generale"


def _application_or_404(user, pk: int) -> Application:
    try:
        return selectors.application_for_user(user, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None


def _detail_url(application: Application, anchor: str = "") -> str:
    url = reverse("applications:application_detail", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


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


# --- the draft ----------------------------------------------------------------------------------------------
@dataclass
class DocumentSlot:
    """One file the call asks for: for the whole application, or (per-partner documents) for one member."""

    required: object
    owner: ApplicationPartner | None
    document: object | None
    form: DocumentForm

    @property
    def anchor(self) -> str:
        return self.form.prefix


@dataclass
class CategorySummary:
    category: object
    lines: list = field(default_factory=list)
    total: Decimal = ZERO


def _document_slots(application, members, bound: DocumentForm | None = None) -> list[DocumentSlot]:
    documents = {(d.required_document_id, d.partner_id): d for d in application.documents.all()}
    slots = []
    for required in application.call.required_documents.order_by("order", "code"):
        for owner in members if required.per_partner else [None]:
            prefix = f"doc-{required.pk}-{owner.pk if owner else 0}"
            form = bound if bound is not None and bound.prefix == prefix else DocumentForm(prefix=prefix)
            if required.allowed_types:
                form.fields["file"].widget.attrs["accept"] = ",".join(required.allowed_types)
            slots.append(
                DocumentSlot(
                    required=required,
                    owner=owner,
                    document=documents.get((required.pk, owner.pk if owner else None)),
                    form=form,
                )
            )
    return slots


def _budget_summary(categories, lines) -> list[CategorySummary]:
    rows = {category.pk: CategorySummary(category=category) for category in categories}
    for line in lines:
        row = rows.get(line.category_id)
        if row is not None:
            row.lines.append(line)
            row.total += line.amount
    return list(rows.values())


def _documents_of(application: Application) -> list:
    return list(
        application.documents.select_related("required_document", "partner__organisation").order_by(
            "required_document__order", "required_document__code", "pk"
        )
    )


def _render_detail(request, application: Application, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    call = application.call
    members = list(application.partners.select_related("organisation").order_by("order", "pk"))
    lead = next((p for p in members if p.role == PartnerRole.LEAD), None)
    partners = [p for p in members if p.role == PartnerRole.PARTNER]
    categories = list(call.cost_categories.order_by("order", "code"))
    lines = list(
        application.budget_lines.select_related("category", "partner__organisation").order_by("order", "pk")
    )
    moment = now()
    context = {
        "application": application,
        "call": call,
        "lead": lead,
        "partners": partners,
        "budget_summary": _budget_summary(categories, lines),
        "aid_intensity": aid_intensity(application.total_cost, application.requested_grant),
        "documents": _documents_of(application),
        "sections": SECTIONS,
        "deadline_passed": moment >= call.closes_at,
        "not_yet_open": moment < call.opens_at,
        "can_withdraw": application.status in WITHDRAWABLE_STATUSES and moment < call.closes_at,
    }
    if application.is_editable:
        violations = selectors.check_application(application)
        context.update(
            violations=[(v, section_of(v.field), SECTIONS[section_of(v.field)]) for v in violations],
            requested_grant_violations=[v for v in violations if v.field == "requested_grant"],
            de_minimis=selectors.de_minimis_facts(application.applicant)
            if call.state_aid_regime == StateAidRegime.DE_MINIMIS
            else None,
            general_form=bound.get("general_form")
            or GeneralForm(call=call, prefix="general", initial=GeneralForm.initial_for(application)),
            partner_formset=bound.get("partner_formset")
            or PartnerFormSet(prefix="partners", initial=partner_initial(partners)),
            lead_form=bound.get("lead_form") or LeadShareForm(prefix="lead"),
            budget_formset=bound.get("budget_formset")
            or BudgetFormSet(
                prefix="budget", initial=budget_initial(lines), categories=categories, partners=members
            ),
            document_slots=_document_slots(application, members, bound.get("document_form")),
            stamp_duty_form=bound.get("stamp_duty_form")
            or StampDutyForm(prefix="bollo", initial=StampDutyForm.initial_for(application)),
            submit_form=bound.get("submit_form")
            or SubmitForm(prefix="submit", initial={"idempotency_key": uuid.uuid4().hex}),
        )
    return render(request, "applications/application_detail.html", context)


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
            messages.success(request, _("Dati generali salvati."))
            return redirect(_detail_url(application, "generale"))
    return {"general_form": form}


PARTNER_FIELDS = {
    "organisation": "fiscal_code",
    "name": "name",
    "legal_form": "legal_form",
    "share_percent": "share_percent",
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
            messages.success(request, _("Partenariato salvato."))
            return redirect(_detail_url(application, "partenariato"))
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
            messages.success(request, _("Piano finanziario salvato: totali e forfait ricalcolati."))
            return redirect(_detail_url(application, "piano-finanziario"))
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
            messages.success(
                request, _("Documento «%(title)s» caricato.") % {"title": required.display_title}
            )
            return redirect(_detail_url(application, "documenti"))
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
            messages.success(request, _("Imposta di bollo registrata."))
            return redirect(_detail_url(application, "invio"))
    return {"stamp_duty_form": form}


SECTION_HANDLERS = {
    "bollo": _stamp_duty,
    "generale": _general,
    "partenariato": _partners,
    "piano-finanziario": _budget,
    "documenti": _document,
}


@login_required
def application_detail(request, pk: int):
    """The draft, one card per section, each saved by its own form; read-only once submitted or withdrawn."""
    application = _application_or_404(request.user, pk)
    if request.method == "POST":
        handler = SECTION_HANDLERS.get(request.POST.get("section", ""))
        if handler is None:
            return HttpResponseBadRequest(_("Sezione sconosciuta."))
        if not application.is_editable:
            messages.error(
                request,
                _("La domanda è nello stato «%(status)s»: non si può più modificare.")
                % {"status": application.get_status_display()},
            )
            return redirect(_detail_url(application))
        result = handler(request, application)
        if isinstance(result, HttpResponse):
            return result
        messages.error(request, _("La sezione non è stata salvata: correggere i campi indicati."))
        return _render_detail(request, application, result)
    return _render_detail(request, application)


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
    if result.created:
        messages.success(
            request, _("Domanda inviata: numero di protocollo %(protocol)s.") % {"protocol": result.protocol}
        )
    return redirect("applications:application_submitted", pk=application.pk)


@login_required
def application_submitted(request, pk: int):
    application = _application_or_404(request.user, pk)
    if application.protocol_number is None:
        return redirect(_detail_url(application))
    return render(request, "applications/submitted.html", {"application": application})


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
@require_POST
def application_withdraw(request, pk: int):
    application = _application_or_404(request.user, pk)
    try:
        services.withdraw(actor=request.user, application=application)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Domanda ritirata."))
    return redirect(_detail_url(application))


# --- partner confirmations ----------------------------------------------------------------------------------
@login_required
def partnerships(request):
    """Drafts of other organisations that name one of mine as partner: confirm participation here."""
    if request.method == "POST":
        try:
            partner = selectors.partnership_for_user(request.user, request.POST.get("partner") or 0)
        except (ApplicationPartner.DoesNotExist, ValueError):
            raise Http404(_("Partenariato non trovato.")) from None
        try:
            services.confirm_participation(actor=request.user, partner=partner)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Adesione di «%(partner)s» alla domanda «%(title)s» confermata.")
                % {"partner": partner.display_name, "title": partner.application},
            )
        return redirect("applications:partnerships")
    rows = selectors.partnerships_to_confirm(request.user).order_by(
        "confirmed_at", "-application__updated_at"
    )
    return render(request, "applications/partnerships.html", {"rows": rows})


# --- officers -----------------------------------------------------------------------------------------------
def _officer_call(request, code: str) -> Call | None:
    """The call, for staff who may see its applications; None for anyone else (answered 403)."""
    call = Call.objects.select_related("measure").filter(code=code).first()
    if not can_view_call_applications(request.user, call):
        return None
    if call is None:
        raise Http404(_("Bando non trovato."))
    return call


def _forbidden(request) -> HttpResponse:
    return render(request, "applications/forbidden.html", status=403)


@login_required
def officer_application_list(request, code: str):
    """Applications submitted to a call (withdrawn ones when filtered by that status), in arrival order."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    # The same filters as the XLSX export (exports.officer_filters), so the file holds the rows listed.
    form, filters = officer_filters(request.GET)
    applications = filtered_applications(call, filters)
    page = Paginator(applications, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "applications/officer_list.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "archive": archives_of(request.user, call).first(),
        },
    )


@login_required
def officer_application_detail(request, code: str, pk: int):
    """One submitted application, read-only."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    application = (
        Application.objects.filter(call=call, pk=pk, protocol_number__isnull=False)
        .select_related("applicant__seat__province", "submitted_by")
        .first()
    )
    if application is None:
        raise Http404(_("Domanda non trovata."))
    members = list(application.partners.select_related("organisation").order_by("order", "pk"))
    categories = list(call.cost_categories.order_by("order", "code"))
    lines = list(
        application.budget_lines.select_related("category", "partner__organisation").order_by("order", "pk")
    )
    return render(
        request,
        "applications/officer_detail.html",
        {
            "call": call,
            "application": application,
            "lead": next((p for p in members if p.role == PartnerRole.LEAD), None),
            "partners": [p for p in members if p.role == PartnerRole.PARTNER],
            "budget_summary": _budget_summary(categories, lines),
            "aid_intensity": aid_intensity(application.total_cost, application.requested_grant),
            "documents": _documents_of(application),
        },
    )

"""The draft page as a stepper: one section (step) shown at a time, a nav listing every step with its state
(complete, to fix, not started), previous/next links. Without JavaScript each step is a page
(``?sezione=<step>``) and each form a full post; with htmx a save answers only its step, with the
completeness panel and the steps' states out of band, and the nav swaps steps in place (``hx-push-url``).

The states come from the rules' violations (``selectors.check_application``, through ``section_of``): no
rule is checked here; "not started" only says that the step holds no data yet.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from grants.core.money import ZERO
from grants.core.timeutils import now
from grants.programme.models import StateAidRegime

from .. import selectors
from ..budget import aid_intensity
from ..de_minimis import partnership_table
from ..forms import (
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
from ..models import Application, ApplicationPartner
from ..states import WITHDRAWABLE_STATUSES, PartnerRole
from .common import SECTIONS, section_of

STEPPER_ID = "domanda-stepper"  # the element the nav's links swap (hx-target)
COMPLETE, TO_FIX, NOT_STARTED = "complete", "to-fix", "not-started"
STATE_LABELS = {
    COMPLETE: gettext_lazy("completa"),
    TO_FIX: gettext_lazy("da correggere"),
    NOT_STARTED: gettext_lazy("da compilare"),
}
# The step a save lands on (the stamp duty is part of the last step).
STEP_OF_SAVE = {"bollo": "invio"}
# The step of a form sent back with its errors (the submission's own view, too).
STEP_OF_FORM = {
    "general_form": "generale",
    "partner_formset": "partenariato",
    "lead_form": "partenariato",
    "budget_formset": "piano-finanziario",
    "document_form": "documenti",
    "stamp_duty_form": "invio",
    "submit_form": "invio",
}


@dataclass
class Step:
    key: str
    label: str
    number: int
    state: str
    url: str
    current: bool = False

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


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


def step_of(request, bound: dict | None = None) -> str:
    """The step to show: the one of a form sent back with errors, else ``?sezione=``, else the first."""
    for name in bound or {}:
        if name in STEP_OF_FORM:
            return STEP_OF_FORM[name]
    wanted = request.GET.get("sezione", "")
    return wanted if wanted in SECTIONS else next(iter(SECTIONS))


def _started(key: str, application: Application, partners, lines, documents) -> bool:
    call = application.call
    if key == "generale":
        return bool(application.title or application.abstract)
    if key == "partenariato":
        return bool(partners) or not call.min_partners
    if key == "piano-finanziario":
        return bool(lines)
    if key == "documenti":
        return bool(documents) or not call.required_documents.exists()
    return False  # the last step is done by sending


def steps_of(application: Application, current: str, violation_sections, partners, lines, documents):
    url = reverse("applications:application_detail", args=[application.pk])
    steps = []
    for number, (key, label) in enumerate(SECTIONS.items(), start=1):
        if key in violation_sections:
            state = TO_FIX
        elif _started(key, application, partners, lines, documents):
            state = COMPLETE
        else:
            state = NOT_STARTED
        steps.append(Step(key, label, number, state, f"{url}?sezione={key}", current=key == current))
    return steps


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


def detail_context(request, application: Application, bound: dict | None = None, step: str = "") -> dict:
    bound = bound or {}
    call = application.call
    members = list(application.partners.select_related("organisation").order_by("order", "pk"))
    lead = next((p for p in members if p.role == PartnerRole.LEAD), None)
    partners = [p for p in members if p.role == PartnerRole.PARTNER]
    categories = list(call.cost_categories.order_by("order", "code"))
    lines = list(
        application.budget_lines.select_related("category", "partner__organisation").order_by("order", "pk")
    )
    documents = _documents_of(application)
    moment = now()
    context = {
        "application": application,
        "call": call,
        "lead": lead,
        "partners": partners,
        "budget_summary": _budget_summary(categories, lines),
        "aid_intensity": aid_intensity(application.total_cost, application.requested_grant),
        "documents": documents,
        "sections": SECTIONS,
        "deadline_passed": moment >= call.closes_at,
        "not_yet_open": moment < call.opens_at,
        "can_withdraw": application.status in WITHDRAWABLE_STATUSES and moment < call.closes_at,
        "de_minimis_partners": partnership_table(application)
        if call.state_aid_regime == StateAidRegime.DE_MINIMIS and partners
        else None,
    }
    if not application.is_editable:
        return context
    violations = selectors.check_application(application)
    sections = [section_of(v.field) for v in violations]
    step = step or step_of(request, bound)
    steps = steps_of(application, step, set(sections), partners, lines, documents)
    index = next(i for i, s in enumerate(steps) if s.current)
    context.update(
        stepper_id=STEPPER_ID,
        steps=steps,
        step=steps[index],
        previous_step=steps[index - 1] if index > 0 else None,
        next_step=steps[index + 1] if index + 1 < len(steps) else None,
        violations=[(v, key, SECTIONS[key]) for v, key in zip(violations, sections, strict=True)],
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
    return context


def render_detail(request, application: Application, bound: dict | None = None) -> HttpResponse:
    """The whole page; to htmx's swap of a step from the nav (not a history restore), the stepper only."""
    context = detail_context(request, application, bound)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request and htmx.target == STEPPER_ID and application.is_editable:
        return render(request, "applications/includes/stepper.html", context)
    return render(request, "applications/application_detail.html", context)


def render_step(
    request, application: Application, step: str, bound: dict | None = None, saved: str = "", failed: str = ""
) -> HttpResponse:
    """htmx's answer to a save: the step (its errors next to the fields, or the message of the save), and out
    of band the completeness panel and the steps' states."""
    context = detail_context(request, application, bound, step)
    context.update(saved_message=saved, failed_message=failed)
    return render(request, "applications/includes/step_saved.html", context)

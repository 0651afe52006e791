"""Demo applications: on every open call of the demo programme, three applications of a demo organisation the
call admits as lead — a draft (with open points in its completeness panel and a partner still to confirm), a
submitted one (through the real services, so it has a protocol number, a fingerprint, a receipt and a paid
marca da bollo) and a withdrawn one. The funded demo applications (grants.demo.projects) claim the stamp-duty
exemption instead.

Idempotent: applications are found by their ``[DEMO]`` title; the submitted one is sent with a fixed
idempotency key, so a second run finds it and sends nothing.
"""

from decimal import ROUND_DOWN, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from grants.applications import selectors, services
from grants.applications.models import Application
from grants.applications.receipt import html_to_pdf
from grants.applications.services import ApplicationError, BudgetLineInput, PartnerInput
from grants.applications.stamp_duty import (
    DEFAULT_LEGAL_BASIS,
    EXEMPTION_LEGAL_FORMS,
    StampDutyExemption,
)
from grants.applications.states import ApplicationStatus, PartnerRole
from grants.core.money import ZERO, round_money
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallStatus, CostOption, TerritorialScope
from grants.registry.models import Membership, Organisation
from grants.territory.models import CohesionDistrict

DEMO_PROGRAMME_CODE = "wecare-demo"
DRAFT_TITLE = "[DEMO] Bozza – Case di comunità nei quartieri"
SUBMITTED_TITLE = "[DEMO] Inviata – Welfare di prossimità nelle valli"
WITHDRAWN_TITLE = "[DEMO] Ritirata – Sportello unico per le famiglie"
ABSTRACT = (
    "[DEMO] Domanda dimostrativa, senza alcun valore: sperimentazione di servizi di prossimità costruita con "
    "il partenariato del territorio (enti gestori, terzo settore, volontariato)."
)
UNIT_QUANTITY = Decimal(1000)


def submitted_key(call: Call) -> str:
    return f"demo-{call.code}-inviata"


def _open_demo_calls() -> list[Call]:
    moment = now()
    return list(
        Call.objects.filter(
            measure__programme__code=DEMO_PROGRAMME_CODE,
            status=CallStatus.PUBLISHED,
            opens_at__lte=moment,
            closes_at__gt=moment,
        ).order_by("closes_at", "code")
    )


def _representative(organisation: Organisation):
    membership = (
        Membership.objects.filter(organisation=organisation, revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


def _demo_organisations() -> list[Organisation]:
    return list(Organisation.objects.filter(is_demo=True).order_by("fiscal_code"))


def eligible_leads(call: Call, organisations: list[Organisation]) -> list[Organisation]:
    """The demo organisations the call admits as lead and that have someone to act for them."""
    return [
        organisation
        for organisation in organisations
        if not selectors.applicant_eligibility(call, organisation) and _representative(organisation)
    ]


def _lead_for(call: Call, organisations: list[Organisation]) -> Organisation | None:
    leads = eligible_leads(call, organisations)
    return leads[0] if leads else None


def _partners_for(call: Call, lead: Organisation, organisations: list[Organisation]) -> list[Organisation]:
    allowed = set(call.partner_legal_forms or ())
    candidates = [
        o
        for o in organisations
        if o.pk != lead.pk and (not allowed or o.legal_form in allowed) and _representative(o)
    ]
    wanted = max(call.min_partners, 2 if call.requires_public_private_partnership else 1)
    if call.max_partners is not None:
        wanted = min(wanted, call.max_partners)
    return candidates[:wanted]


def _territory(call: Call, lead: Organisation) -> dict:
    province = lead.seat.province
    if call.territorial_scope == TerritorialScope.DISTRICT:
        district = (
            CohesionDistrict.objects.filter(bodies__pk=lead.social_service_body_id).order_by("name").first()
            or CohesionDistrict.objects.filter(provinces=province).order_by("name").first()
            or CohesionDistrict.objects.order_by("name").first()
        )
        return {"districts": [district] if district else []}
    if call.territorial_scope == TerritorialScope.PROVINCE:
        return {"provinces": [province]}
    return {"municipalities": [lead.seat]}


def _target_total(call: Call) -> Decimal:
    """A project cost that fits the call: between the lowest and highest cost and grant it allows."""
    intensity = min(call.max_aid_intensity, Decimal(100) - call.min_cofinancing) / Decimal(100)
    low = max(
        call.min_project_cost or ZERO,
        (call.min_grant / intensity) if call.min_grant and intensity else ZERO,
    )
    highs = [v for v in (call.max_project_cost, call.max_grant / intensity if call.max_grant else None) if v]
    high = min(highs) if highs else None
    if high is None:
        return round_money(max(low * Decimal("1.5"), Decimal(100_000)))
    return round_money((max(low, ZERO) + high) / 2)


def _budget_lines(call: Call) -> list[BudgetLineInput]:
    """Real costs in the first uncapped real-cost category and, when the call has one, a unit-cost line;
    sized so that, flat rates added, the project cost is the call's middle value."""
    categories = list(call.cost_categories.order_by("order", "code"))
    real = next(
        (c for c in categories if c.cost_option == CostOption.REAL_COSTS and c.cap_percent is None), None
    )
    unit = next((c for c in categories if c.cost_option == CostOption.UNIT_COST), None)
    if real is None:
        return []
    target = _target_total(call)
    lines = []
    unit_total = ZERO
    if unit is not None and unit.unit_rate:
        quantity = UNIT_QUANTITY
        while quantity * unit.unit_rate > target / 4 and quantity > 1:
            quantity = (quantity / 2).quantize(Decimal(1), rounding=ROUND_DOWN)
        unit_total = round_money(quantity * unit.unit_rate)
        lines.append(
            BudgetLineInput(category=unit.code, quantity=quantity, description="[DEMO] Ore di animazione")
        )
    flat_on_real = sum(
        (
            c.flat_rate_percent or ZERO
            for c in categories
            if c.cost_option == CostOption.FLAT_RATE
            and (not c.flat_rate_base or real.code in c.flat_rate_base)
        ),
        ZERO,
    )
    amount = (target - unit_total) / (1 + flat_on_real / Decimal(100))
    amount = (amount / 100).quantize(Decimal(1), rounding=ROUND_DOWN) * 100
    lines.insert(
        0, BudgetLineInput(category=real.code, amount=amount, description="[DEMO] Operatori sociali")
    )
    return lines


def _demo_pdf(title: str) -> SimpleUploadedFile:
    content = html_to_pdf(
        f"<h1>[DEMO] {escape(title)}</h1><p>Documento dimostrativo, senza alcun valore.</p>"
    )
    name = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")[:60] or "documento"
    return SimpleUploadedFile(f"demo-{name}.pdf", content, content_type="application/pdf")


def _existing(call: Call, lead: Organisation, title: str) -> Application | None:
    return Application.objects.filter(call=call, applicant=lead, title=title).order_by("pk").first()


def _fill(actor, application: Application, *, title: str, partners: list[Organisation], call: Call):
    services.update_general(
        actor=actor,
        application=application,
        title=title,
        abstract=ABSTRACT,
        **_territory(call, application.applicant),
    )
    shares = Decimal(60) / len(partners) if partners else ZERO
    services.set_partners(
        actor=actor,
        application=application,
        partners=[PartnerInput(organisation=o, share_percent=round_money(shares)) for o in partners],
        lead_share_percent=Decimal(100) - round_money(shares) * len(partners),
    )
    services.set_budget(actor=actor, application=application, lines=_budget_lines(call))


def _attach_documents(actor, application: Application) -> None:
    members = list(application.partners.select_related("organisation").order_by("order", "pk"))
    for required in application.call.required_documents.filter(is_mandatory=True).order_by("order", "code"):
        owners = members if required.per_partner else [None]
        for owner in owners:
            title = required.title if owner is None else f"{required.title} – {owner.display_name}"
            services.attach_document(
                actor=actor,
                application=application,
                required_document=required,
                uploaded_file=_demo_pdf(title),
                partner=owner,
            )


def _confirm_partners(application: Application) -> None:
    for partner in application.partners.filter(role=PartnerRole.PARTNER, confirmed_at__isnull=True):
        user = _representative(partner.organisation) if partner.organisation_id else None
        if user is not None:
            services.confirm_participation(actor=user, partner=partner)


def demo_stamp_number(call: Call) -> str:
    """A 14-digit marca da bollo identifier of the demo, one per call (a marca is never used twice)."""
    return f"9{call.pk:013d}"


def pay_demo_stamp_duty(actor, application: Application) -> None:
    """The submitted demo application carries a marca da bollo (identifier and issue date)."""
    if not application.has_stamp_duty:
        services.set_stamp_duty(
            actor=actor,
            application=application,
            number=demo_stamp_number(application.call),
            issued_on=in_rome(now()).date(),
        )


def claim_demo_exemption(actor, application: Application) -> None:
    """A demo application claims the stamp-duty exemption fitting its lead (legal basis defaulted)."""
    if application.has_stamp_duty:
        return
    legal_form = application.applicant.legal_form
    exemption = next(
        (e for e, forms in EXEMPTION_LEGAL_FORMS.items() if legal_form in forms), StampDutyExemption.OTHER
    )
    services.set_stamp_duty(
        actor=actor,
        application=application,
        exemption=exemption,
        legal_basis="" if exemption in DEFAULT_LEGAL_BASIS else "[DEMO] art. 16, Tabella B, DPR 642/1972",
    )


def _load_for_call(call: Call, organisations: list[Organisation]) -> list[str]:
    lead = _lead_for(call, organisations)
    if lead is None:
        return [f"Domande (demo) su «{call.code}»: nessuna organizzazione demo ammessa come capofila"]
    actor = _representative(lead)
    partners = _partners_for(call, lead, organisations)
    created = []
    present = []

    # 1. Submitted: the fixed idempotency key makes a second run a no-op.
    key = submitted_key(call)
    sent = Application.objects.filter(applicant=lead, idempotency_key=key).first()
    if sent is not None:
        present.append(f"inviata ({sent.protocol})")
    else:
        application = _existing(call, lead, SUBMITTED_TITLE)
        if application is None:
            application = services.create_draft(actor=actor, organisation=lead, call=call)
            _fill(actor, application, title=SUBMITTED_TITLE, partners=partners, call=call)
            _attach_documents(actor, application)
            _confirm_partners(application)
        pay_demo_stamp_duty(actor, application)
        try:
            result = services.submit(
                actor=actor, application=application, idempotency_key=key, declarations_accepted=True
            )
        except ApplicationError as exc:
            reasons = "; ".join(e["message"] for e in exc.errors) or exc.message
            created.append(f"bozza da inviare (invio non riuscito: {reasons})")
        else:
            created.append(f"inviata ({result.protocol})")

    # 2. Draft: partners still to confirm, no documents — the completeness panel has work to show.
    if _existing(call, lead, DRAFT_TITLE) is not None:
        present.append("bozza")
    else:
        application = services.create_draft(actor=actor, organisation=lead, call=call)
        _fill(actor, application, title=DRAFT_TITLE, partners=partners, call=call)
        created.append("bozza")

    # 3. Withdrawn.
    withdrawn = _existing(call, lead, WITHDRAWN_TITLE)
    if withdrawn is not None and withdrawn.status == ApplicationStatus.WITHDRAWN:
        present.append("ritirata")
    else:
        if withdrawn is None:
            withdrawn = services.create_draft(actor=actor, organisation=lead, call=call)
            services.update_general(
                actor=actor, application=withdrawn, title=WITHDRAWN_TITLE, abstract=ABSTRACT
            )
        services.withdraw(actor=actor, application=withdrawn)
        created.append("ritirata")

    line = f"Domande (demo) su «{call.code}» per {lead.name}: "
    line += f"create {', '.join(created)}" if created else "nessuna creata"
    if present:
        line += f"; già presenti {', '.join(present)}"
    return [line]


def load_demo_applications() -> list[str]:
    """Create the demo applications on the open demo calls (idempotent); returns the report lines."""
    calls = _open_demo_calls()
    if not calls:
        return ["Domande (demo): nessun bando dimostrativo aperto, nessuna domanda creata"]
    organisations = _demo_organisations()
    lines: list[str] = []
    for call in calls:
        lines.extend(_load_for_call(call, organisations))
    return lines

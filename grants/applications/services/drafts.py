"""The draft: creation, general section, partnership (with the partners' confirmation) and budget."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.money import ZERO, round_money
from grants.core.timeutils import now
from grants.core.vocabulary import LegalForm
from grants.programme.models import Call, CallStatus
from grants.registry.models import Organisation

from .. import notices, permissions, selectors
from ..budget import (
    FLAT_RATE,
    UNIT_COST,
    BudgetInputError,
    LineAmount,
    compute_budget,
    funding_split,
    line_amount,
)
from ..models import Application, ApplicationPartner, BudgetLine
from ..states import PartnerRole
from .common import ApplicationError, _error, _lock, _require_editable, _require_member
from .invitations import invite_if_new_address


def _valid_email(value: str) -> bool:
    try:
        validate_email(value.strip())
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class PartnerInput:
    """A partner of the application: a registered organisation, or a body not registered yet (name and
    declared legal form, e.g. a member of an ATS still to be formed)."""

    organisation: Organisation | None = None
    name: str = ""
    legal_form: str = ""
    share_percent: Decimal = ZERO
    email: str = ""  # a body not registered: where to invite it (services/invitations.py)


@dataclass(frozen=True)
class BudgetLineInput:
    category: str  # code of a cost category of the call
    amount: Decimal | None = None  # real costs
    quantity: Decimal | None = None  # standard unit costs
    description: str = ""
    partner: ApplicationPartner | None = None


# --- drafts -------------------------------------------------------------------------------------------------
@transaction.atomic
def create_draft(*, actor, organisation: Organisation, call: Call) -> Application:
    if not permissions.can_act_for(actor, organisation):
        raise PermissionDenied(_("Non sei abilitato ad agire per questa organizzazione."))
    moment = now()
    if call.status != CallStatus.PUBLISHED or moment >= call.closes_at:
        raise ApplicationError(_("Il bando non accetta nuove domande."), code="call_not_open")
    application = save_audited(
        Application(call=call, applicant=organisation, created_by=actor),
        actor=actor,
        reason="Bozza creata",
    )
    save_audited(
        ApplicationPartner(
            application=application,
            organisation=organisation,
            role=PartnerRole.LEAD,
            share_percent=Decimal(100),
            confirmed_by=actor,
            confirmed_at=moment,
        ),
        actor=actor,
        reason="Capofila",
    )
    return application


@transaction.atomic
def update_general(
    *,
    actor,
    application: Application,
    title: str,
    abstract: str,
    partnership_name: str = "",
    municipalities=None,
    districts=None,
    provinces=None,
) -> Application:
    """The general section; territory lists replace the current ones when given (None = unchanged)."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)
    application.title = title.strip()
    application.abstract = abstract.strip()
    application.partnership_name = partnership_name.strip()
    save_audited(application, actor=actor, reason="Sezione generale")
    if municipalities is not None:
        application.municipalities.set(municipalities)
    if districts is not None:
        application.districts.set(districts)
    if provinces is not None:
        application.provinces.set(provinces)
    return application


@transaction.atomic
def set_proposed_targets(*, actor, application: Application, targets: dict[str, str]) -> Application:
    """The applicant's proposed indicator targets (code → decimal string), replacing the previous ones.
    The values come checked against the call's indicators (grants.monitoring.proposals.propose_targets)."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)
    application.proposed_targets = {code: str(targets[code]) for code in sorted(targets)}
    return save_audited(application, actor=actor, reason="Target degli indicatori")


def _partner_key(organisation_id, name: str):
    return ("org", organisation_id) if organisation_id else ("name", name.strip().casefold())


@transaction.atomic
def set_partners(
    *,
    actor,
    application: Application,
    partners: Sequence[PartnerInput],
    lead_share_percent: Decimal | None = None,
) -> list[ApplicationPartner]:
    """Replace the partners (the lead stays). A partner whose share changes must confirm again.

    ``lead_share_percent`` defaults to 100 minus the partners' shares."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)

    errors: list[dict] = []
    seen = set()
    for index, item in enumerate(partners):
        where = f"partners[{index}]"
        if item.organisation is None:
            if not item.name.strip():
                errors.append(
                    _error("partner_name_missing", f"{where}.name", _("Indicare la denominazione."))
                )
            if item.email.strip() and not _valid_email(item.email):
                errors.append(
                    _error(
                        "partner_email_invalid",
                        f"{where}.email",
                        _("Indicare un indirizzo e-mail valido, ad esempio nome@ente.it."),
                    )
                )
            if item.legal_form not in LegalForm.values:
                errors.append(
                    _error(
                        "partner_legal_form_missing",
                        f"{where}.legal_form",
                        _("Indicare la categoria giuridica."),
                    )
                )
        elif item.organisation.pk == application.applicant_id:
            errors.append(
                _error(
                    "partner_is_lead", f"{where}.organisation", _("Il capofila non può essere anche partner.")
                )
            )
        share = Decimal(item.share_percent)
        if not share.is_finite() or share < 0 or share > 100:
            errors.append(
                _error(
                    "partner_share_invalid", f"{where}.share_percent", _("La quota deve essere tra 0 e 100.")
                )
            )
        key = _partner_key(item.organisation.pk if item.organisation else None, item.name)
        if key in seen:
            errors.append(_error("partner_duplicate", where, _("Lo stesso partner è indicato due volte.")))
        seen.add(key)
    partner_total = sum((Decimal(p.share_percent) for p in partners), ZERO) if not errors else ZERO
    if lead_share_percent is None:
        lead_share = max(Decimal(100) - partner_total, ZERO)
    else:
        lead_share = Decimal(lead_share_percent)
        if not lead_share.is_finite() or lead_share < 0 or lead_share > 100:
            errors.append(
                _error("partner_share_invalid", "lead_share_percent", _("La quota deve essere tra 0 e 100."))
            )
    if errors:
        raise ApplicationError(_("Il partenariato contiene errori."), errors=errors)

    current = {
        _partner_key(p.organisation_id, p.name): p
        for p in application.partners.filter(role=PartnerRole.PARTNER)
    }
    result = []
    wanted = set()
    for order, item in enumerate(partners, start=1):
        key = _partner_key(item.organisation.pk if item.organisation else None, item.name)
        wanted.add(key)
        share = round_money(item.share_percent)
        partner = current.get(key) or ApplicationPartner(application=application, role=PartnerRole.PARTNER)
        invited = partner.pk is None and item.organisation is not None
        if partner.pk and partner.share_percent != share:
            partner.confirmed_by = None
            partner.confirmed_at = None
        partner.organisation = item.organisation
        partner.name = "" if item.organisation else item.name.strip()
        partner.legal_form = "" if item.organisation else item.legal_form
        partner.email = "" if item.organisation else item.email.strip()
        partner.share_percent = share
        partner.order = order
        result.append(save_audited(partner, actor=actor, reason="Partenariato"))
        if invited:  # named now: its members are invited (once; a partner kept is not invited again)
            notices.partner_invited(actor=actor, application=application, partner=partner)
        # Not registered, with an address never invited: an e-mail to register and confirm.
        invite_if_new_address(actor=actor, application=application, partner=partner)
    for key, partner in current.items():
        if key not in wanted:
            partner._history_user = actor
            partner.delete()
    lead = application.partners.get(role=PartnerRole.LEAD)
    if lead.share_percent != round_money(lead_share):
        lead.share_percent = round_money(lead_share)
        save_audited(lead, actor=actor, reason="Quota del capofila")
    return [lead, *result]


@transaction.atomic
def confirm_participation(*, actor, partner: ApplicationPartner) -> ApplicationPartner:
    """A member of the partner organisation confirms it joins the project with the stated share."""
    application = _lock(partner.application)
    partner = ApplicationPartner.objects.select_for_update().get(pk=partner.pk)
    if not permissions.can_confirm_participation(actor, partner):
        raise PermissionDenied(_("Non sei abilitato ad agire per questo partner."))
    _require_editable(application)
    if partner.is_confirmed:
        return partner
    partner.confirmed_by = actor
    partner.confirmed_at = now()
    return save_audited(partner, actor=actor, reason="Adesione confermata")


# --- budget -------------------------------------------------------------------------------------------------
@transaction.atomic
def set_budget(*, actor, application: Application, lines: Sequence[BudgetLineInput]) -> Application:
    """Replace the typed lines; flat rates and the totals (cost, grant, co-financing) are computed here."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)
    call = application.call
    categories = selectors.category_rules(call)
    typed = {c.code: c for c in categories if c.cost_option != FLAT_RATE}
    db_categories = {c.code: c for c in call.cost_categories.all()}
    partner_ids = set(application.partners.values_list("pk", flat=True))

    errors: list[dict] = []
    computed: list[tuple[BudgetLineInput, Decimal]] = []
    for index, item in enumerate(lines):
        where = f"lines[{index}]"
        category = typed.get(item.category)
        if category is None:
            if item.category in db_categories:
                message = _("La voce «%(title)s» è a tasso forfettario: è calcolata automaticamente.") % {
                    "title": db_categories[item.category].title
                }
            else:
                message = _("La voce di spesa «%(code)s» non è prevista dal bando.") % {"code": item.category}
            errors.append(_error("category_invalid", f"{where}.category", message))
            continue
        if item.partner is not None and item.partner.pk not in partner_ids:
            errors.append(
                _error("partner_invalid", f"{where}.partner", _("Il soggetto non fa parte del partenariato."))
            )
        try:
            computed.append((item, line_amount(category, amount=item.amount, quantity=item.quantity)))
        except BudgetInputError as exc:
            errors.append(_error("line_invalid", f"{where}.{exc.field}", exc.message))
    if errors:
        raise ApplicationError(_("Il piano finanziario contiene errori."), errors=errors)

    for line in application.budget_lines.all():
        line._history_user = actor
        line.delete()
    for order, (item, amount) in enumerate(computed, start=1):
        category = db_categories[item.category]
        is_unit = category.cost_option == UNIT_COST
        save_audited(
            BudgetLine(
                application=application,
                category=category,
                partner=item.partner,
                description=item.description.strip(),
                quantity=round_money(item.quantity) if is_unit else None,
                unit_rate=category.unit_rate if is_unit else None,
                amount=amount,
                order=order,
            ),
            actor=actor,
            reason="Piano finanziario",
        )
    result = compute_budget(
        categories, [LineAmount(category=item.category, amount=amount) for item, amount in computed]
    )
    for order, (code, amount) in enumerate(result.flat_rate_amounts.items(), start=len(computed) + 1):
        save_audited(
            BudgetLine(
                application=application,
                category=db_categories[code],
                description=db_categories[code].title,
                amount=amount,
                is_computed=True,
                order=order,
            ),
            actor=actor,
            reason="Tasso forfettario",
        )
    application.total_cost = result.total
    application.requested_grant, application.cofinancing = funding_split(
        result.total, max_aid_intensity=call.max_aid_intensity, min_cofinancing=call.min_cofinancing
    )
    return save_audited(application, actor=actor, reason="Totali del piano finanziario")

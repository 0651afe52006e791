"""Every write of the applications context: drafts, partnership, budget, documents, submission, withdrawal,
and the first-come (sportello) booking.

Functions are keyword-only, take the acting user first, never a request; they check permissions
(grants.applications.permissions), enforce the rules and leave history through grants.core.audit.

The submission is built for a click day: one short transaction that locks, in this order, the application
row, then (first-come calls) the call's booking row, then — last, so that the hottest lock of the platform
is held only for two UPDATEs and the commit — the protocol counter of the year.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event, save_audited
from grants.core.errors import DomainError
from grants.core.money import ZERO, round_money
from grants.core.tasks import enqueue_on_commit
from grants.core.timeutils import in_rome, now
from grants.core.uploads import UploadRefused, check_upload, safe_filename
from grants.core.vocabulary import LegalForm
from grants.programme.models import (
    Call,
    CallMode,
    CallPhase,
    CallStatus,
    RequiredDocument,
    ReserveKind,
)
from grants.registry.models import Organisation

from . import permissions, selectors
from .budget import (
    FLAT_RATE,
    UNIT_COST,
    BudgetInputError,
    LineAmount,
    compute_budget,
    funding_split,
    line_amount,
)
from .fingerprint import fingerprint_of
from .models import (
    Application,
    ApplicationDocument,
    ApplicationPartner,
    BudgetLine,
    CallBooking,
    ProtocolCounter,
    ReserveBooking,
)
from .receipt_mail import send_receipt
from .reserves import ReserveFacts, matching_reserve
from .stamp_duty import DEFAULT_LEGAL_BASIS, EXEMPTION_LEGAL_FORMS, STAMP_NUMBER, StampDutyExemption
from .states import WITHDRAWABLE_STATUSES, ApplicationStatus, BookingOutcome, PartnerRole
from .tasks import queue_receipt

MAX_IDEMPOTENCY_KEY_LENGTH = 100
# Relations of a submitted application that exist by construction (see _submit_locked).
_VALIDATED_RELATIONS = ["call", "applicant", "created_by", "submitted_by", "preliminary"]


# --- errors: a message for people, a code and field errors for programs --------------------------------
class ApplicationError(DomainError):
    """A request the applications rules refuse (grants/core/errors.py)."""


class NotEditable(ApplicationError):
    status = 409
    code = "not_editable"


class SubmissionRefused(ApplicationError):
    code = "submission_refused"


class OutsideSubmissionWindow(SubmissionRefused):
    code = "outside_submission_window"


class AlreadySubmitted(ApplicationError):
    """The application already has a protocol number, sent by a request with another idempotency key."""

    status = 409
    code = "already_submitted"

    def __init__(self, application: Application):
        super().__init__(
            _("La domanda è già stata inviata con il numero di protocollo %(protocol)s.")
            % {"protocol": application.protocol or "–"}
        )
        self.application = application

    def problem_members(self) -> dict:
        return {"protocol": self.application.protocol}


class IdempotencyKeyReused(ApplicationError):
    status = 409
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class SubmissionResult:
    application: Application
    created: bool  # False: a repeated request got the answer of the first one

    @property
    def protocol(self) -> str:
        return self.application.protocol


@dataclass(frozen=True)
class PartnerInput:
    """A partner of the application: a registered organisation, or a body not registered yet (name and
    declared legal form, e.g. a member of an ATS still to be formed)."""

    organisation: Organisation | None = None
    name: str = ""
    legal_form: str = ""
    share_percent: Decimal = ZERO


@dataclass(frozen=True)
class BudgetLineInput:
    category: str  # code of a cost category of the call
    amount: Decimal | None = None  # real costs
    quantity: Decimal | None = None  # standard unit costs
    description: str = ""
    partner: ApplicationPartner | None = None


# --- helpers ------------------------------------------------------------------------------------------------
def _format_day_and_time(moment) -> tuple[str, str]:
    local = in_rome(moment)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


def _lock(application: Application) -> Application:
    # of=("self",): lock the application row only. A plain FOR UPDATE over the join would also lock the call
    # row, and every submission to the call would queue behind the previous one for its whole transaction.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .get(pk=application.pk)
    )


def _require_member(actor, application: Application) -> None:
    if not permissions.can_write_application(actor, application):
        raise PermissionDenied(_("Non sei abilitato ad agire per il soggetto proponente di questa domanda."))


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise NotEditable(
            _("La domanda è nello stato «%(status)s»: non si può più modificare.")
            % {"status": application.get_status_display()}
        )


def _require_window(call: Call, moment) -> None:
    if call.status != CallStatus.PUBLISHED:
        raise OutsideSubmissionWindow(_("Il bando non accetta domande."), code="call_not_open")
    if moment < call.opens_at:
        day, time = _format_day_and_time(call.opens_at)
        raise OutsideSubmissionWindow(
            _("Il bando apre il %(day)s alle %(time)s: la domanda non può ancora essere inviata.")
            % {"day": day, "time": time},
            code="call_not_yet_open",
        )
    if moment >= call.closes_at:
        day, time = _format_day_and_time(call.closes_at)
        raise OutsideSubmissionWindow(
            _("La scadenza era il %(day)s alle %(time)s.") % {"day": day, "time": time}, code="call_closed"
        )


def _require_executive_window(application: Application, moment) -> None:
    """An executive project (two-phase call: it names its admitted idea) is sent in the call's last phase
    (the second window), not merely before the call's deadline."""
    if application.preliminary_id is None or not application.call.is_two_phase:
        return
    window = CallPhase.objects.filter(call_id=application.call_id).order_by("order", "opens_at").last()
    if window is None or window.opens_at <= moment < window.closes_at:
        return
    opens, closes = _format_day_and_time(window.opens_at), _format_day_and_time(window.closes_at)
    message = _(
        "Il progetto esecutivo si invia nella fase «%(phase)s», dal %(od)s alle %(ot)s al %(cd)s alle %(ct)s."
    ) % {"phase": window.title, "od": opens[0], "ot": opens[1], "cd": closes[0], "ct": closes[1]}
    raise OutsideSubmissionWindow(
        message,
        code="outside_executive_window",
        errors=[_error("outside_executive_window", "executive_window", message)],
    )


def _error(code: str, field_name: str, message: str) -> dict:
    return {"code": code, "field": field_name, "message": message}


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
        if partner.pk and partner.share_percent != share:
            partner.confirmed_by = None
            partner.confirmed_at = None
        partner.organisation = item.organisation
        partner.name = "" if item.organisation else item.name.strip()
        partner.legal_form = "" if item.organisation else item.legal_form
        partner.share_percent = share
        partner.order = order
        result.append(save_audited(partner, actor=actor, reason="Partenariato"))
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


# --- stamp duty ---------------------------------------------------------------------------------------------
def _stamp_duty_taken_error(number: str, other: Application, application: Application) -> ApplicationError:
    """Name the other use without revealing another applicant's data: the call and the protocol (or that it is
    a draft); the title only when both applications are the same organisation's."""
    if other.applicant_id == application.applicant_id:
        where = _("la domanda «%(title)s»") % {"title": other.title or _("senza titolo")}
    elif other.protocol:
        where = _("un'altra domanda al bando «%(call)s», protocollo %(protocol)s") % {
            "call": other.call.title,
            "protocol": other.protocol,
        }
    else:
        where = _("un'altra domanda al bando «%(call)s» (in bozza)") % {"call": other.call.title}
    message = _(
        "La marca da bollo %(number)s è già stata usata per %(where)s: ogni marca vale per una sola domanda."
    ) % {"number": number, "where": where}
    return ApplicationError(message, errors=[_error("stamp_duty_reused", "stamp_duty_number", message)])


def set_stamp_duty(
    *,
    actor,
    application: Application,
    number: str = "",
    issued_on=None,
    exemption: str = "",
    legal_basis: str = "",
) -> Application:
    """Record the marca da bollo (14-digit identifier and issue date) or the exemption that applies (with its
    legal basis, defaulted for the exemptions the platform knows). Empty both = nothing declared yet."""
    number = re.sub(r"\s+", "", number or "")
    exemption = exemption or ""
    legal_basis = (legal_basis or "").strip()
    errors: list[dict] = []
    if number and exemption:
        errors.append(
            _error(
                "stamp_duty_both",
                "stamp_duty_exemption",
                _("Indicare la marca da bollo oppure l'esenzione, non entrambe."),
            )
        )
    if number:
        if not STAMP_NUMBER.match(number):
            errors.append(
                _error(
                    "stamp_duty_number_invalid",
                    "stamp_duty_number",
                    _("L'identificativo della marca da bollo è di 14 cifre (indicato: «%(number)s»).")
                    % {"number": number},
                )
            )
        if issued_on is None:
            errors.append(
                _error("stamp_duty_date_missing", "stamp_duty_issued_on", _("Indicare la data di emissione."))
            )
        elif issued_on > in_rome(now()).date():
            errors.append(
                _error(
                    "stamp_duty_date_future",
                    "stamp_duty_issued_on",
                    _("La data di emissione non può essere futura."),
                )
            )
    if exemption and exemption not in StampDutyExemption.values:
        errors.append(
            _error("stamp_duty_exemption_invalid", "stamp_duty_exemption", _("Esenzione sconosciuta."))
        )
    with transaction.atomic():
        application = _lock(application)
        _require_member(actor, application)
        _require_editable(application)
        allowed = EXEMPTION_LEGAL_FORMS.get(exemption)
        if exemption and allowed is not None and application.applicant.legal_form not in allowed:
            errors.append(
                _error(
                    "stamp_duty_exemption_not_applicable",
                    "stamp_duty_exemption",
                    _("L'esenzione «%(exemption)s» non si applica a un soggetto «%(form)s».")
                    % {
                        "exemption": StampDutyExemption(exemption).label,
                        "form": application.applicant.get_legal_form_display(),
                    },
                )
            )
        if exemption:
            legal_basis = legal_basis or DEFAULT_LEGAL_BASIS.get(exemption, "")
            if not legal_basis:
                errors.append(
                    _error(
                        "stamp_duty_legal_basis_missing",
                        "stamp_duty_legal_basis",
                        _("Indicare la norma che prevede l'esenzione."),
                    )
                )
        if errors:
            raise ApplicationError(_("I dati sull'imposta di bollo contengono errori."), errors=errors)
        if number:
            other = (
                Application.objects.filter(stamp_duty_number=number)
                .exclude(pk=application.pk)
                .select_related("call")
                .first()
            )
            if other is not None:
                raise _stamp_duty_taken_error(number, other, application)
        application.stamp_duty_number = number
        application.stamp_duty_issued_on = issued_on if number else None
        application.stamp_duty_exemption = exemption
        application.stamp_duty_legal_basis = legal_basis[:255] if exemption else ""
        try:
            with transaction.atomic():
                return save_audited(application, actor=actor, reason="Imposta di bollo")
        except IntegrityError:
            # The same identifier saved at the same instant elsewhere: the database kept the other one.
            other = Application.objects.filter(stamp_duty_number=number).exclude(pk=application.pk).first()
            if number and other is not None:
                raise _stamp_duty_taken_error(number, other, application) from None
            raise


# --- documents ----------------------------------------------------------------------------------------------
@transaction.atomic
def attach_document(
    *,
    actor,
    application: Application,
    required_document: RequiredDocument,
    uploaded_file,
    partner: ApplicationPartner | None = None,
) -> ApplicationDocument:
    """Attach a file for a required document (replacing the previous one for the same document and partner);
    its SHA-256 enters the submission fingerprint."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)
    if required_document.call_id != application.call_id:
        raise ApplicationError(_("Il documento non è richiesto da questo bando."), code="document_invalid")
    if partner is not None and partner.application_id != application.pk:
        raise ApplicationError(_("Il soggetto non fa parte del partenariato."), code="partner_invalid")
    try:
        content_type = check_upload(
            uploaded_file,
            allowed_types=required_document.allowed_types,
            max_bytes=required_document.max_size_mb * 1024 * 1024,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
        )
    except UploadRefused as refusal:
        raise ApplicationError(str(refusal), code=refusal.code) from refusal
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    for previous in application.documents.filter(required_document=required_document, partner=partner):
        # The replaced file stays in storage: its history row still names it, so earlier versions remain
        # available to officers and auditors.
        previous._history_user = actor
        previous.delete()
    document = ApplicationDocument(
        application=application,
        required_document=required_document,
        partner=partner,
        original_name=safe_filename(uploaded_file.name),
        content_type=content_type[:100],
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    document.file.save(document.original_name, uploaded_file, save=False)
    return save_audited(document, actor=actor, reason="Documento allegato")


# --- submission ---------------------------------------------------------------------------------------------
def _ensure_call_booking(call: Call, reserves: Sequence | None = None) -> None:
    """The call's booking row and one row per reserve, made once (the reserves' total is fixed with them)."""
    if not CallBooking.objects.filter(call=call).exists():
        reserves = list(call.reserves.all()) if reserves is None else reserves
        with transaction.atomic():
            ReserveBooking.objects.bulk_create(
                [ReserveBooking(reserve=r, call=call, budget=r.amount) for r in reserves],
                ignore_conflicts=True,
            )
            reserved = round_money(sum((r.amount for r in reserves), ZERO))
            CallBooking.objects.bulk_create(
                [CallBooking(call=call, budget=call.budget, reserved=min(reserved, call.budget))],
                ignore_conflicts=True,
            )


def _matching_reserve(application: Application, reserves: Sequence):
    """The reserve of the call the application matches (read before the locks), or None."""
    if not reserves:
        return None
    kinds = {r.kind for r in reserves}
    province_ids: set[int] = set()
    district_ids: set[int] = set()
    if ReserveKind.PROVINCE in kinds:
        province_ids = set(application.provinces.values_list("pk", flat=True))
        province_ids |= set(application.municipalities.values_list("province_id", flat=True))
        if not province_ids:
            province_ids = {application.applicant.seat.province_id}
    if ReserveKind.DISTRICT in kinds:
        district_ids = set(application.districts.values_list("pk", flat=True))
    facts = ReserveFacts(
        legal_form=application.applicant.legal_form,
        company_size=application.applicant.company_size,
        province_ids=frozenset(province_ids),
        district_ids=frozenset(district_ids),
    )
    return matching_reserve(reserves, facts)


_INCREMENT_COUNTER = "UPDATE {table} SET last_number = last_number + 1 WHERE year = %s RETURNING last_number"


def _next_protocol_number(year: int) -> int:
    """Increment the year's counter and read it back in one statement, whose row lock is held until the
    caller's transaction ends: gapless, because that transaction either commits the number together with the
    application or rolls both back. One round trip under the hottest lock of the platform (a SELECT ... FOR
    UPDATE, then an UPDATE, would be two), and no existence check before it: the first submission of a
    year finds no row, creates it (a concurrent first one waits on the insert, then does nothing) and
    increments."""
    sql = _INCREMENT_COUNTER.format(table=connection.ops.quote_name(ProtocolCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
        if row is None:
            ProtocolCounter.objects.bulk_create([ProtocolCounter(year=year)], ignore_conflicts=True)
            cursor.execute(sql, [year])
            row = cursor.fetchone()
    return row[0]


def _book(*, actor, application: Application, booking: CallBooking) -> None:
    """First-come: book the requested grant if it fits and nobody arrived earlier is waiting.

    The booking row is as hot as the protocol counter (every submission to the call locks it), so this runs
    no query it can avoid: no full_clean (the database's check constraints refuse an over-booking), no re-read
    for the audit diff (the locked row is the "before"); history and AuditEvent are written as save_audited
    would write them."""
    grant = application.requested_grant
    reserve = application.reserve
    if booking.reserved:
        # Who waits, by reserve: a pool is open to a newcomer only if nobody arrived earlier waits for it
        # (everybody may use the general pool, so any waiting application closes it).
        waiting_reserves = set(
            selectors.waiting_list(application.call).values_list("reserve_id", flat=True).distinct()
        )
        queue_is_empty = not waiting_reserves
    else:
        waiting_reserves = set()
        queue_is_empty = not selectors.waiting_list(application.call).exists()
    on_reserve = False
    if reserve is not None and booking.reserved and reserve.pk not in waiting_reserves:
        reserve_booking = ReserveBooking.objects.select_for_update().get(reserve=reserve)
        on_reserve = grant <= reserve_booking.available
        if on_reserve:
            reserve_booking.booked = round_money(reserve_booking.booked + grant)
            reserve_booking.save(update_fields=["booked", "updated_at"])
            booking.reserve_booked = round_money(booking.reserve_booked + grant)
    fits_general = queue_is_empty and grant <= min(booking.general_available, booking.available)
    if on_reserve or fits_general:
        before = booking.booked
        booking.booked = round_money(booking.booked + grant)
        booking.call = application.call  # already loaded: str(booking) in the audit needs no query
        reason = f"Prenotazione domanda {application.pk}"
        if getattr(actor, "is_authenticated", False):
            booking._history_user = actor
        booking._change_reason = reason
        booking.save(update_fields=["booked", "reserve_booked", "updated_at"])
        record_event(
            actor=actor,
            action="callbooking.updated",
            obj=booking,
            before={"booked": str(before)},
            after={"booked": str(booking.booked)},
            reason=reason,
        )
        application.booking_outcome = BookingOutcome.BOOKED
        application.booked_amount = grant
        application.booked_on_reserve = on_reserve
    else:
        application.booking_outcome = BookingOutcome.WAITING
        application.booked_amount = ZERO


def submit(
    *, actor, application: Application, idempotency_key: str, declarations_accepted: bool
) -> SubmissionResult:
    """Send the application: window, declarations and rules checked; booking (first-come) and protocol number
    taken in one short transaction. Repeating the request with the same key returns the same answer."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ApplicationError(
            _("Manca la chiave di idempotenza (al massimo %(max)d caratteri).")
            % {"max": MAX_IDEMPOTENCY_KEY_LENGTH},
            errors=[
                _error("idempotency_key_missing", "idempotency_key", _("Chiave mancante o troppo lunga."))
            ],
            code="idempotency_key_missing",
        )
    moment = now()
    year = in_rome(moment).year
    call = application.call
    # The booking row must exist before anyone locks it; created once, outside the hot transaction.
    reserve = None
    if call.mode == CallMode.FIRST_COME:
        reserves = list(call.reserves.order_by("code"))
        _ensure_call_booking(call, reserves)
        reserve = _matching_reserve(application, reserves)
    try:
        result = _submit_locked(
            actor=actor,
            application=application,
            key=key,
            moment=moment,
            year=year,
            declarations_accepted=declarations_accepted,
            reserve=reserve,
        )
    except IntegrityError:
        # The only unique value a submission can collide on besides the protocol (which the counter lock
        # makes unique) is the idempotency key, reused at the same instant on another application.
        if Application.objects.filter(applicant_id=application.applicant_id, idempotency_key=key).exists():
            raise IdempotencyKeyReused(
                _("La chiave di idempotenza è già stata usata per un'altra domanda.")
            ) from None
        raise
    if result.created:
        # After the commit, outside every lock: the e-mail with the PDF receipt (a task if a worker runs).
        enqueue_on_commit(send_receipt, result.application.pk)
    return result


@transaction.atomic
def _submit_locked(
    *, actor, application, key, moment, year, declarations_accepted, reserve=None
) -> SubmissionResult:
    application = _lock(application)  # 1. the application row
    _require_member(actor, application)
    if application.protocol_number is not None or application.status != ApplicationStatus.DRAFT:
        if application.protocol_number is not None and application.idempotency_key == key:
            return SubmissionResult(application=application, created=False)
        if application.protocol_number is not None:
            raise AlreadySubmitted(application)
        _require_editable(application)
    if (
        Application.objects.filter(applicant_id=application.applicant_id, idempotency_key=key)
        .exclude(pk=application.pk)
        .exists()
    ):
        raise IdempotencyKeyReused(_("La chiave di idempotenza è già stata usata per un'altra domanda."))
    call = application.call
    _require_window(call, moment)
    _require_executive_window(application, moment)
    if not declarations_accepted:
        message = _(
            "Per inviare la domanda occorre accettare le dichiarazioni rese ai sensi del DPR 445/2000."
        )
        raise SubmissionRefused(
            message, errors=[_error("declarations_required", "declarations_accepted", message)]
        )
    # Partners, budget lines, documents and territory read once, for the rules and for the snapshot; the
    # call's rules from this process's copy of the call's current version.
    selectors.prefetch_submission_inputs(application)
    violations = selectors.check_application(application, terms=selectors.cached_call_terms(call))
    if violations:
        raise SubmissionRefused(
            _("La domanda non rispetta le condizioni del bando (%(count)d da correggere).")
            % {"count": len(violations)},
            errors=[v.as_dict() for v in violations],
        )

    snapshot = selectors.submission_snapshot(application)
    application.submitted_data = snapshot
    application.fingerprint = fingerprint_of(snapshot)
    application.submitted_at = moment
    application.submitted_by = actor
    application.declarations_accepted_at = moment
    application.idempotency_key = key

    application.mark_submitted()
    # Validated before the hot locks. The booking fields set below are constants of their choices and a
    # Decimal the database constrains. The foreign keys are left out: full_clean would query each one, and
    # they are the rows just read and locked (call, applicant, preliminary, author) and the acting user.
    application.full_clean(exclude=_VALIDATED_RELATIONS, validate_constraints=False)

    if call.mode == CallMode.FIRST_COME:  # 2. the call's booking row (then its reserve's, if one matches)
        application.reserve = reserve
        booking = CallBooking.objects.select_for_update().get(call=call)
        _book(actor=actor, application=application, booking=booking)

    # 3. last: the year's protocol counter, held only for these two UPDATEs and the commit. (save_audited
    # would full_clean again, querying under the hot lock: the history attributes are set directly instead.)
    application.protocol_year = year
    application.protocol_number = _next_protocol_number(year)
    if getattr(actor, "is_authenticated", False):
        application._history_user = actor
    application._change_reason = f"Inviata, protocollo {application.protocol}"
    application.save()
    queue_receipt(application)  # sent when this transaction commits: a worker renders the PDF
    return SubmissionResult(application=application, created=True)


# --- withdrawal and first-come booking --------------------------------------------------------------------
@transaction.atomic
def withdraw(*, actor, application: Application) -> Application:
    """The applicant withdraws a draft or a submitted application, before the deadline. A protocol number,
    once taken, stays used; money booked on a first-come call goes to the first waiting applications."""
    moment = now()
    application = _lock(application)
    _require_member(actor, application)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    if application.status not in WITHDRAWABLE_STATUSES:
        raise NotEditable(
            _("Una domanda nello stato «%(status)s» non può essere ritirata.")
            % {"status": application.get_status_display()}
        )
    if moment >= application.call.closes_at:
        day, time = _format_day_and_time(application.call.closes_at)
        raise NotEditable(
            _("Non è più possibile ritirare la domanda: la scadenza era il %(day)s alle %(time)s.")
            % {"day": day, "time": time},
            code="call_closed",
        )
    application.mark_withdrawn()
    application.withdrawn_at = moment
    save_audited(application, actor=actor, reason="Ritirata dal proponente")
    if application.booking_outcome == BookingOutcome.BOOKED:
        release_booking(actor=actor, application=application)
    return application


@transaction.atomic
def release_booking(*, actor, application: Application) -> list[Application]:
    """Give back the money a first-come application had booked (withdrawn, not admissible, renounced), then
    fund the waiting applications in arrival order. Returns the applications funded now.

    Called by this context's services and by the evaluation context; the caller has checked who may."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.booking_outcome != BookingOutcome.BOOKED:
        return []
    booking = CallBooking.objects.select_for_update().get(call_id=application.call_id)
    reserve_bookings = _lock_reserve_bookings(booking)
    booking.booked = round_money(booking.booked - application.booked_amount)
    if application.booked_on_reserve and application.reserve_id in reserve_bookings:
        reserve_booking = reserve_bookings[application.reserve_id]
        reserve_booking.booked = round_money(reserve_booking.booked - application.booked_amount)
        save_audited(reserve_booking, actor=actor, reason=f"Riserva liberata dalla domanda {application.pk}")
        booking.reserve_booked = round_money(booking.reserve_booked - application.booked_amount)
    save_audited(booking, actor=actor, reason=f"Prenotazione liberata dalla domanda {application.pk}")
    application.booking_outcome = BookingOutcome.RELEASED
    application.booked_amount = ZERO
    application.booked_on_reserve = False
    save_audited(application, actor=actor, reason="Prenotazione liberata")
    return _fund_waiting(actor=actor, booking=booking, reserve_bookings=reserve_bookings)


def _lock_reserve_bookings(booking: CallBooking) -> dict:
    """Every reserve row of the call, locked after its booking row (in a fixed order)."""
    if not booking.reserved:
        return {}
    rows = ReserveBooking.objects.select_for_update().filter(call_id=booking.call_id).order_by("pk")
    return {row.reserve_id: row for row in rows}


@transaction.atomic
def fund_waiting(*, actor, call: Call) -> list[Application]:
    """Book the waiting applications of a first-come call while the money is enough (e.g. after the budget
    was raised), strictly in arrival order."""
    _ensure_call_booking(call)
    booking = CallBooking.objects.select_for_update().get(call=call)
    return _fund_waiting(actor=actor, booking=booking, reserve_bookings=_lock_reserve_bookings(booking))


GENERAL_POOL = None


def _fund_waiting(*, actor, booking: CallBooking, reserve_bookings: dict) -> list[Application]:
    """Fund waiting applications in arrival order, each from its reserve first, then the general pool. A pool
    that an earlier application could not get stays closed to later ones: nobody jumps the queue."""
    funded = []
    closed: set = set()
    for waiting in selectors.waiting_list(booking.call).select_for_update():
        grant = waiting.requested_grant
        pools = (
            [waiting.reserve_id, GENERAL_POOL] if waiting.reserve_id in reserve_bookings else [GENERAL_POOL]
        )
        chosen = "none"
        for pool in pools:
            if pool in closed:
                continue
            if pool is GENERAL_POOL:
                if grant <= min(booking.general_available, booking.available):
                    chosen = pool
                    break
            elif grant <= reserve_bookings[pool].available:
                chosen = pool
                break
        if chosen == "none":
            closed.update(pools)
            if GENERAL_POOL in closed and closed >= set(reserve_bookings) | {GENERAL_POOL}:
                break
            continue
        booking.booked = round_money(booking.booked + grant)
        if chosen is not GENERAL_POOL:
            reserve_bookings[chosen].booked = round_money(reserve_bookings[chosen].booked + grant)
            booking.reserve_booked = round_money(booking.reserve_booked + grant)
            save_audited(reserve_bookings[chosen], actor=actor, reason="Lista d'attesa")
        waiting.booking_outcome = BookingOutcome.BOOKED
        waiting.booked_amount = grant
        waiting.booked_on_reserve = chosen is not GENERAL_POOL
        save_audited(waiting, actor=actor, reason="Finanziata dalla lista d'attesa")
        funded.append(waiting)
    if funded:
        save_audited(booking, actor=actor, reason="Lista d'attesa")
    return funded


# --- Retention (GDPR): drafts never submitted are deleted some months after their call closed -------------


def months_before(moment, months: int):
    """The same wall-clock instant ``months`` calendar months earlier (a 31st: the month's last day)."""
    import calendar

    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def stale_drafts(*, months: int, at=None):
    """Drafts never submitted whose call closed more than ``months`` months before ``at``."""
    cutoff = months_before(at or now(), months)
    return Application.objects.filter(
        status=ApplicationStatus.DRAFT, submitted_at__isnull=True, call__closes_at__lt=cutoff
    ).select_related("call", "applicant")


def delete_stale_drafts(*, months: int, at=None, actor=None) -> int:
    """Delete the stale drafts with their partners, budget and documents (files included); returns how many.

    Each deletion leaves an ``application.draft_deleted`` audit event with what the draft held (the audit
    trail is the proof that the retention rule ran); stored files are removed once the deletion commits.
    """
    from grants.core.audit import snapshot

    deleted = 0
    for application in stale_drafts(months=months, at=at).iterator():
        files = list(
            ApplicationDocument.objects.filter(application=application)
            .exclude(file="")
            .values_list("file", flat=True)
        )
        with transaction.atomic():
            record_event(
                actor=actor,
                action="application.draft_deleted",
                obj=application,
                before=snapshot(application),
                organisation=application.applicant,
                reason=f"Conservazione: bozza mai presentata, bando chiuso da oltre {months} mesi",
            )
            application.delete()
        storage = ApplicationDocument._meta.get_field("file").storage
        for name in files:
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        deleted += 1
    return deleted

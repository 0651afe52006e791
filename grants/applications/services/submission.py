"""Submission: the checks, the protocol number, the first-come booking of the call's budget and the
receipt."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.money import ZERO, round_money
from grants.core.tasks import enqueue_on_commit
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallMode, ReserveKind

from .. import selectors
from ..fingerprint import fingerprint_of
from ..models import Application, CallBooking, ProtocolCounter, ReserveBooking
from ..receipt_mail import send_receipt
from ..reserves import ReserveFacts, matching_reserve
from ..states import ApplicationStatus, BookingOutcome
from ..tasks import queue_receipt
from .common import (
    AlreadySubmitted,
    ApplicationError,
    IdempotencyKeyReused,
    SubmissionRefused,
    _error,
    _lock,
    _require_editable,
    _require_executive_window,
    _require_member,
    _require_window,
)

MAX_IDEMPOTENCY_KEY_LENGTH = 100
# Relations of a submitted application that exist by construction (see _submit_locked).
_VALIDATED_RELATIONS = ["call", "applicant", "created_by", "submitted_by", "preliminary"]


@dataclass(frozen=True)
class SubmissionResult:
    application: Application
    created: bool  # False: a repeated request got the answer of the first one

    @property
    def protocol(self) -> str:
        return self.application.protocol


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

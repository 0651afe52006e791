"""Withdrawal, and the first-come (sportello) bookings: released, and the waiting list funded in order."""

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.money import ZERO, round_money
from grants.core.timeutils import now
from grants.programme.models import Call

from .. import notices, selectors
from ..models import Application, CallBooking, ReserveBooking
from ..states import WITHDRAWABLE_STATUSES, ApplicationStatus, BookingOutcome
from .common import NotEditable, _format_day_and_time, _lock, _require_member
from .sequencer import ensure_call_booking


# --- withdrawal and first-come booking --------------------------------------------------------------------
@transaction.atomic
def withdraw(*, actor, application: Application, reason: str = "") -> Application:
    """The applicant withdraws a draft or a submitted application, before the deadline, saying why (``reason``
    is kept in the audit trail and the history with the withdrawal). A protocol number, once taken, stays
    used; money booked on a first-come call goes to the first waiting applications."""
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
    reason = " ".join((reason or "").split())
    save_audited(
        application,
        actor=actor,
        action="application.withdrawn",
        reason=_("Ritirata dal proponente: %(reason)s") % {"reason": reason}
        if reason
        else _("Ritirata dal proponente"),
    )
    if application.booking_outcome == BookingOutcome.BOOKED:
        release_booking(actor=actor, application=application)
    notices.application_withdrawn(actor=actor, application=application, reason=reason)
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


@transaction.atomic
def reduce_booking(*, actor, application: Application, amount) -> list[Application]:
    """A first-come application is granted less than it booked: the booking keeps ``amount`` and gives the
    rest back (to its reserve or the general pool), then the waiting applications are funded in arrival
    order. Returns the applications funded now. The caller has checked who may and that ``amount`` is not
    above the booking."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    amount = round_money(amount)
    freed = round_money(application.booked_amount - amount)
    if application.booking_outcome != BookingOutcome.BOOKED or freed <= 0:
        return []
    booking = CallBooking.objects.select_for_update().get(call_id=application.call_id)
    reserve_bookings = _lock_reserve_bookings(booking)
    booking.booked = round_money(booking.booked - freed)
    if application.booked_on_reserve and application.reserve_id in reserve_bookings:
        reserve_booking = reserve_bookings[application.reserve_id]
        reserve_booking.booked = round_money(reserve_booking.booked - freed)
        save_audited(reserve_booking, actor=actor, reason=f"Riserva ridotta dalla domanda {application.pk}")
        booking.reserve_booked = round_money(booking.reserve_booked - freed)
    save_audited(booking, actor=actor, reason=f"Prenotazione ridotta dalla domanda {application.pk}")
    application.booked_amount = amount
    save_audited(application, actor=actor, reason="Prenotazione ridotta all'importo concesso")
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
    ensure_call_booking(call)
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

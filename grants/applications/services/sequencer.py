"""The sequencer: protocol numbers and first-come bookings given to the arrivals, in arrival order, by batch.

The intake (``services.submission``) only records arrivals. This module numbers them: it takes the arrivals
without a number in the order of their id (a database sequence), and in **one transaction per batch**

1. takes as many gapless protocol numbers as the batch holds from the year's counter (one UPDATE),
2. books each first-come call's budget and reserves for the batch's applications, in order, under the rule
   of ``grants.applications.sequencing`` (the booking rows are locked once per batch, not per submission),
3. marks the applications submitted with their number and outcome, the arrivals sequenced, and writes the
   applications' history rows and one audit event per application in bulk,

then commits once, and queues the receipts and notices after the commit. A batch that fails is rolled back
whole: no number is given twice and none is skipped.

**Arrival order is exact.** A sequence hands out ids at insert, so an arrival with a lower id may commit after
one with a higher id. Before each batch the sequencer takes a *fence*: it locks the arrivals table in SHARE
mode (which waits for the inserts in flight to commit or roll back, and for a moment holds new ones back) and
reads the highest id; every arrival up to the fence is then either committed or never will be, so numbering
stops at the fence and nothing that arrived earlier is overtaken. On SQLite the one writer makes the id order
the commit order and the fence is a plain read.

**One sequencer at a time.** On PostgreSQL every batch holds a transaction-level advisory lock, so batches
never interleave, whoever runs them; ``run_sequencer`` additionally holds a session-level advisory lock as
leader, so a standby process waits and takes over when the leader's connection goes away.
"""

import logging
from collections import defaultdict
from itertools import groupby

from celery import current_app
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

from grants.core.audit import REPR_MAX_LENGTH
from grants.core.models import AuditEvent
from grants.core.money import ZERO, round_money
from grants.core.tasks import enqueue_on_commit
from grants.core.timeutils import in_rome, now
from grants.programme.models import Call, CallMode

from .. import history
from ..models import Application, Arrival, CallBooking, ProtocolCounter, ReserveBooking
from ..sequencing import Pools, Request, book_in_order
from ..states import ApplicationStatus, BookingOutcome
from ..tasks import after_numbering

# PostgreSQL advisory lock keys (any two constants unique to this platform): "WECA" + 1 and + 2.
LEADER_LOCK = 0x57454341_01
BATCH_LOCK = 0x57454341_02
DEFAULT_BATCH_SIZE = 500
logger = logging.getLogger("grants.sequencer")

_INCREMENT_COUNTER = "UPDATE {table} SET last_number = last_number + %s WHERE year = %s RETURNING last_number"
# What the booking sets on a first-come application, row by row (see _save).
_BOOKING_FIELDS = ["booking_outcome", "booked_amount", "booked_on_reserve"]


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


_PENDING = "SELECT 1 FROM {table} WHERE sequenced_at IS NULL LIMIT 1"


def pending_exists() -> bool:
    """Is any arrival waiting for its number? One probe of the partial index, in plain SQL: the idle
    sequencer asks it every ``poll`` seconds, and building it with the ORM cost more than running it."""
    with connection.cursor() as cursor:
        cursor.execute(_PENDING.format(table=connection.ops.quote_name(Arrival._meta.db_table)))
        return cursor.fetchone() is not None


def warm_up() -> None:
    """Load what the first batch would otherwise load while its applicants wait for their numbers: the
    broker's transport and a connection from the producer pool (importing kombu's transport alone took half
    a second), and the content type of the audit rows."""
    ContentType.objects.get_for_model(Application)
    if current_app.conf.task_always_eager:
        return
    try:
        with current_app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1)
    except Exception as exc:  # a broker still down: the first send retries, as it would without this
        logger.warning("sequencer: broker not reachable yet (%s)", exc)


def sequence_pending(*, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Number every arrival waiting now, batch after batch; the count numbered."""
    total = 0
    while numbered := len(sequence_batch(limit=batch_size)):
        total += numbered
    return total


def sequence_batch(*, limit: int = DEFAULT_BATCH_SIZE) -> list[Application]:
    """Number up to ``limit`` arrivals, the earliest first, in one transaction; the applications numbered."""
    fence = _fence()
    if fence is None:
        return []
    with transaction.atomic():
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [BATCH_LOCK])
        arrivals = list(
            Arrival.objects.filter(sequenced_at__isnull=True, pk__lte=fence)
            .select_related("sent_by")
            .order_by("pk")[:limit]
        )
        if not arrivals:
            return []
        moment = now()
        applications = Application.objects.select_related("call", "applicant").in_bulk(
            [arrival.application_id for arrival in arrivals]
        )
        ordered = [applications[arrival.application_id] for arrival in arrivals]
        _number(arrivals, ordered, moment)
        for _call_id, group in groupby(ordered, key=lambda application: application.call_id):
            group = list(group)
            if group[0].call.mode == CallMode.FIRST_COME:
                _book(group[0].call, group)
        for application, arrival in zip(ordered, arrivals, strict=True):
            application.mark_submitted()
            application.updated_at = moment
            application._history_user = arrival.sent_by
            application._change_reason = f"Inviata, protocollo {application.protocol}"
        _save(arrivals, ordered, moment)
        _history(ordered, moment)
        _audit(ordered, arrivals, moment)
        # Receipts, protocol registrations and e-mails: one message for the batch, after the commit.
        enqueue_on_commit(after_numbering, [application.pk for application in ordered])
    return ordered


def _fence() -> int | None:
    """The highest arrival id below which every arrival is committed or gone (see the module's docstring)."""
    with transaction.atomic():
        if is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(Arrival._meta.db_table)} IN SHARE MODE"
                )
        if not pending_exists():
            return None
        return Arrival.objects.order_by("-pk").values_list("pk", flat=True).first()


def _number(arrivals: list[Arrival], applications: list[Application], moment) -> None:
    """Gapless numbers, in arrival order, from each year's counter (the year of the arrival in Rome)."""
    years = [in_rome(arrival.arrived_at).year for arrival in arrivals]
    counts = defaultdict(int)
    for year in years:
        counts[year] += 1
    next_number = {year: _take_numbers(year, count) for year, count in sorted(counts.items())}
    for arrival, application, year in zip(arrivals, applications, years, strict=True):
        number = next_number[year]
        next_number[year] += 1
        arrival.sequenced_at = moment
        arrival.protocol_year = application.protocol_year = year
        arrival.protocol_number = application.protocol_number = number


def _save(arrivals: list[Arrival], applications: list[Application], moment) -> None:
    """Write the batch: what its rows share in one plain UPDATE, only what differs row by row through
    ``bulk_update``, whose CASE per row and field Django builds in Python (with every field in it, building
    it cost the sequencer more than the rest of the batch). The applications take their year and number
    from their arrival in the same statement that marks them submitted."""
    by_year = defaultdict(list)
    for arrival in arrivals:
        by_year[arrival.protocol_year].append(arrival)
    for year, group in by_year.items():  # time, year and number together (a check constraint wants them so)
        Arrival.objects.filter(pk__in=[arrival.pk for arrival in group]).update(
            sequenced_at=moment,
            protocol_year=year,
            protocol_number=Case(
                *[When(pk=arrival.pk, then=Value(arrival.protocol_number)) for arrival in group],
                output_field=IntegerField(),
            ),
        )
    own_arrival = Arrival.objects.filter(application_id=OuterRef("pk"))
    Application.objects.filter(pk__in=[application.pk for application in applications]).update(
        status=ApplicationStatus.SUBMITTED,
        updated_at=moment,
        protocol_year=Subquery(own_arrival.values("protocol_year")[:1]),
        protocol_number=Subquery(own_arrival.values("protocol_number")[:1]),
    )
    booked = [application for application in applications if application.call.mode == CallMode.FIRST_COME]
    if booked:
        Application.objects.bulk_update(booked, _BOOKING_FIELDS)


def _take_numbers(year: int, count: int) -> int:
    """Move the year's counter on by ``count`` in one statement; the first of the numbers taken."""
    sql = _INCREMENT_COUNTER.format(table=connection.ops.quote_name(ProtocolCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, year])
        row = cursor.fetchone()
        if row is None:
            ProtocolCounter.objects.bulk_create([ProtocolCounter(year=year)], ignore_conflicts=True)
            cursor.execute(sql, [count, year])
            row = cursor.fetchone()
    return row[0] - count + 1


def ensure_call_booking(call: Call) -> None:
    """The call's booking row and one row per reserve, made once (the reserves' total is fixed with them)."""
    if CallBooking.objects.filter(call=call).exists():
        return
    reserves = list(call.reserves.all())
    with transaction.atomic():
        ReserveBooking.objects.bulk_create(
            [ReserveBooking(reserve=r, call=call, budget=r.amount) for r in reserves], ignore_conflicts=True
        )
        reserved = round_money(sum((r.amount for r in reserves), ZERO))
        CallBooking.objects.bulk_create(
            [CallBooking(call=call, budget=call.budget, reserved=min(reserved, call.budget))],
            ignore_conflicts=True,
        )


def _book(call: Call, applications: list[Application]) -> None:
    """First-come: book the batch's applications of one call, in order, with the rows locked once."""
    ensure_call_booking(call)
    booking = CallBooking.objects.select_for_update().get(call=call)
    reserve_rows = {}
    if booking.reserved:
        reserve_rows = {
            row.reserve_id: row
            for row in ReserveBooking.objects.select_for_update().filter(call=call).order_by("pk")
        }
    waiting = Application.objects.filter(
        call=call, status=ApplicationStatus.SUBMITTED, booking_outcome=BookingOutcome.WAITING
    )
    pools = Pools(
        budget=booking.budget,
        booked=booking.booked,
        reserved=booking.reserved,
        reserve_booked=booking.reserve_booked,
        reserve_available={pk: row.available for pk, row in reserve_rows.items()},
        waiting=set(waiting.values_list("reserve_id", flat=True).distinct()),
    )
    by_pk = {application.pk: application for application in applications}
    requests = [Request(a.pk, a.requested_grant, a.reserve_id) for a in applications]
    on_reserve_total: dict = defaultdict(lambda: ZERO)
    for outcome in book_in_order(pools, requests):
        application = by_pk[outcome.key]
        if outcome.booked:
            application.booking_outcome = BookingOutcome.BOOKED
            application.booked_amount = application.requested_grant
            application.booked_on_reserve = outcome.on_reserve
            if outcome.on_reserve:
                on_reserve_total[application.reserve_id] += application.requested_grant
        else:
            application.booking_outcome = BookingOutcome.WAITING
            application.booked_amount = ZERO
            application.booked_on_reserve = False
    if pools.booked == booking.booked:
        return
    reason = f"Prenotazioni di {len(applications)} domande in ordine di arrivo"
    for reserve_id, amount in on_reserve_total.items():
        row = reserve_rows[reserve_id]
        row.booked = round_money(row.booked + amount)
        row._change_reason = reason
        row.save(update_fields=["booked", "updated_at"])
    before = booking.booked
    booking.booked, booking.reserve_booked = pools.booked, pools.reserve_booked
    booking.call = call
    booking._change_reason = reason
    booking.save(update_fields=["booked", "reserve_booked", "updated_at"])
    AuditEvent.objects.create(
        action="callbooking.updated",
        content_type=ContentType.objects.get_for_model(CallBooking),
        object_id=str(booking.pk),
        object_repr=str(booking)[:REPR_MAX_LENGTH],
        before={"booked": str(before)},
        after={"booked": str(booking.booked)},
        reason=reason,
    )


def _history(applications: list[Application], moment) -> None:
    """The applications' history rows, with their territory as simple-history would copy it one by one."""
    history.write(applications, moment=moment, links=history.read_links([a.pk for a in applications]))


def _audit(applications: list[Application], arrivals: list[Arrival], moment) -> None:
    content_type = ContentType.objects.get_for_model(Application)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                timestamp=moment,
                actor_id=arrival.sent_by_id,
                organisation_id=application.applicant_id,
                organisation_name=str(application.applicant)[:REPR_MAX_LENGTH],
                actor_label=(arrival.sent_by.email or str(arrival.sent_by))[:REPR_MAX_LENGTH],
                action="application.submitted",
                content_type=content_type,
                object_id=str(application.pk),
                object_repr=str(application)[:REPR_MAX_LENGTH],
                after={
                    "protocol": application.protocol,
                    "arrival": arrival.pk,
                    "booking_outcome": application.booking_outcome,
                    "booked_amount": str(application.booked_amount),
                },
                reason=f"Protocollata in ordine di arrivo ({arrival.pk})",
            )
            for application, arrival in zip(applications, arrivals, strict=True)
        ]
    )

"""Click day on PostgreSQL: concurrent submissions in real threads, each with its own connection.

SQLite serialises every write and ignores SELECT ... FOR UPDATE, so these tests only mean something on
PostgreSQL (run with DATABASE_URL=postgres://...)."""

import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from grants.applications import selectors, services
from grants.applications.models import Application, CallBooking, ProtocolCounter
from grants.core.timeutils import in_rome, now

from .factories import open_call, ready_application

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks (SELECT ... FOR UPDATE) and real concurrency need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def slow_writes(monkeypatch):
    """Widen the race windows: every write of the counter and booking rows takes 5 ms longer (as on a busy
    server), so that a missing lock shows up as duplicate numbers or over-booking, not as luck."""
    for model in (ProtocolCounter, CallBooking):
        original = model.save

        def slow_save(self, *args, _original=original, **kwargs):
            time.sleep(0.005)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(model, "save", slow_save)


def run_together(calls):
    """Start every call at the same instant, one thread each; return ('ok', value) or ('error', exc)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = ("ok", call())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submission hung"
    return results


def submitter(application, key):
    return lambda: services.submit(
        actor=application.created_by, application=application, idempotency_key=key, declarations_accepted=True
    )


def test_fifty_applications_get_fifty_consecutive_numbers():
    call = open_call()
    applications = [ready_application(call=call) for _ in range(50)]
    results = run_together([submitter(a, f"key-{a.pk}") for a in applications])
    assert [kind for kind, _value in results] == ["ok"] * 50, [v for k, v in results if k == "error"][:3]
    numbers = sorted(Application.objects.values_list("protocol_number", flat=True))
    assert numbers == list(range(1, 51))
    assert ProtocolCounter.objects.get(year=in_rome(now()).year).last_number == 50


def test_the_same_application_sent_ten_times_takes_one_number():
    application = ready_application()
    results = run_together([submitter(application, "double-click") for _ in range(10)])
    assert all(kind == "ok" for kind, _value in results), results
    protocols = {value.protocol for _kind, value in results}
    assert len(protocols) == 1
    assert sum(value.created for _kind, value in results) == 1
    assert ProtocolCounter.objects.get(year=in_rome(now()).year).last_number == 1


def test_the_same_application_with_ten_different_keys_takes_one_number():
    application = ready_application()
    results = run_together([submitter(application, f"tab-{i}") for i in range(10)])
    created = [value for kind, value in results if kind == "ok"]
    conflicts = [value for kind, value in results if kind == "error"]
    assert len(created) == 1
    assert len(conflicts) == 9
    assert all(isinstance(exc, services.AlreadySubmitted) for exc in conflicts)
    assert ProtocolCounter.objects.get(year=in_rome(now()).year).last_number == 1


def test_first_come_books_exactly_what_the_budget_allows():
    k, n, grant = 5, 14, Decimal("20000.00")
    call = open_call(first_come=True, budget=grant * k, min_grant=None, max_grant=None)
    applications = [ready_application(call=call, amount=grant) for _ in range(n)]
    results = run_together([submitter(a, f"s-{a.pk}") for a in applications])
    assert all(kind == "ok" for kind, _value in results), results

    booked = list(selectors.booked_applications(call))
    waiting = list(selectors.waiting_list(call))
    assert len(booked) == k
    assert len(waiting) == n - k
    booking = CallBooking.objects.get(call=call)
    assert booking.booked == sum((a.booked_amount for a in booked), Decimal("0.00")) == booking.budget
    # Arrival order: those booked arrived first; the waiting list follows the protocol numbers.
    assert max(a.protocol_number for a in booked) < min(a.protocol_number for a in waiting)
    assert [a.protocol_number for a in waiting] == sorted(a.protocol_number for a in waiting)
    assert {a.protocol_number for a in booked + waiting} == set(range(1, n + 1))


def test_first_come_with_a_reserve_never_passes_the_reserve_nor_the_budget():
    """Budget 100,000 € with a 40,000 € reserve for companies: 8 companies and 8 ETS ask 20,000 € each at
    once. Companies book the reserve first, then the general pool; nothing passes either amount."""
    from grants.applications.models import ReserveBooking
    from grants.core.vocabulary import LegalForm
    from grants.programme.models import CallReserve, ReserveKind

    from .factories import member_of

    grant = Decimal("20000.00")
    call = open_call(
        first_come=True,
        budget=Decimal("100000.00"),
        min_grant=None,
        max_grant=None,
        lead_legal_forms=[LegalForm.THIRD_SECTOR.value, LegalForm.COMPANY.value],
    )
    reserve = CallReserve.objects.create(
        call=call,
        code="imprese",
        label="Riserva imprese",
        kind=ReserveKind.APPLICANT_TYPE,
        legal_forms=[LegalForm.COMPANY.value],
        amount=Decimal("40000.00"),
    )
    applications = []
    for index in range(16):
        user, organisation = member_of(legal_form=LegalForm.COMPANY if index % 2 else LegalForm.THIRD_SECTOR)
        applications.append(ready_application(call=call, user=user, organisation=organisation, amount=grant))
    results = run_together([submitter(a, f"r-{a.pk}") for a in applications])
    assert all(kind == "ok" for kind, _value in results), results

    booking = CallBooking.objects.get(call=call)
    reserve_booking = ReserveBooking.objects.get(reserve=reserve)
    booked = list(selectors.booked_applications(call))
    assert len(booked) == 5 and booking.booked == Decimal("100000.00") <= booking.budget
    on_reserve = [a for a in booked if a.booked_on_reserve]
    assert reserve_booking.booked == sum((a.booked_amount for a in on_reserve), Decimal("0.00"))
    assert reserve_booking.booked <= reserve.amount and booking.reserve_booked == reserve_booking.booked
    assert all(a.applicant.legal_form == LegalForm.COMPANY for a in on_reserve)
    assert sum((a.booked_amount for a in booked if not a.booked_on_reserve), Decimal("0.00")) <= Decimal(
        "60000.00"
    )


def test_the_sequencer_never_overtakes_an_arrival_still_committing(settings, monkeypatch):
    """The first arrival has its id but has not committed; the second commits; the sequencer starts. The
    fence makes it wait for the first instead of numbering the second as number 1."""
    from grants.applications.models import Arrival
    from grants.applications.services import sequencer

    settings.SUBMISSION_SEQUENCER = "process"
    first, second = ready_application(), ready_application()
    inserted, release = threading.Event(), threading.Event()
    original_save = Arrival.save

    def held(self, *args, **kwargs):
        original_save(self, *args, **kwargs)
        if self.application_id == first.pk:  # id taken, commit held back
            inserted.set()
            release.wait(10)

    monkeypatch.setattr(Arrival, "save", held)

    def in_thread(function):
        def run():
            try:
                function()
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    sending_first = in_thread(submitter(first, "a"))
    assert inserted.wait(10)
    in_thread(submitter(second, "b")).join(30)
    sequencing = in_thread(sequencer.sequence_pending)
    time.sleep(0.5)  # without the fence the sequencer would number the second arrival now
    release.set()
    sending_first.join(30)
    sequencing.join(30)
    sequencer.sequence_pending()
    arrivals = list(Arrival.objects.order_by("pk").values_list("application_id", "protocol_number"))
    assert arrivals == [(first.pk, 1), (second.pk, 2)]


def test_arrivals_are_numbered_in_arrival_order_while_they_keep_coming(settings):
    """The sequencer runs in batches while thirty intakes commit: numbers, bookings and the waiting list
    follow the arrival ids exactly."""
    from grants.applications.models import Arrival
    from grants.applications.services import sequencer

    settings.SUBMISSION_SEQUENCER = "process"
    call = open_call(first_come=True, budget=Decimal("600000.00"), min_grant=None, max_grant=None)
    applications = [ready_application(call=call, amount=Decimal("40000.00")) for _ in range(30)]
    done = threading.Event()

    def sequence_while_arriving():
        numbered = 0
        while not done.is_set() or sequencer.pending_exists():
            numbered += len(sequencer.sequence_batch(limit=4))
        return numbered

    calls = [submitter(a, f"key-{a.pk}") for a in applications]

    def arrive_then_finish():
        results = run_together(calls)
        done.set()
        return results

    outcome = run_together([arrive_then_finish, sequence_while_arriving])
    assert outcome[0][0] == "ok" and outcome[1] == ("ok", 30), outcome
    assert [kind for kind, _value in outcome[0][1]] == ["ok"] * 30
    arrivals = list(Arrival.objects.order_by("pk").values_list("protocol_number", "application_id"))
    assert [number for number, _application in arrivals] == list(range(1, 31))
    numbers = dict(Application.objects.values_list("pk", "protocol_number"))
    assert all(numbers[application] == number for number, application in arrivals)
    # The budget funds 15 of 40,000: the first 15 arrivals, and the waiting list is in arrival order.
    outcomes = dict(Application.objects.values_list("pk", "booking_outcome"))
    assert [outcomes[application] for _n, application in arrivals] == ["booked"] * 15 + ["waiting"] * 15
    assert CallBooking.objects.get(call=call).booked == Decimal("600000.00")


def test_a_standby_sequencer_takes_over_when_the_leader_session_ends():
    import psycopg

    from grants.applications.services import leader, sequencer

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params, autocommit=True)
    try:
        assert other.execute("SELECT pg_try_advisory_lock(%s)", [sequencer.LEADER_LOCK]).fetchone()[0]
        assert leader.try_lead() is False
    finally:
        other.close()  # the leader dies: PostgreSQL releases its session's locks
    # ... once its backend has exited, which happens just after the client closes: the standby retries, as
    # run_sequencer does every ``retry`` seconds.
    deadline = time.monotonic() + 10
    while not leader.try_lead() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leader.still_leading() is True
    connection.close()
    connection.connect()
    assert leader.still_leading() is False  # a new session does not lead until it takes the lock again

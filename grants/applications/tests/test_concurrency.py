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

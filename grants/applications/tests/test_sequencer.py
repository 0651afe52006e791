"""The click day's two halves: the intake records arrivals, the sequencer numbers and books them in order.

Here the sequencer runs as in production (``SUBMISSION_SEQUENCER = "process"``): a submission is answered
as received, and nothing has a number until ``sequence_pending`` (what ``run_sequencer`` loops on) runs.
"""

import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from grants.applications import services
from grants.applications.models import Application, Arrival, CallBooking, ProtocolCounter
from grants.applications.services import sequencer
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.models import AuditEvent
from grants.core.timeutils import in_rome, now
from grants.notifications.models import Notification

from .factories import open_call, ready_application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sequencer_process(settings):
    settings.SUBMISSION_SEQUENCER = "process"


def send(application, key=None):
    return services.submit(
        actor=application.created_by,
        application=application,
        idempotency_key=key or f"k-{application.pk}",
        declarations_accepted=True,
    )


def sportello(budget: str):
    return open_call(first_come=True, budget=Decimal(budget), min_grant=None, max_grant=None)


def test_a_submission_is_received_then_numbered_by_the_sequencer(client, django_capture_on_commit_callbacks):
    application = ready_application()
    result = send(application)
    application.refresh_from_db()
    assert result.created and application.status == ApplicationStatus.RECEIVED
    assert application.protocol_number is None and application.submitted_at == result.arrival.arrived_at
    assert result.arrival.fingerprint == application.fingerprint
    assert not Notification.objects.exists()  # the receipt follows the number

    client.force_login(application.created_by)
    api = client.get(f"/api/v1/applications/{application.pk}").json()
    assert api["status"] == "received" and api["protocol"] == ""
    assert api["arrival"] == {
        "number": result.arrival.pk,
        "arrived_at": api["arrival"]["arrived_at"],
        "sequenced_at": None,
    }
    page_url = reverse("applications:application_submitted", args=[application.pk])
    page = client.get(page_url).content.decode()
    assert "in protocollazione" in page and 'hx-trigger="every 1s"' in page

    with django_capture_on_commit_callbacks(execute=True):
        assert sequencer.sequence_pending() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.protocol_number == 1 and application.protocol_year == in_rome(now()).year
    fragment = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
    assert application.protocol in fragment and "hx-trigger" not in fragment
    assert Notification.objects.filter(user=application.created_by).count() == 1
    history = application.history.order_by("history_date", "history_id").last()
    assert history.protocol_number == 1 and history.history_user == application.created_by
    assert sorted(history.municipalities.values_list("municipality_id", flat=True)) == sorted(
        application.municipalities.values_list("pk", flat=True)
    )
    event = AuditEvent.objects.get(action="application.submitted", object_id=str(application.pk))
    assert event.actor == application.created_by and event.after["protocol"] == application.protocol


def test_numbers_follow_the_order_of_arrival_across_calls_and_batches():
    calls = [open_call(), sportello("1000000.00")]
    applications = [ready_application(call=random.choice(calls)) for _ in range(7)]
    random.shuffle(applications)
    for application in applications:
        send(application)
    assert sum(len(sequencer.sequence_batch(limit=3)) for _ in range(4)) == 7
    arrivals = list(Arrival.objects.order_by("pk"))
    assert [a.application_id for a in arrivals] == [a.pk for a in applications]
    assert [a.protocol_number for a in arrivals] == list(range(1, 8))
    numbers = dict(Application.objects.values_list("pk", "protocol_number"))
    assert [numbers[a.pk] for a in applications] == list(range(1, 8))
    assert ProtocolCounter.objects.get().last_number == 7
    assert sequencer.sequence_pending() == 0


def test_first_come_books_in_arrival_order_and_the_rest_waits():
    call = sportello("100000.00")
    amounts = ["40000.00", "50000.00", "30000.00", "5000.00"]
    applications = [ready_application(call=call, amount=Decimal(a)) for a in amounts]
    for application in applications:
        send(application)
    sequencer.sequence_pending()
    outcomes = [Application.objects.get(pk=a.pk).booking_outcome for a in applications]
    # The third does not fit and waits; the fourth would fit but may not jump the queue.
    assert outcomes == [BookingOutcome.BOOKED, BookingOutcome.BOOKED, BookingOutcome.WAITING, "waiting"]
    assert CallBooking.objects.get(call=call).booked == Decimal("90000.00")
    # Withdrawing the first funds the waiting ones in arrival order (the existing rule).
    first = Application.objects.get(pk=applications[0].pk)
    services.withdraw(actor=first.created_by, application=first)
    assert Application.objects.get(pk=applications[2].pk).booking_outcome == BookingOutcome.BOOKED
    assert Application.objects.get(pk=applications[3].pk).booking_outcome == BookingOutcome.BOOKED


def test_the_same_key_answers_the_same_arrival_before_and_after_numbering():
    application = ready_application()
    first = send(application, "clic")
    again = send(application, "clic")
    assert not again.created and again.arrival.pk == first.arrival.pk
    with pytest.raises(services.AlreadySubmitted, match="in protocollazione"):
        send(application, "altro")
    sequencer.sequence_pending()
    replay = send(application, "clic")
    assert not replay.created and replay.protocol == Application.objects.get(pk=application.pk).protocol
    assert Arrival.objects.count() == 1


def test_a_failed_batch_gives_no_number_and_skips_none(monkeypatch):
    applications = [ready_application() for _ in range(3)]
    for application in applications:
        send(application)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(sequencer, "_audit", broken)
    with pytest.raises(RuntimeError):
        sequencer.sequence_batch()
    assert not Application.objects.filter(protocol_number__isnull=False).exists()
    assert Arrival.objects.filter(sequenced_at__isnull=True).count() == 3
    monkeypatch.undo()
    call_command("run_sequencer", "--once")
    assert sorted(Application.objects.values_list("protocol_number", flat=True)) == [1, 2, 3]


def test_inline_mode_numbers_in_the_same_request(settings):
    settings.SUBMISSION_SEQUENCER = "inline"
    result = send(ready_application())
    assert result.application.status == ApplicationStatus.SUBMITTED and result.protocol.endswith("/0000001")
    assert result.arrival.sequenced_at is not None


def test_the_leader_loop_numbers_what_arrives_and_stops_when_told():
    from grants.applications.services import leader

    for application in [ready_application() for _ in range(3)]:
        send(application)
    batches = []
    leader.run(poll=0, batch_size=2, on_batch=batches.append, should_stop=lambda: len(batches) == 2)
    assert batches == [2, 1]
    assert not sequencer.pending_exists()


def test_the_leader_reports_what_it_numbered_and_the_longest_wait(caplog):
    from grants.applications.services import leader

    for application in [ready_application() for _ in range(3)]:
        send(application)
    batches = []
    with caplog.at_level("INFO", logger="grants.sequencer"):
        leader.run(poll=0, batch_size=2, on_batch=batches.append, should_stop=lambda: len(batches) == 2)
    [line] = [r.getMessage() for r in caplog.records if "numbered" in r.getMessage()]
    assert line.startswith("sequencer: 3 arrivals numbered in 2 batches")
    assert "longest wait from arrival to number" in line


def test_a_batch_sends_one_message_for_its_receipts_and_e_mails(
    monkeypatch, django_capture_on_commit_callbacks
):
    from grants.applications import tasks

    applications = [ready_application() for _ in range(3)]
    for application in applications:
        send(application)
    messages = []
    monkeypatch.setattr(tasks.after_numbering, "delay", lambda ids: messages.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        assert len(sequencer.sequence_batch()) == 3
    assert messages == [[application.pk for application in applications]]


def test_after_a_batch_that_did_not_fill_up_the_leader_lets_the_next_one_gather(monkeypatch):
    from grants.applications.services import leader

    for application in [ready_application() for _ in range(3)]:
        send(application)
    pauses, batches = [], []
    monkeypatch.setattr(leader.time, "sleep", pauses.append)
    leader.run(
        poll=0, interval=0.2, batch_size=2, on_batch=batches.append, should_stop=lambda: len(batches) == 2
    )
    assert batches == [2, 1]
    # None after the full batch; after the short one, what is left of the interval.
    assert len(pauses) == 1 and 0 < pauses[0] <= 0.2


def test_warming_up_loads_what_the_first_batch_would(monkeypatch):
    from celery import current_app

    acquired = []
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)

    class Producer:
        class connection:  # kombu's connection object
            @staticmethod
            def ensure_connection(max_retries):
                acquired.append(max_retries)

    class Pool:
        def __enter__(self):
            return Producer()

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(current_app, "producer_or_acquire", lambda: Pool())
    sequencer.warm_up()
    assert acquired == [1]


def test_the_history_rows_of_the_intake_and_of_the_numbering_copy_the_territory():
    from grants.territory.tests.factories import MunicipalityFactory

    application = ready_application()
    chosen = MunicipalityFactory.create_batch(2)
    application.municipalities.set(chosen)
    send(application)
    expected = sorted(m.pk for m in chosen)

    received = application.history.get(status=ApplicationStatus.RECEIVED)
    assert received.history_change_reason == "Ricevuta, in protocollazione"
    assert received.history_user == application.created_by
    assert sorted(received.municipalities.values_list("municipality_id", flat=True)) == expected
    assert sequencer.sequence_pending() == 1
    numbered = application.history.get(status=ApplicationStatus.SUBMITTED)
    assert sorted(numbered.municipalities.values_list("municipality_id", flat=True)) == expected

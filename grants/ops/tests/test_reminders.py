"""Deadline reminders: drafts of calls about to close, integration requests about to expire; sent once."""

from datetime import timedelta

import pytest
from django.core import mail

from grants.applications.tests.factories import draft, member_of, open_call
from grants.core.timeutils import now
from grants.evaluation import services as evaluation_services
from grants.evaluation.tests import factories as evaluation_factories
from grants.notifications import events
from grants.notifications.models import Notification, SentReminder
from grants.ops import reminders

pytestmark = pytest.mark.django_db


def _call_closing_in(delta: timedelta):
    return open_call(opens_at=now() - timedelta(days=10), closes_at=now() + delta)


def test_a_draft_of_a_call_closing_within_three_days_reminds_its_organisation_once(
    django_capture_on_commit_callbacks,
):
    user, organisation = member_of(name="Cooperativa Aurora")
    soon = draft(call=_call_closing_in(timedelta(days=2)), user=user, organisation=organisation)
    draft(call=_call_closing_in(timedelta(days=5)), user=user, organisation=organisation)  # not yet

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_deadline_reminders()
        second = reminders.send_deadline_reminders()

    assert first == {"drafts": 1, "integrations": 0, "observations": 0, "agreements": 0, "milestones": 0}
    assert second == {"drafts": 0, "integrations": 0, "observations": 0, "agreements": 0, "milestones": 0}
    (notification,) = Notification.objects.filter(event=events.DEADLINE_REMINDER)
    assert notification.user == user and notification.organisation == organisation
    assert notification.target == soon
    assert notification.link == f"/domande/{soon.pk}/"
    assert "ancora in bozza" in notification.subject
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert SentReminder.objects.filter(key__startswith=f"draft-closing:{soon.pk}:").count() == 1


def test_the_threshold_is_a_setting_and_submitted_or_closed_calls_are_left_alone(settings):
    settings.NOTIFICATIONS_DRAFT_REMINDER_DAYS = 7
    user, organisation = member_of()
    within_week = draft(call=_call_closing_in(timedelta(days=5)), user=user, organisation=organisation)
    closed = draft(call=_call_closing_in(timedelta(days=2)), user=user, organisation=organisation)
    evaluation_factories.close(closed.call)

    assert list(reminders.drafts_closing_soon()) == [within_week]


def test_an_extended_deadline_gets_its_own_reminder(django_capture_on_commit_callbacks):
    user, organisation = member_of()
    application = draft(call=_call_closing_in(timedelta(days=1)), user=user, organisation=organisation)
    reminders.send_deadline_reminders()
    call = application.call
    call.closes_at = call.closes_at + timedelta(days=1)
    call.save(update_fields=["closes_at"])

    assert reminders.send_deadline_reminders()["drafts"] == 1
    assert Notification.objects.filter(event=events.DEADLINE_REMINDER, user=user).count() == 2


def test_an_open_integration_request_due_within_two_days_reminds_the_applicant():
    call = open_call(opens_at=now() - timedelta(days=10), closes_at=now() + timedelta(days=20))
    user, organisation = member_of(name="Associazione Beta")
    application = evaluation_factories.without_pec(
        evaluation_factories.submitted(call=call, user=user, organisation=organisation)
    )
    officer = evaluation_factories.officer()
    due = evaluation_services.request_integration(
        actor=officer, application=application, items=["Statuto"], deadline=now() + timedelta(days=1)
    )
    due = evaluation_services.record_reading(actor=user, target=due)  # no PEC: the term runs from here

    assert reminders.send_deadline_reminders() == {
        "drafts": 0,
        "integrations": 1,
        "observations": 0,
        "agreements": 0,
        "milestones": 0,
    }
    assert reminders.send_deadline_reminders() == {
        "drafts": 0,
        "integrations": 0,
        "observations": 0,
        "agreements": 0,
        "milestones": 0,
    }
    notification = Notification.objects.get(event=events.DEADLINE_REMINDER)
    assert notification.user == user
    assert notification.link == f"/integrazioni/{due.pk}/"
    assert application.protocol in notification.subject


def test_an_integration_due_later_is_not_reminded_yet():
    call = open_call(opens_at=now() - timedelta(days=10), closes_at=now() + timedelta(days=20))
    application = evaluation_factories.submitted(call=call)
    evaluation_services.request_integration(
        actor=evaluation_factories.officer(), application=application, items=["Statuto"]
    )  # default: ten days

    assert list(reminders.integrations_due_soon()) == []


def test_the_beat_task_runs_the_reminders():
    user, organisation = member_of()
    draft(call=_call_closing_in(timedelta(hours=5)), user=user, organisation=organisation)

    result = reminders.send_deadline_reminders_task.delay()

    assert result.get() == {
        "drafts": 1,
        "integrations": 0,
        "observations": 0,
        "agreements": 0,
        "milestones": 0,
    }


def test_the_term_for_observations_to_a_notice_of_rejection_is_reminded_once():
    call = open_call(opens_at=now() - timedelta(days=10), closes_at=now() + timedelta(days=20))
    user, organisation = member_of(name="Associazione Gamma")
    application = evaluation_factories.without_pec(
        evaluation_factories.submitted(call=call, user=user, organisation=organisation)
    )
    notice = evaluation_services.notify_intended_rejection(
        actor=evaluation_factories.officer(), application=application, reasons="Manca lo statuto."
    )
    notice = evaluation_services.record_reading(actor=user, target=notice)  # no PEC: ten days from reading
    assert reminders.send_deadline_reminders()["observations"] == 0  # not yet within two days
    at = notice.deadline - timedelta(days=1)
    assert reminders.send_deadline_reminders(at=at)["observations"] == 1
    assert reminders.send_deadline_reminders(at=at)["observations"] == 0
    reminder = Notification.objects.filter(event=events.DEADLINE_REMINDER).get()
    assert reminder.user == user and reminder.link == f"/preavvisi-di-rigetto/{notice.pk}/"

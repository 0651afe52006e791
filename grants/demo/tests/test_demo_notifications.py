"""The demo notifications: the demo applicant has an unread receipt and a draft reminder, created once."""

import pytest
from django.core.management import call_command

from grants.demo.notifications import load_demo_notifications
from grants.notifications import events
from grants.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_demo_notifications_are_made_once():
    call_command("load_demo")
    unread = Notification.objects.filter(subject__startswith="[DEMO]", read_at__isnull=True)
    assert {events.APPLICATION_RECEIPT, events.DEADLINE_REMINDER} <= set(
        unread.values_list("event", flat=True)
    )
    # Each went to the members of the demo organisation that made the application.
    for notification in unread:
        assert notification.organisation.memberships.filter(user=notification.user).exists()
    count = Notification.objects.count()

    assert all(line.endswith(": 0") for line in load_demo_notifications())
    assert Notification.objects.count() == count

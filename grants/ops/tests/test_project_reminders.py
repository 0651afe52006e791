"""Deadline reminders of funded projects: the grant agreement to sign, and milestones (reports) due; each is
sent once to the beneficiary's members, and by e-mail only when their preference allows it."""

from datetime import timedelta

import pytest
from django.core import mail

from grants.core.timeutils import in_rome, now
from grants.notifications import events
from grants.notifications.models import Notification, SentReminder
from grants.notifications.services import set_email_preferences
from grants.ops import reminders
from grants.projects.models import Project, ProjectMilestone
from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _reminders():
    return Notification.objects.filter(event=events.DEADLINE_REMINDER)


def test_an_agreement_to_sign_within_five_days_is_reminded_once(django_capture_on_commit_callbacks):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    later = ProjectFactory(status=ProjectStatus.TO_ACCEPT)  # its deadline is weeks away
    Project.objects.filter(pk=project.pk).update(acceptance_deadline=now() + timedelta(days=3))
    ProjectMilestone.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.send_deadline_reminders()
        second = reminders.send_deadline_reminders()

    assert first["agreements"] == 1 and second["agreements"] == 0
    (note,) = _reminders()
    assert note.user == project.application.created_by and note.organisation == project.beneficiary
    assert note.target == project and note.link == f"/progetti/{project.pk}/"
    assert "Atto di adesione" in note.subject
    assert [m.to for m in mail.outbox] == [[project.application.created_by.email]]
    assert not _reminders().filter(target_id=str(later.pk)).exists()
    assert SentReminder.objects.filter(key__startswith=f"agreement-deadline:{project.pk}:").count() == 1


def test_a_signed_agreement_is_not_reminded():
    project = ProjectFactory()  # active: the agreement is signed
    Project.objects.filter(pk=project.pk).update(acceptance_deadline=now() + timedelta(days=1))

    assert list(reminders.agreements_due_soon()) == []


def test_a_milestone_due_within_a_week_is_reminded_once_and_the_preference_is_kept(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory()
    user = project.application.created_by
    set_email_preferences(user=user, email_by_event={events.DEADLINE_REMINDER: False})
    ProjectMilestone.objects.filter(project=project).delete()
    today = in_rome(now()).date()
    due = ProjectMilestone.objects.create(
        project=project, title="Relazione intermedia (SAL 1)", due_date=today + timedelta(days=6)
    )
    ProjectMilestone.objects.create(
        project=project, title="Relazione finale", due_date=today + timedelta(days=60)
    )
    ProjectMilestone.objects.create(
        project=project, title="Già raggiunto", due_date=today + timedelta(days=2), achieved_on=today
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_deadline_reminders()["milestones"] == 1
        assert reminders.send_deadline_reminders()["milestones"] == 0

    (note,) = _reminders()
    assert note.user == user and note.target == due and not note.email_wanted
    assert "Relazione intermedia (SAL 1)" in note.subject
    assert mail.outbox == []

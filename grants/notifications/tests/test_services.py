"""notify(): who receives, what is stored, which e-mails leave; a mail failure never reaches the caller."""

from unittest import mock

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction

from grants.core.timeutils import now
from grants.notifications import events, services, tasks
from grants.notifications.attachments import AttachmentFile, attachment_provider
from grants.notifications.models import Notification, NotificationPreference, SentReminder
from grants.registry.models import Membership, MembershipRole
from grants.registry.tests.factories import OrganisationFactory, UserFactory

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


@attachment_provider("test_greeting")
def _greeting(object_id: str) -> AttachmentFile | None:
    if object_id == "missing":
        return None
    return AttachmentFile(f"saluto-{object_id}.txt", f"ciao {object_id}".encode(), "text/plain")


def _notify(**kwargs):
    defaults = {"event": events.INTEGRATION_REQUESTED, "subject": "Integrazione richiesta", "body": "Testo."}
    return services.notify(**{**defaults, **kwargs})


def test_recipients_are_the_users_and_the_active_members_once_each(django_capture_on_commit_callbacks):
    representative = UserFactory(email="lr@ente.test")
    organisation = OrganisationFactory(representative=representative)
    delegate = UserFactory(email="delegato@ente.test")
    Membership.objects.create(user=delegate, organisation=organisation, role=MembershipRole.DELEGATE)
    former = UserFactory(email="ex@ente.test")
    Membership.objects.create(
        user=former, organisation=organisation, role=MembershipRole.DELEGATE, revoked_at=now()
    )
    officer = UserFactory(email="funzionario@regione.test")
    inactive = UserFactory(email="disattivato@regione.test", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        created = _notify(users=[officer, representative, inactive], organisation=organisation)

    assert [n.user.email for n in created] == [
        "funzionario@regione.test",
        "lr@ente.test",
        "delegato@ente.test",
    ]
    assert {n.organisation for n in created} == {organisation}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "delegato@ente.test",
        "funzionario@regione.test",
        "lr@ente.test",
    ]


def test_the_notification_keeps_event_link_target_and_actor(django_capture_on_commit_callbacks):
    user, actor = UserFactory(), UserFactory()
    organisation = OrganisationFactory()

    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify(users=[user], link="/domande/7/", target=organisation, actor=actor)

    notification.refresh_from_db()
    assert notification.event == events.INTEGRATION_REQUESTED
    assert notification.link == "/domande/7/"
    assert notification.target == organisation
    assert notification.actor == actor
    assert notification.read_at is None
    assert notification.email_sent_at is not None and notification.email_queued_at is not None


def test_the_email_has_the_prefixed_subject_body_and_absolute_link(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://bandi.regione.test"
    user = UserFactory(email="maria@ente.test", first_name="Maria")

    with django_capture_on_commit_callbacks(execute=True):
        _notify(
            users=[user],
            subject="Richiesta di integrazione 2026/000123",
            body="Mancano due allegati.",
            link="/domande/3/",
        )

    (message,) = mail.outbox
    assert message.subject == "[WECARE] Richiesta di integrazione 2026/000123"
    assert message.to == ["maria@ente.test"]
    assert "Gentile Maria," in message.body
    assert "Mancano due allegati." in message.body
    assert "https://bandi.regione.test/domande/3/" in message.body
    assert "https://bandi.regione.test/notifiche/preferenze/" in message.body


def test_no_email_when_the_user_switched_the_event_off(django_capture_on_commit_callbacks):
    quiet, loud = UserFactory(), UserFactory()
    NotificationPreference.objects.create(user=quiet, event=events.INTEGRATION_REQUESTED, email=False)
    NotificationPreference.objects.create(user=loud, event=events.RANKING_PUBLISHED, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        created = _notify(users=[quiet, loud])

    assert len(created) == 2  # in-app always on
    assert [m.to for m in mail.outbox] == [[loud.email]]
    assert not Notification.objects.get(user=quiet).email_wanted


def test_nothing_is_sent_before_commit_and_nothing_survives_a_rollback(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _notify(users=[user])
                assert Notification.objects.filter(user=user).count() == 1
                raise RuntimeError("the caller's transaction fails")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not Notification.objects.filter(user=user).exists()
    assert mail.outbox == []


def test_a_mail_failure_never_reaches_the_caller_and_lands_in_failed_tasks(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()

    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionError("SMTP down")) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        (notification,) = _notify(users=[user])

    assert send.call_count == 1 + tasks.send_notification_email.max_retries
    # The ops app (above this one) records the failure; read its model by name, without importing it.
    failed = apps.get_model("ops", "FailedTask").objects.get(
        task_name="grants.notifications.tasks.send_notification_email"
    )
    assert failed.args == [notification.pk]
    assert "SMTP down" in failed.error
    notification.refresh_from_db()
    assert notification.email_sent_at is None
    # The re-run from the failed-task list sends it, once.
    assert tasks.send_notification_email(notification.pk) is True
    assert tasks.send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_broker_that_cannot_be_reached_is_swept_later(django_capture_on_commit_callbacks):
    user = UserFactory()
    with (
        mock.patch.object(tasks.send_notification_email, "delay", side_effect=OSError("no broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (notification,) = _notify(users=[user])
    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.email_queued_at is None

    Notification.objects.filter(pk=notification.pk).update(created_at=now() - tasks.SWEEP_AFTER * 2)
    assert tasks.send_pending_emails() == 1
    assert tasks.send_pending_emails() == 0
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_attachments_are_resolved_by_the_task_from_their_provider(django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify(
            users=[user], attachments=[("test_greeting", 42), ("test_greeting", "missing")]
        )

    assert notification.attachments == [
        {"provider": "test_greeting", "object_id": "42"},
        {"provider": "test_greeting", "object_id": "missing"},
    ]
    (message,) = mail.outbox
    assert [tuple(a) for a in message.attachments] == [("saluto-42.txt", "ciao 42", "text/plain")]


def test_programming_errors_are_refused_at_once():
    user = UserFactory()
    with pytest.raises(ValueError, match="Unknown notification event"):
        _notify(users=[user], event="application_recieved")
    with pytest.raises(ValueError, match="path of the platform"):
        _notify(users=[user], link="https://altrove.example/")
    with pytest.raises(ValueError, match="path of the platform"):
        _notify(users=[user], link="//altrove.example/")
    with pytest.raises(ValueError, match="No attachment provider"):
        _notify(users=[user], attachments=[("nobody", 1)])
    assert not Notification.objects.exists()


def test_no_recipient_no_notification():
    assert _notify(users=[], organisation=None) == []
    assert _notify(organisation=OrganisationFactory()) == []  # an organisation without members


def test_send_once_sends_a_reminder_only_the_first_time(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_once(
            key="draft:1:3d", event=events.DEADLINE_REMINDER, subject="S", body="B", users=[user]
        )
        second = services.send_once(
            key="draft:1:3d", event=events.DEADLINE_REMINDER, subject="S", body="B", users=[user]
        )

    assert len(first) == 1 and second == []
    assert SentReminder.objects.get(key="draft:1:3d").recipients == 1
    assert len(mail.outbox) == 1


def test_mark_read_mark_all_and_ownership():
    owner, other = UserFactory(), UserFactory()
    first, second = NotificationFactory(user=owner), NotificationFactory(user=owner)
    theirs = NotificationFactory(user=other)

    services.mark_read(user=owner, notification=first)
    read_at = Notification.objects.get(pk=first.pk).read_at
    services.mark_read(user=owner, notification=first)
    assert Notification.objects.get(pk=first.pk).read_at == read_at  # the first reading time stays
    with pytest.raises(services.PermissionDenied):
        services.mark_read(user=owner, notification=theirs)

    assert services.mark_all_read(user=owner) == 1
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    services.mark_unread(user=owner, notification=second)
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_preferences_default_to_email_and_unknown_events_are_named():
    user = UserFactory()

    prefs = services.set_email_preferences(user=user, email_by_event={events.RANKING_PUBLISHED: False})
    assert prefs[events.RANKING_PUBLISHED] is False
    assert prefs[events.APPLICATION_RECEIPT] is True
    assert list(prefs) == list(events.EVENTS)
    prefs = services.set_email_preferences(user=user, email_by_event={events.RANKING_PUBLISHED: True})
    assert prefs[events.RANKING_PUBLISHED] is True
    assert NotificationPreference.objects.get(user=user).history.count() == 2

    with pytest.raises(services.ValidationError) as error:
        services.set_email_preferences(user=user, email_by_event={"ranking_publisehd": False})
    assert "ranking_publisehd" in error.value.message_dict


def test_every_event_has_a_label_and_a_description():
    for name in [
        "application_receipt",
        "partner_invitation",
        "integration_requested",
        "integration_expired",
        "admissibility_outcome",
        "evaluation_assigned",
        "ranking_outcome",
        "ranking_published",
        "grant_agreement",
        "project_decision",
        "payment_approved",
        "claim_submitted",
        "claim_checked",
        "deadline_reminder",
        "delegation_changed",
    ]:
        info = events.EVENTS[name]
        assert str(info.label) and str(info.description)
        assert getattr(events, name.upper()) == name


def test_granting_and_revoking_a_delegate_notifies_the_people_concerned(django_capture_on_commit_callbacks):
    from grants.registry import services as registry_services

    representative = UserFactory(email="lr@aurora.test", first_name="Lucia", last_name="Bianchi")
    organisation = OrganisationFactory(name="Cooperativa Aurora", representative=representative)
    delegate = UserFactory(email="delegato@aurora.test", first_name="Marco", last_name="Verdi")

    with django_capture_on_commit_callbacks(execute=True):
        membership = registry_services.grant_delegate(
            actor=representative, organisation=organisation, email=delegate.email
        )
    granted = Notification.objects.filter(event=events.DELEGATION_CHANGED).order_by("pk")
    assert [n.user for n in granted] == [delegate, representative]
    assert "Lucia Bianchi (lr@aurora.test) ha abilitato Marco Verdi (delegato@aurora.test)" in granted[0].body
    assert granted[0].link == f"/organizzazioni/{organisation.pk}/"
    assert granted[0].target == membership
    assert sorted(m.to[0] for m in mail.outbox) == ["delegato@aurora.test", "lr@aurora.test"]

    with django_capture_on_commit_callbacks(execute=True):
        registry_services.revoke_membership(actor=representative, membership=membership)
    revoked = Notification.objects.filter(
        event=events.DELEGATION_CHANGED, subject__startswith="Abilitazione revocata"
    )
    # The former delegate is told although no longer a member.
    assert sorted(n.user.email for n in revoked) == ["delegato@aurora.test", "lr@aurora.test"]
    assert all(n.link == "" for n in revoked)

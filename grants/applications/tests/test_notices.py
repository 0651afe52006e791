"""What the applications context notifies: a partner organisation named by a lead, and a withdrawal; each
once, to the right people, and by e-mail only to those who did not switch the event's e-mail off."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from grants.applications import services
from grants.applications.services import PartnerInput
from grants.notifications import events
from grants.notifications.models import Notification
from grants.notifications.services import set_email_preferences
from grants.registry.tests.factories import staff_user

from .factories import draft, member_of, open_call, ready_application

pytestmark = pytest.mark.django_db


def _name_partner(actor, application, organisation, share="20"):
    return services.set_partners(
        actor=actor,
        application=application,
        partners=[PartnerInput(organisation=organisation, share_percent=Decimal(share))],
    )


def test_a_partner_organisation_is_invited_once(django_capture_on_commit_callbacks):
    lead_user, lead = member_of(name="Capofila Uno")
    partner_user, partner = member_of(name="Partner Due")
    application = draft(user=lead_user, organisation=lead)

    with django_capture_on_commit_callbacks(execute=True):
        _name_partner(lead_user, application, partner)
        _name_partner(lead_user, application, partner, share="25")  # kept: not invited again

    (invitation,) = Notification.objects.filter(event=events.PARTNER_INVITATION)
    assert invitation.user == partner_user and invitation.organisation == partner
    assert invitation.link == "/partenariati/" and invitation.target == application
    assert "Capofila Uno" in invitation.subject and "Partner Due" in invitation.subject
    assert [m.to for m in mail.outbox] == [[partner_user.email]]


def test_the_partner_invitation_e_mail_follows_the_preference(django_capture_on_commit_callbacks):
    lead_user, lead = member_of()
    partner_user, partner = member_of()
    set_email_preferences(user=partner_user, email_by_event={events.PARTNER_INVITATION: False})
    application = draft(user=lead_user, organisation=lead)

    with django_capture_on_commit_callbacks(execute=True):
        _name_partner(lead_user, application, partner)

    assert Notification.objects.get(event=events.PARTNER_INVITATION).user == partner_user  # still in the app
    assert mail.outbox == []


def test_a_body_not_registered_is_not_notified():
    lead_user, lead = member_of()
    application = draft(user=lead_user, organisation=lead)
    services.set_partners(
        actor=lead_user,
        application=application,
        partners=[PartnerInput(name="Comune di Prova", legal_form="public_body", share_percent=Decimal(10))],
    )
    assert not Notification.objects.filter(event=events.PARTNER_INVITATION).exists()


def _submitted(call, user, organisation):
    application = ready_application(call=call, user=user, organisation=organisation)
    return services.submit(
        actor=user, application=application, idempotency_key=f"k-{application.pk}", declarations_accepted=True
    ).application


def test_a_withdrawal_reaches_the_applicant_and_the_calls_officers_once(django_capture_on_commit_callbacks):
    call = open_call(requires_partner_confirmation=False)
    officer = staff_user(calls=[call])
    user, organisation = member_of(name="Proponente Tre")
    application = _submitted(call, user, organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=user, application=application, reason="Progetto rinviato")
        services.withdraw(actor=user, application=application)  # already withdrawn: nothing more

    notes = Notification.objects.filter(event=events.APPLICATION_WITHDRAWN)
    assert sorted(n.user_id for n in notes) == sorted([user.pk, officer.pk])
    to_officer = notes.get(user=officer)
    assert to_officer.link == f"/bandi/{call.code}/domande/{application.pk}/"
    assert notes.get(user=user).link == f"/domande/{application.pk}/"
    assert application.protocol in to_officer.subject and "Progetto rinviato" in to_officer.body
    withdrawal_mails = [m for m in mail.outbox if "ritirata" in m.subject]
    assert sorted(m.to[0] for m in withdrawal_mails) == sorted([user.email, officer.email])


def test_a_withdrawn_draft_tells_only_the_applicant_and_respects_the_preference(
    django_capture_on_commit_callbacks,
):
    call = open_call()
    staff_user(calls=[call])
    user, organisation = member_of()
    set_email_preferences(user=user, email_by_event={events.APPLICATION_WITHDRAWN: False})
    application = draft(call=call, user=user, organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(actor=user, application=application)

    (note,) = Notification.objects.filter(event=events.APPLICATION_WITHDRAWN)
    assert note.user == user and not note.email_wanted
    assert mail.outbox == []


def test_the_texts_have_their_english_version():
    user, organisation = member_of()
    application = draft(user=user, organisation=organisation)
    with translation.override("en"):
        services.withdraw(actor=user, application=application)

    note = Notification.objects.get(event=events.APPLICATION_WITHDRAWN)
    assert note.subject.startswith("Application withdrawn") and "not submitted" in note.subject

"""The beneficiary learns that a payment was paid or rejected: once, and by e-mail as its preference says."""

import pytest
from django.core import mail

from grants.finance import services
from grants.notifications import events
from grants.notifications.models import Notification
from grants.notifications.services import set_email_preferences

from . import factories as f

pytestmark = pytest.mark.django_db


def _approved_advance(project):
    f.dedicated_account(project)  # approval needs the dedicated account (L. 136/2010)
    payment = services.propose_payment(
        actor=f.officer(), project=project, kind="advance", guarantee=f.guarantee(project)
    )
    return services.approve_payment(actor=f.manager(), payment=payment)


def test_a_paid_payment_is_notified_to_the_beneficiary_once(django_capture_on_commit_callbacks):
    project = f.ProjectFactory()
    payment = _approved_advance(project)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(actor=f.officer(), payment=payment, paid_on=f.today(), reference="MP-7")

    (note,) = Notification.objects.filter(event=events.PAYMENT_APPROVED)
    assert note.user == f.beneficiary_user(project) and note.organisation == project.beneficiary
    assert note.subject.startswith("Pagamento erogato") and "MP-7" in note.body
    assert note.link == f"/pagamenti/progetti/{project.pk}/" and note.target == payment
    assert [m.to for m in mail.outbox] == [[f.beneficiary_user(project).email]]


def test_a_rejected_payment_is_notified_with_its_reason(django_capture_on_commit_callbacks):
    project = f.ProjectFactory()
    payment = services.propose_payment(
        actor=f.officer(), project=project, kind="advance", guarantee=f.guarantee(project)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_payment(actor=f.manager(), payment=payment, reason="Importo da rivedere")

    (note,) = Notification.objects.filter(event=events.PAYMENT_APPROVED)
    assert note.user == f.beneficiary_user(project)
    assert note.subject.startswith("Pagamento respinto") and "Importo da rivedere" in note.body
    assert len(mail.outbox) == 1


def test_the_payment_e_mail_can_be_switched_off(django_capture_on_commit_callbacks):
    project = f.ProjectFactory()
    set_email_preferences(user=f.beneficiary_user(project), email_by_event={events.PAYMENT_APPROVED: False})
    payment = _approved_advance(project)

    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(actor=f.officer(), payment=payment, paid_on=f.today(), reference="MP-8")

    assert Notification.objects.filter(event=events.PAYMENT_APPROVED).count() == 2  # approved, paid
    assert mail.outbox == []

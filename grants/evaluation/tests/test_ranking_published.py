"""The approved ranking is published to every applicant of the call, once, with their standing."""

import pytest
from django.core import mail

from grants.evaluation import services
from grants.notifications import events
from grants.notifications.models import Notification
from grants.notifications.services import set_email_preferences

from .factories import DETERMINATION, FULL_MARKS, LOW_MARKS, evaluated_call, manager

pytestmark = pytest.mark.django_db


def test_every_applicant_learns_the_ranking_is_published(django_capture_on_commit_callbacks):
    call, (funded, failed), _officer = evaluated_call([("50000", FULL_MARKS), ("40000", LOW_MARKS)])
    refusing = failed.created_by
    set_email_preferences(user=refusing, email_by_event={events.RANKING_PUBLISHED: False})
    ranking = services.compute_ranking(actor=manager(), call=call)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    with pytest.raises(services.WrongState):
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)

    notes = Notification.objects.filter(event=events.RANKING_PUBLISHED)
    assert sorted(n.user_id for n in notes) == sorted([funded.created_by_id, refusing.pk])
    assert {n.link for n in notes} == {f"/bandi/{call.code}/graduatoria/"}
    to_funded = notes.get(user=funded.created_by)
    assert funded.protocol in to_funded.body and "posizione 1" in to_funded.body
    assert "DD 123/A1418A" in to_funded.body and call.title in to_funded.subject
    assert failed.protocol in notes.get(user=refusing).body
    published_mails = [m for m in mail.outbox if "Pubblicata la graduatoria" in m.subject]
    assert [m.to for m in published_mails] == [[funded.created_by.email]]  # the other switched it off

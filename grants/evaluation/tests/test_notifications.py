"""The evaluation's communications reach people in the app (and by e-mail): the applicant's members on the
formal-check outcome, the evaluator on an assignment."""

import pytest

from grants.evaluation import services
from grants.notifications import events
from grants.notifications.models import Notification

from .factories import admissible, close, officer, panel_with, scored_call, submitted

pytestmark = pytest.mark.django_db


def test_the_applicant_members_are_told_the_outcome_of_the_formal_check():
    call = scored_call()
    application = submitted(call=call)
    close(call)

    admissible(application)

    notes = Notification.objects.filter(event=events.ADMISSIBILITY_OUTCOME)
    recipients = {n.user_id for n in notes}
    assert application.created_by_id in recipients
    assert all(f"/domande/{application.pk}/" == n.link for n in notes)
    assert application.protocol in notes.first().subject


def test_the_evaluator_is_told_of_an_assignment_without_the_application_content():
    call = scored_call()
    application = submitted(call=call)
    close(call)
    actor = officer()
    admissible(application, actor=actor)
    panel_with(call, members=1, per_application=1, actor=actor)

    services.auto_assign(actor=actor, call=call)

    assignment = application.assignments.get()
    note = Notification.objects.get(event=events.EVALUATION_ASSIGNED)
    assert note.user == assignment.member.user
    assert note.link == f"/valutazione/assegnazioni/{assignment.pk}/"
    assert application.title not in note.body

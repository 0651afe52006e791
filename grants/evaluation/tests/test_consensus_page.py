"""The president's consensus score in the browser: the list of consolidated applications (disagreements
first), the form that starts from the mean, and nobody else reaching it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.evaluation import services
from grants.evaluation.models import AssignmentStatus, ScoreMethod

from .factories import FULL_MARKS, admissible, close, evaluate, officer, panel_with, scored_call, submitted

pytestmark = pytest.mark.django_db
LOWER = {"A1": "6", "A2": "9", "B1": "20", "B2": "20", "E1": "0"}  # 55 against 95: a spread of 40


def _disputed():
    call = scored_call()
    application = submitted(call=call)
    close(call)
    actor = officer()
    admissible(application, actor=actor)
    _panel, (president, member) = panel_with(
        call, members=2, per_application=2, threshold=Decimal(5), actor=actor
    )
    services.auto_assign(actor=actor, call=call)
    by_user = {a.member.user_id: a for a in application.assignments.select_related("member")}
    evaluate(by_user[president.pk], FULL_MARKS)
    evaluate(by_user[member.pk], LOWER)
    application.refresh_from_db()
    return application, president, member


def test_the_president_sets_a_consensus_from_the_page(client):
    application, president, _member = _disputed()
    assert application.consolidated.disagreement and application.consolidated.total_score == Decimal("75.00")
    client.force_login(president)
    assert (
        reverse("evaluation:consensus_list")
        in client.get(reverse("evaluation:my_assignments")).content.decode()
    )
    listing = client.get(reverse("evaluation:consensus_list")).content.decode()
    url = reverse("evaluation:consensus", args=[application.pk])
    assert url in listing and "scarto elevato" in listing
    page = client.get(url).content.decode()
    assert 'id="points-B2" name="points-B2" value="27.50"' in page  # the mean of 35 and 20

    points = {"A1": "8", "A2": "12", "B1": "25", "B2": "30", "E1": "0"}
    form = {f"points-{code}": value for code, value in points.items()}
    form.update({f"justification-{code}": f"Consenso sul criterio {code}" for code in points})
    refused = client.post(url, {**form, "note": ""}, follow=True).content.decode()
    assert "Motivare il punteggio di consenso" in refused
    application.consolidated.refresh_from_db()
    assert application.consolidated.method == ScoreMethod.MEAN

    done = client.post(url, {**form, "note": "Discussione del nucleo del 3 dicembre."}, follow=True)
    assert "Punteggio di consenso registrato" in done.content.decode()
    application.consolidated.refresh_from_db()
    assert application.consolidated.method == ScoreMethod.CONSENSUS
    assert application.consolidated.total_score == Decimal("75.00")
    assert application.consolidated.note == "Discussione del nucleo del 3 dicembre."
    page = client.get(url).content.decode()
    assert 'id="points-B2" name="points-B2" value="30.00"' in page
    assert "Consenso sul criterio B2" in page


def test_only_the_president_without_a_conflict_reaches_the_page(client):
    application, president, member = _disputed()
    url = reverse("evaluation:consensus", args=[application.pk])
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Da un componente"}).status_code == 404
    assert (
        reverse("evaluation:consensus_list")
        not in client.get(reverse("evaluation:my_assignments")).content.decode()
    )
    assert application.protocol not in client.get(reverse("evaluation:consensus_list")).content.decode()
    client.force_login(officer())
    assert client.get(url).status_code == 404
    client.force_login(application.created_by)
    assert client.get(url).status_code == 404

    application.assignments.filter(member__user=president).update(status=AssignmentStatus.CONFLICT)
    client.force_login(president)
    assert client.get(url).status_code == 404
    assert application.protocol not in client.get(reverse("evaluation:consensus_list")).content.decode()

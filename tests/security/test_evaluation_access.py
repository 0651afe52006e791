"""Object permissions of the evaluation beyond "a user of another organisation" (tests/security/test_idor.py).

The evaluation's objects are staff-only or belong to one evaluator: an evaluator of the same panel who is not
assigned, one who declared a conflict, one who is no longer staff, staff without the officers' permissions and
officers acting as applicants must all be refused. The legitimate users reach the very objects the IDOR suite
builds (so its 403/404 are not the result of a broken builder).
"""

import json

import pytest
from django.urls import reverse

from grants.evaluation import selectors
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import Assignment, AssignmentStatus, ConsolidatedScore, Evaluation
from grants.evaluation.tests import factories as evaluation_factories
from grants.registry.tests.factories import UserFactory

from .idor.evaluation import (
    CHECKLIST_SECRET,
    INTEGRATION_SECRET,
    SCORE_SECRET,
    _assigned,
    _assignment_state,
    _declared,
    _full_marks_body,
    _integration,
    _officer,
    _ranked,
    _ranked_approved,
)
from .idor.tables import API_CASES, PAGE_CASES
from .idor.world import URLCONF, World
from .test_idor import _api_path, _schemas_offline

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]
API = "/api/v1"


def _api_url(name: str, w: World) -> str:
    _, path = _api_path(_schemas_offline(), name)
    args = API_CASES[name].args(w)
    for key, value in args.items():
        path = path.replace("{" + key + "}", str(value))
    return path


def _json(client, method: str, url: str, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body) if body is not None else None, content_type="application/json"
    )


def _parties(assignment: Assignment, *, conflict: bool) -> dict:
    return {p.pk: conflict for p in assignment.application.partners.all()}


# --- the legitimate users reach what the IDOR suite builds -----------------------------------------------
def _as_officer(w: World):
    return _officer(w)


def _as_evaluator(w: World):
    return _assigned(w).evaluator


def _as_applicant(w: World):
    return w.user_a


READABLE_PAGES = [
    ("evaluation:call_overview", _as_officer, lambda w: _ranked(w).title),
    ("evaluation:ranking", _as_officer, lambda w: w.organisation_a.name),
    ("evaluation:assignment_detail", _as_evaluator, lambda w: w.organisation_a.name),
    ("evaluation:integration_answer", _as_applicant, lambda w: INTEGRATION_SECRET),
]
READABLE_API = [
    ("grants_api_evaluation_get_checklist", _as_officer, lambda w: CHECKLIST_SECRET),
    ("grants_api_evaluation_get_admissibility", _as_officer, lambda w: CHECKLIST_SECRET),
    ("grants_api_evaluation_get_panel", _as_officer, lambda w: str(_assigned(w).evaluator.pk)),
    ("grants_api_evaluation_assignment_parties", _as_evaluator, lambda w: w.organisation_a.name),
    ("grants_api_evaluation_list_evaluations", _as_officer, lambda w: SCORE_SECRET),
    ("grants_api_evaluation_get_consolidated", _as_officer, lambda w: '"total_score"'),
    ("grants_api_evaluation_get_ranking", _as_officer, lambda w: _ranked(w).title),
    ("grants_api_evaluation_get_integration_request", _as_applicant, lambda w: INTEGRATION_SECRET),
    ("grants_api_evaluation_list_notices", _as_applicant, lambda w: INTEGRATION_SECRET),
]


@pytest.mark.parametrize(("name", "who", "shown"), READABLE_PAGES, ids=[r[0] for r in READABLE_PAGES])
def test_the_legitimate_user_reads_the_page_the_idor_suite_protects(client, world, name, who, shown):
    url = reverse(name, kwargs=PAGE_CASES[name].args(world))
    client.force_login(who(world))

    response = client.get(url)

    assert response.status_code == 200
    assert shown(world) in response.content.decode()


@pytest.mark.parametrize(("name", "who", "shown"), READABLE_API, ids=[r[0] for r in READABLE_API])
def test_the_legitimate_user_reads_the_api_object_the_idor_suite_protects(client, world, name, who, shown):
    url = _api_url(name, world)
    client.force_login(who(world))

    response = client.get(url)

    assert response.status_code == 200, response.content[:300]
    assert shown(world) in response.content.decode()


def test_the_approved_builder_funds_a_and_a_may_renounce(client, world):
    evaluation = _ranked_approved(world)
    assert evaluation.application.status == "funded"
    client.force_login(world.user_a)

    response = _json(
        client, "post", _api_url("grants_api_evaluation_post_renunciation", world), {"reason": "Non parte"}
    )

    assert response.status_code == 200
    evaluation.application.refresh_from_db()
    assert evaluation.application.status == "renounced"


# --- evaluators reach only their own, non-conflicted assignments ----------------------------------------
def test_a_panel_member_not_assigned_is_refused_the_assignment(client, world):
    evaluation = _assigned(world)
    other = evaluation.free_member.user
    assignment = evaluation.assignment
    before = _assignment_state(_assigned)(world)
    page = reverse("evaluation:assignment_detail", kwargs={"pk": assignment.pk})
    client.force_login(other)

    assert client.get(page).status_code == 404
    declare = reverse("evaluation:assignment_declare", kwargs={"pk": assignment.pk})
    posted = client.post(declare, {f"party-{pk}": "no" for pk in _parties(assignment, conflict=False)})
    assert posted.status_code == 404
    for name, method, body in [
        ("grants_api_evaluation_assignment_parties", "get", None),
        ("grants_api_evaluation_post_declaration", "post", {"conflicts": {"0": False}}),
    ]:
        response = _json(client, method, _api_url(name, world), body)
        assert response.status_code == 404, name
        assert world.organisation_a.name not in response.content.decode()
    # nor the evaluations of an application they were never given
    evaluations = client.get(f"{API}/evaluation/applications/{assignment.application_id}/evaluations")
    assert evaluations.status_code == 404
    assert _assignment_state(_assigned)(world) == before
    assert [a.pk for a in selectors.assignments_for_evaluator(other)] == []


def test_an_evaluator_of_another_panel_cannot_score_an_active_assignment(client, world):
    evaluation = _declared(world)
    _panel, (stranger,) = evaluation_factories.panel_with(
        evaluation_factories.scored_call(), members=1, actor=_officer(world)
    )
    before = _assignment_state(_declared)(world)
    client.force_login(stranger)

    response = _json(
        client,
        "put",
        f"{API}/evaluation/assignments/{evaluation.assignment.pk}/scores",
        {**_full_marks_body(world), "submit": True},
    )

    assert response.status_code == 404
    assert _assignment_state(_declared)(world) == before
    assert not Evaluation.objects.filter(application=evaluation.application).exists()


def test_after_declaring_a_conflict_the_evaluator_sees_nothing_more(client, world):
    evaluation = _assigned(world)
    president, assignment = evaluation.evaluator, evaluation.assignment
    result = evaluation_services.declare_conflicts(
        actor=president, assignment=assignment, conflicts=_parties(assignment, conflict=True)
    )
    assert result.conflict and result.replacement is not None
    evaluation_factories.evaluate(result.replacement, evaluation_factories.FULL_MARKS)  # the other member
    client.force_login(president)

    assert (
        client.get(reverse("evaluation:assignment_detail", kwargs={"pk": assignment.pk})).status_code == 404
    )
    parties = client.get(f"{API}/evaluation/assignments/{assignment.pk}/parties")
    assert parties.status_code == 404
    evaluations = client.get(f"{API}/evaluation/applications/{assignment.application_id}/evaluations")
    assert evaluations.status_code == 200 and evaluations.json() == []
    assert SCORE_SECRET not in evaluations.content.decode()


def test_a_president_in_conflict_cannot_set_the_consensus_score(client, world):
    evaluation = _assigned(world)
    president, assignment = evaluation.evaluator, evaluation.assignment
    result = evaluation_services.declare_conflicts(
        actor=president, assignment=assignment, conflicts=_parties(assignment, conflict=True)
    )
    evaluation_factories.evaluate(result.replacement, evaluation_factories.FULL_MARKS)
    consolidated = ConsolidatedScore.objects.get(application=evaluation.application)
    client.force_login(president)

    response = _json(
        client,
        "put",
        f"{API}/evaluation/applications/{evaluation.application.pk}/consensus",
        {**_full_marks_body(world), "points": {**evaluation_factories.FULL_MARKS, "B2": "0"}, "note": "Io"},
    )

    assert response.status_code == 404
    assert not Evaluation.objects.filter(application=evaluation.application, is_consensus=True).exists()
    assert ConsolidatedScore.objects.get(pk=consolidated.pk).total_score == consolidated.total_score


def test_the_president_without_conflict_sets_the_consensus_score(client, world):
    evaluation = _ranked(world)
    client.force_login(evaluation.evaluator)

    response = _json(
        client,
        "put",
        f"{API}/evaluation/applications/{evaluation.application.pk}/consensus",
        {**_full_marks_body(world), "note": "Il nucleo conferma il punteggio."},
    )

    assert response.status_code == 200, response.content[:300]
    assert response.json()["method"] == "consensus"


def test_an_evaluator_no_longer_staff_loses_the_assignment(client, world):
    evaluation = _assigned(world)
    former = evaluation.evaluator
    former.is_staff = False
    former.save(update_fields=["is_staff"])
    before = _assignment_state(_assigned)(world)
    client.force_login(former)

    page = reverse("evaluation:assignment_detail", kwargs={"pk": evaluation.assignment.pk})
    response = client.get(page)
    assert response.status_code == 404
    assert evaluation.title not in response.content.decode()
    parties = client.get(f"{API}/evaluation/assignments/{evaluation.assignment.pk}/parties")
    assert parties.status_code == 404
    assert world.organisation_a.name not in parties.content.decode()
    assert _assignment_state(_assigned)(world) == before


# --- staff without the officers' permissions, officers acting as applicants ------------------------------
def test_an_evaluator_is_refused_the_officers_pages_and_api(client, world):
    evaluation = _ranked(world)
    client.force_login(evaluation.evaluator)  # staff, president of the panel, no officer permission
    code, call_id = evaluation.call.code, evaluation.call.pk

    for name in ("evaluation:call_overview", "evaluation:ranking"):
        assert client.get(reverse(name, kwargs={"code": code})).status_code == 403, name
    admissibility = reverse(
        "evaluation:admissibility", kwargs={"code": code, "pk": evaluation.application.pk}
    )
    assert client.get(admissibility).status_code == 403
    assert client.post(reverse("evaluation:panel_auto_assign", kwargs={"code": code})).status_code == 403
    for method, url in [
        ("get", f"{API}/evaluation/calls/{call_id}/checklist"),
        ("get", f"{API}/evaluation/calls/{call_id}/panel"),
        ("post", f"{API}/evaluation/calls/{call_id}/ranking"),
        ("post", f"{API}/evaluation/calls/{call_id}/ranking/approve"),
        ("get", f"{API}/evaluation/applications/{evaluation.application.pk}/consolidated"),
        ("get", f"{API}/evaluation/applications/{evaluation.application.pk}/admissibility"),
    ]:
        body = (
            {"determination_number": "DD 1/X", "determination_date": "2026-01-10"}
            if url.endswith("/approve")
            else None
        )
        assert _json(client, method, url, body).status_code == 403, url
    # the proposal of the ranking is not public until approved
    assert client.get(f"{API}/evaluation/calls/{call_id}/ranking").status_code == 404


def test_an_officer_cannot_answer_an_integration_request_for_the_applicant(client, world):
    integration = _integration(world)
    item = integration.items.get()
    client.force_login(_officer(world))

    page = client.post(
        reverse("evaluation:integration_answer", kwargs={"pk": integration.pk}),
        {f"item-{item.pk}": "Da ufficio"},
    )
    api = _json(
        client,
        "post",
        f"{API}/integration-requests/{integration.pk}/answer",
        {"responses": {str(item.pk): "Da ufficio"}},
    )

    assert page.status_code == 404 and api.status_code == 404
    item.refresh_from_db()
    integration.refresh_from_db()
    assert item.response == "" and integration.status == "open"


def test_refusing_the_consensus_does_not_tell_which_applications_exist(client, world):
    """B's consensus on an application whose call has no panel: 404 as for a missing one, not 'no panel'."""
    client.force_login(world.user_b)
    body = {**_full_marks_body(world), "note": "B"}

    existing = _json(client, "put", f"{API}/evaluation/applications/{world.submitted.pk}/consensus", body)
    missing = _json(
        client, "put", f"{API}/evaluation/applications/{world.submitted.pk + 10_000}/consensus", body
    )

    assert existing.status_code == missing.status_code == 404
    assert existing.json()["detail"] == missing.json()["detail"]


def test_notices_answer_404_for_another_organisations_application(client, world):
    _integration(world)
    client.force_login(world.user_b)
    assert client.get(f"{API}/applications/{world.submitted.pk}/notices").status_code == 404
    assert client.get(f"{API}/applications/{world.submitted.pk + 10_000}/notices").status_code == 404
    client.force_login(world.user_a)
    notices = client.get(f"{API}/applications/{world.submitted.pk}/notices")
    assert notices.status_code == 200 and notices.json()["count"] == 1


def test_a_revoked_assignment_is_gone_for_its_evaluator(client, world):
    evaluation = _assigned(world)
    Assignment.objects.filter(pk=evaluation.assignment.pk).update(status=AssignmentStatus.REVOKED)
    client.force_login(evaluation.evaluator)

    assert (
        client.get(
            reverse("evaluation:assignment_detail", kwargs={"pk": evaluation.assignment.pk})
        ).status_code
        == 404
    )
    assert client.get(f"{API}/evaluation/assignments/{evaluation.assignment.pk}/parties").status_code == 404


def test_a_user_with_no_role_gets_nothing_from_the_assignment_list(client, world):
    _assigned(world)
    client.force_login(UserFactory())
    response = client.get(f"{API}/evaluation/assignments")
    assert response.status_code == 200 and response.json() == {"items": [], "count": 0}

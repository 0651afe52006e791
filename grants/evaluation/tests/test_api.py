"""API of the evaluation: the main path over HTTP, permissions and problem+json refusals."""

import pytest

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.evaluation import services

from .factories import (
    DETERMINATION,
    FULL_MARKS,
    close,
    evaluated_call,
    evaluator,
    justified,
    manager,
    officer,
    panel_with,
    scored_call,
    submitted,
    without_pec,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def test_formal_check_over_the_api(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(evaluator())
    assert client.get(f"{API}/evaluation/applications/{application.pk}/admissibility").status_code == 403
    client.force_login(officer())
    checklist = client.put(
        f"{API}/evaluation/calls/{call.pk}/checklist",
        {"items": [{"code": "firma", "title": "Firma digitale"}]},
        content_type="application/json",
    ).json()
    item_id = checklist[0]["id"]
    refused = client.post(
        f"{API}/evaluation/applications/{application.pk}/admissibility",
        {"answers": [{"item_id": item_id, "satisfied": False}], "outcome": "admissible"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["code"] == "item_not_verified"
    done = client.post(
        f"{API}/evaluation/applications/{application.pk}/admissibility",
        {"answers": [{"item_id": item_id, "satisfied": True}], "outcome": "admissible"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == ApplicationStatus.ADMISSIBLE


def test_integration_request_and_answer_over_the_api(client):
    application = submitted(call=scored_call())
    client.force_login(officer())
    created = client.post(
        f"{API}/evaluation/applications/{application.pk}/integration-requests",
        {"items": ["Documento"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    request_id = created.json()["id"]
    item_id = created.json()["items"][0]["id"]
    client.force_login(evaluator())
    assert client.get(f"{API}/integration-requests/{request_id}").status_code == 404
    client.force_login(application.created_by)
    answered = client.post(
        f"{API}/integration-requests/{request_id}/answer",
        {"responses": {str(item_id): "Allegato"}},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    notices = client.get(f"{API}/applications/{application.pk}/notices").json()["items"]
    assert notices[0]["subject"].startswith("Richiesta di integrazione")


def test_panel_declaration_scores_and_ranking_over_the_api(client):
    call = scored_call()
    application = submitted(call=call)
    close(call)
    services.record_admissibility(actor=officer(), application=application, answers={}, outcome="admissible")
    _panel, (user,) = panel_with(call, members=1)
    client.force_login(officer())
    auto = client.post(f"{API}/evaluation/calls/{call.pk}/assignments/auto").json()
    assert len(auto["created"]) == 1 and auto["short_application_ids"] == []
    assignment_id = auto["created"][0]["id"]

    client.force_login(user)
    assert [a["id"] for a in client.get(f"{API}/evaluation/assignments").json()["items"]] == [assignment_id]
    too_early = client.put(
        f"{API}/evaluation/assignments/{assignment_id}/scores",
        {"points": FULL_MARKS, "justifications": justified(FULL_MARKS), "submit": True},
        content_type="application/json",
    )
    assert too_early.status_code == 409 and too_early.json()["code"] == "declaration_required"
    parties = client.get(f"{API}/evaluation/assignments/{assignment_id}/parties").json()
    declared = client.post(
        f"{API}/evaluation/assignments/{assignment_id}/declaration",
        {"conflicts": {str(p["partner_id"]): False for p in parties}},
        content_type="application/json",
    )
    assert declared.status_code == 200 and declared.json()["conflict"] is False
    scored = client.put(
        f"{API}/evaluation/assignments/{assignment_id}/scores",
        {"points": FULL_MARKS, "justifications": justified(FULL_MARKS), "submit": True},
        content_type="application/json",
    )
    assert scored.status_code == 200 and scored.json()["total"] == "95.00"

    client.force_login(officer())
    ranking = client.post(f"{API}/evaluation/calls/{call.pk}/ranking").json()
    assert ranking["status"] == "draft" and ranking["entries"][0]["outcome"] == "funded"
    approve = f"{API}/evaluation/calls/{call.pk}/ranking/approve"
    body = {"determination_number": "DD 12/2026", "determination_date": "2026-01-20"}
    assert client.post(approve, body, content_type="application/json").status_code == 403
    client.force_login(manager())
    future = client.post(
        approve, {**body, "determination_date": "2999-01-01"}, content_type="application/json"
    )
    assert future.status_code == 422 and future["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in future.json()["errors"]] == ["determination_date"]
    approved = client.post(approve, body, content_type="application/json").json()
    assert approved["status"] == "approved" and approved["determination_number"] == "DD 12/2026"
    client.force_login(application.created_by)  # an approved ranking is public data
    assert (
        client.get(f"{API}/evaluation/calls/{call.pk}/ranking").json()["entries"][0]["granted"] == "50000.00"
    )


def test_renunciation_over_the_api(client):
    call, (first, second), _ = evaluated_call([("60000", FULL_MARKS), ("60000", FULL_MARKS)])
    services.approve_ranking(
        actor=manager(), ranking=services.compute_ranking(actor=officer(), call=call), **DETERMINATION
    )
    client.force_login(evaluator())
    assert (
        client.post(
            f"{API}/evaluation/applications/{first.pk}/renunciation",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    client.force_login(first.created_by)
    ranking = client.post(
        f"{API}/evaluation/applications/{first.pk}/renunciation",
        {"reason": "Il progetto non parte"},
        content_type="application/json",
    ).json()
    granted = {e["application_id"]: e["granted"] for e in ranking["entries"]}
    assert granted == {first.pk: "0.00", second.pk: "60000.00"}


def test_renouncing_a_grant_with_no_place_in_a_ranking_is_a_conflict(client):
    application = submitted(call=scored_call())
    # Funded directly, as the demo loads its projects: no ranking entry to slide.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.FUNDED)
    client.force_login(application.created_by)
    response = client.post(
        f"{API}/evaluation/applications/{application.pk}/renunciation",
        {"reason": "Il progetto non parte"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "not_in_ranking"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED


def test_an_integration_deadline_given_as_a_date_over_the_api_is_the_end_of_that_day(client):
    from datetime import time, timedelta

    from grants.core.timeutils import in_rome, now

    application = without_pec(submitted(call=scored_call()))  # no PEC: the term runs from the first reading
    client.force_login(officer())
    day = in_rome(now()).date() + timedelta(days=7)
    created = client.post(
        f"{API}/evaluation/applications/{application.pk}/integration-requests",
        {"items": ["Documento"], "deadline": day.isoformat()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    request = application.integration_requests.get()
    assert request.deadline is None  # until the applicant reads it, today
    request = services.record_reading(actor=application.created_by, target=request)
    deadline = in_rome(request.deadline)
    assert (deadline.date(), deadline.time()) == (day, time(23, 59, 59))

"""The project lines (linee: the call's reserves by type of project) the officer recognises at the formal
check: only the call's lines, editable on the page (a checkbox group) and over the API, and the ranking's
reserves follow them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.evaluation import selectors, services
from grants.evaluation.models import EntryOutcome
from grants.evaluation.services import EvaluationError
from grants.programme.models import ReserveKind
from grants.programme.tests.factories import CallReserveFactory

from .factories import FULL_MARKS, close, evaluate, officer, panel_with, scored_call, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _lines(call):
    return [
        CallReserveFactory(
            call=call,
            code=code,
            label=label,
            kind=ReserveKind.PROJECT_TYPE,
            amount=Decimal(amount),
            legal_forms=[],
        )
        for code, label, amount in (
            ("linea-a", "Linea A – servizi di prossimità", "30000.00"),
            ("linea-b", "Linea B – abitare sociale", "60000.00"),
        )
    ]


def _review_lines(application):
    review = selectors.review_of(application)
    return review.project_lines if review else []


def test_the_officer_records_only_the_calls_lines():
    call = scored_call()
    _lines(call)
    other = scored_call()
    CallReserveFactory(call=other, code="linea-z", kind=ReserveKind.PROJECT_TYPE, legal_forms=[])
    application = submitted(call=call)
    actor = officer()
    with pytest.raises(EvaluationError) as refused:
        services.record_admissibility(
            actor=actor, application=application, answers={}, project_lines=["linea-b", "linea-z"]
        )
    assert refused.value.errors == [
        {
            "code": "unknown_project_line",
            "field": "project_lines",
            "message": "La linea «linea-z» non è una linea di progetto del bando.",
        }
    ]
    assert _review_lines(application) == []
    # A reserve of another kind is not a line either.
    CallReserveFactory(call=call, code="coop", kind=ReserveKind.APPLICANT_TYPE)
    with pytest.raises(EvaluationError):
        services.record_admissibility(
            actor=actor, application=application, answers={}, project_lines=["coop"]
        )

    services.record_admissibility(
        actor=actor, application=application, answers={}, project_lines=["linea-b", "linea-a", "linea-b"]
    )
    assert _review_lines(application) == ["linea-a", "linea-b"]  # the call's order, once each
    services.record_admissibility(actor=actor, application=application, answers={})  # None: unchanged
    assert _review_lines(application) == ["linea-a", "linea-b"]
    services.record_admissibility(
        actor=actor, application=application, answers={}, outcome="admissible", project_lines=["linea-a"]
    )
    assert _review_lines(application) == ["linea-a"]
    with pytest.raises(services.WrongState):  # decided: the formal check is closed
        services.record_admissibility(actor=actor, application=application, answers={}, project_lines=[])


def test_the_recognised_line_decides_the_reserve_in_the_ranking():
    call = scored_call(budget=Decimal("100000.00"))
    _lines(call)
    first, second = (
        submitted(call=call, amount=Decimal("60000.00")),
        submitted(call=call, amount=Decimal("60000.00")),
    )
    close(call)
    actor = officer()
    services.record_admissibility(actor=actor, application=first, answers={}, outcome="admissible")
    services.record_admissibility(
        actor=actor, application=second, answers={}, outcome="admissible", project_lines=["linea-b"]
    )
    panel_with(call, members=1, per_application=1, actor=actor)
    services.auto_assign(actor=actor, call=call)
    evaluate(first.assignments.get(), FULL_MARKS)
    evaluate(second.assignments.get(), {**FULL_MARKS, "B2": "30"})
    ranking = services.compute_ranking(actor=actor, call=call)
    entries = {e.application_id: e for e in ranking.entries.all()}
    # The pool is 100,000 − 30,000 − 60,000 = 10,000 and linea-a is unused (no project in it): the first goes
    # back to it in the second pass; the second, recognised in linea-b, is paid in full from its reserve.
    assert entries[second.pk].reserves == ["linea-b"]
    assert entries[second.pk].funded_from == {"linea-b": "60000.00"}
    assert entries[second.pk].outcome == EntryOutcome.FUNDED
    assert entries[first.pk].reserves == []
    assert entries[first.pk].granted == Decimal("40000.00")
    assert entries[first.pk].outcome == EntryOutcome.PARTIALLY_FUNDED


def test_the_page_has_a_checkbox_group_of_the_lines(client):
    call = scored_call()
    _lines(call)
    application = submitted(call=call)
    client.force_login(officer())
    url = reverse("evaluation:admissibility", args=[call.code, application.pk])
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="project_lines" id="project-line-linea-a" value="linea-a"' in page
    assert "Linea B – abitare sociale" in page
    client.post(url, {"project_lines": ["linea-b"]})
    assert _review_lines(application) == ["linea-b"]
    page = client.get(url).content.decode()
    assert 'id="project-line-linea-b" value="linea-b" checked' in page
    assert 'id="project-line-linea-a" value="linea-a" checked' not in page
    refused = client.post(url, {"project_lines": ["linea-x"]}, follow=True).content.decode()
    assert "non è una linea di progetto del bando" in refused
    client.post(url, {})  # every box unticked: no line
    assert _review_lines(application) == []


def test_a_call_without_lines_shows_no_group_and_keeps_the_field_untouched(client):
    call = scored_call()
    application = submitted(call=call)
    client.force_login(officer())
    url = reverse("evaluation:admissibility", args=[call.code, application.pk])
    assert 'name="project_lines"' not in client.get(url).content.decode()
    client.post(url, {"outcome": "admissible"})
    assert _review_lines(application) == []


def test_the_api_reads_and_writes_the_lines(client):
    call = scored_call()
    _lines(call)
    application = submitted(call=call)
    client.force_login(officer())
    url = f"{API}/evaluation/applications/{application.pk}/admissibility"
    state = client.get(url).json()
    assert state["project_lines"] == []
    assert [line["code"] for line in state["available_project_lines"]] == ["linea-a", "linea-b"]
    refused = client.post(url, {"project_lines": ["linea-q"]}, content_type="application/json")
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "project_lines"
    saved = client.post(url, {"project_lines": ["linea-a"]}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["project_lines"] == ["linea-a"]
    kept = client.post(url, {"answers": []}, content_type="application/json")  # absent: unchanged
    assert kept.json()["project_lines"] == ["linea-a"]

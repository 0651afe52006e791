from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from grants.core.timeutils import now
from grants.programme.models import CallMode, CallStatus
from grants.programme.tests.factories import (
    CallFactory,
    CallReserveFactory,
    CostCategoryFactory,
    CriterionFactory,
    FundFactory,
    MeasureFactory,
    ProgrammeFactory,
    RequiredDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def wecare(settings):
    programme = ProgrammeFactory(code=settings.DEFAULT_PROGRAMME_CODE, title="WECARE")
    fse = FundFactory(programme=programme, code="FSE")
    fesr = FundFactory(programme=programme, code="FESR")
    fse1 = MeasureFactory(fund=fse, code="FSE1", budget=Decimal("6400000.00"), order=1)
    fesr_measure = MeasureFactory(fund=fesr, code="FESR", budget=Decimal("5000000.00"), order=2)
    moment = now()
    calls = {
        "open": CallFactory(measure=fse1, code="aperto"),
        "upcoming": CallFactory(
            measure=fesr_measure,
            code="prossimo",
            mode=CallMode.FIRST_COME,
            opens_at=moment + timedelta(days=30),
            closes_at=moment + timedelta(days=90),
        ),
        "closed": CallFactory(
            measure=fse1,
            code="chiuso",
            opens_at=moment - timedelta(days=90),
            closes_at=moment - timedelta(days=30),
        ),
        "archived": CallFactory(
            measure=fse1,
            code="archiviato",
            status=CallStatus.ARCHIVED,
            opens_at=moment - timedelta(days=900),
            closes_at=moment - timedelta(days=800),
        ),
        "draft": CallFactory(measure=fse1, code="bozza", status=CallStatus.DRAFT, published_at=None),
    }
    return programme, calls


def codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_measures_list_with_money_as_strings(client, wecare):
    response = client.get("/api/v1/measures")
    assert response.status_code == 200
    body = response.json()
    assert [m["code"] for m in body] == ["FSE1", "FESR"]
    assert body[0]["budget"] == "6400000.00"
    assert body[0]["fund"] == "FSE" and body[0]["programme"] == "wecare"
    assert [m["code"] for m in client.get("/api/v1/measures?fund=FESR").json()] == ["FESR"]
    assert client.get("/api/v1/measures?programme=altro").json() == []


def test_measure_detail_hides_drafts(client, wecare):
    body = client.get("/api/v1/measures/FSE1").json()
    assert {c["code"] for c in body["calls"]} == {"aperto", "chiuso", "archiviato"}
    assert client.get("/api/v1/measures/FSE1?programme=altro").status_code == 404


def test_calls_list_filters_and_hides_drafts(client, wecare):
    response = client.get("/api/v1/calls")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert codes(response) == ["prossimo", "aperto", "chiuso", "archiviato"]  # newest opening first
    assert codes(client.get("/api/v1/calls?status=open")) == ["aperto"]
    assert codes(client.get("/api/v1/calls?status=upcoming")) == ["prossimo"]
    assert codes(client.get("/api/v1/calls?status=closed")) == ["chiuso"]
    assert codes(client.get("/api/v1/calls?status=archived")) == ["archiviato"]
    assert codes(client.get("/api/v1/calls?mode=first_come")) == ["prossimo"]
    assert codes(client.get("/api/v1/calls?measure=FESR")) == ["prossimo"]
    assert codes(client.get("/api/v1/calls?programme=altro")) == []
    item = body["items"][1]
    assert item["phase_status"] == "open"
    assert item["budget"] == "1000000.00"
    assert item["opens_at"][-6:] in ("+01:00", "+02:00")


def test_calls_invalid_filter_is_a_problem(client, wecare):
    response = client.get("/api/v1/calls?status=draft")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_calls_paginated_with_stable_order(client, wecare):
    _, calls = wecare
    same_time = calls["open"].opens_at
    for index in range(25):
        CallFactory(
            measure=calls["open"].measure, code=f"z-{index:02d}", opens_at=same_time, budget=Decimal(0)
        )
    first = client.get("/api/v1/calls?page=1").json()
    second = client.get("/api/v1/calls?page=2").json()
    assert first["count"] == 29
    seen = [c["code"] for c in first["items"] + second["items"]]
    assert len(seen) == len(set(seen)) == 29


def test_call_detail_with_every_rule(client, wecare):
    _, calls = wecare
    call = calls["open"]
    CallReserveFactory(call=call, code="linea-a", amount=Decimal("400000.00"))
    CostCategoryFactory(call=call, code="personale")
    macro = CriterionFactory(call=call, code="A", max_points=Decimal(30))
    CriterionFactory(call=call, code="A1", parent=macro, max_points=Decimal(30))
    RequiredDocumentFactory(call=call, code="domanda")
    response = client.get("/api/v1/calls/aperto")
    assert response.status_code == 200
    body = response.json()
    assert body["reserves"][0]["amount"] == "400000.00"
    assert body["cost_categories"][0]["code"] == "personale"
    assert [c["code"] for c in body["criteria"]] == ["A"]
    assert body["criteria"][0]["children"][0]["code"] == "A1"
    assert body["criteria"][0]["max_points"] == "30.00"
    assert body["required_documents"][0]["allowed_types"] == ["application/pdf"]
    assert body["lead_legal_forms"] == ["third_sector"]
    assert body["min_grant"] == "10000.00"


def test_draft_and_unknown_calls_are_404_problems(client, wecare):
    for url in (
        "/api/v1/calls/bozza",
        "/api/v1/calls/nessuno",
        "/api/v1/measures/NOPE",
        "/api/v1/programmes/x",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_staff_with_view_permission_sees_drafts(client, wecare, viewer):
    client.force_login(viewer)
    assert client.get("/api/v1/calls/bozza").status_code == 200
    assert "bozza" in codes(client.get("/api/v1/calls"))


def test_programmes_and_funds(client, wecare):
    body = client.get("/api/v1/programmes").json()
    assert body[0]["code"] == "wecare" and body[0]["total_budget"] == "11400000.00"
    detail = client.get("/api/v1/programmes/wecare").json()
    assert detail["total_budget"] == "11400000.00"
    assert [f["code"] for f in detail["funds"]] == ["FESR", "FSE"]
    fse1 = next(m for m in detail["measures"] if m["code"] == "FSE1")
    assert fse1["call_count"] == 3 and fse1["open_call_count"] == 1
    funds = client.get("/api/v1/funds?programme=wecare").json()
    assert funds[0]["eu_share"] == "50.00"


def test_openapi_lists_the_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/programmes",
        "/api/v1/programmes/{code}",
        "/api/v1/funds",
        "/api/v1/measures",
        "/api/v1/measures/{code}",
        "/api/v1/calls",
        "/api/v1/calls/{code}",
    ):
        assert "get" in schema["paths"][path], path


def test_indicative_values_and_project_phases_are_in_the_api(client, wecare):
    from grants.programme.models import CallProjectPhase

    _, calls = wecare
    call = calls["open"]
    call.indicative_fields = ["closes_at", "max_project_cost"]
    call.save()
    CallProjectPhase.objects.create(call=call, code="sperimentazione", title="Sperimentazione", months=30)
    body = client.get(f"/api/v1/calls/{call.code}").json()
    assert body["has_indicative_values"] is True
    assert body["indicative_fields"] == ["closes_at", "max_project_cost"]
    assert body["project_phases"] == [
        {"code": "sperimentazione", "title": "Sperimentazione", "title_en": "", "months": 30}
    ]
    listed = {c["code"]: c for c in client.get("/api/v1/calls").json()["items"]}
    assert listed["aperto"]["has_indicative_values"] and not listed["chiuso"]["has_indicative_values"]
    measure = client.get("/api/v1/measures/FSE1").json()
    assert {c["code"]: c["indicative_fields"] for c in measure["calls"]}["aperto"] == [
        "closes_at",
        "max_project_cost",
    ]

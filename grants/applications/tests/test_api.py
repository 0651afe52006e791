"""The /api/v1 applications endpoints: session auth, 404 for other organisations, problem+json errors,
and the Idempotency-Key contract of the submission."""

import json
from decimal import Decimal

import pytest

from grants.applications.models import Application, Arrival
from grants.core.models import AuditEvent
from grants.core.vocabulary import LegalForm
from grants.territory.tests.factories import MunicipalityFactory

from .factories import draft, member_of, open_call, ready_application

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


@pytest.fixture
def applicant(client):
    user, organisation = member_of()
    client.force_login(user)
    return user, organisation


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def post(client, url, body=None, **headers):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", headers=headers)


def test_anonymous_requests_get_401(client):
    response = client.get(f"{BASE}/applications")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_create_draft_and_read_it(client, applicant):
    _user, organisation = applicant
    call = open_call()
    response = post(client, f"{BASE}/applications", {"organisation_id": organisation.pk, "call_id": call.pk})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["partners"][0]["role"] == "lead"
    assert client.get(f"{BASE}/applications/{body['id']}").json()["applicant_id"] == organisation.pk
    assert [a["id"] for a in client.get(f"{BASE}/applications").json()["items"]] == [body["id"]]


def test_draft_for_an_organisation_the_user_does_not_act_for_answers_as_a_missing_one(client, applicant):
    _other_user, other_org = member_of()
    call = open_call()
    response = post(client, f"{BASE}/applications", {"organisation_id": other_org.pk, "call_id": call.pk})
    missing = post(client, f"{BASE}/applications", {"organisation_id": 999999, "call_id": call.pk})
    assert (response.status_code, response.content) == (422, missing.content)
    assert missing.json()["errors"][0]["field"] == "organisation_id"
    assert not Application.objects.exists()


def test_a_draft_names_its_call_by_code(client, applicant):
    _user, organisation = applicant
    call = open_call()
    response = post(
        client, f"{BASE}/applications", {"organisation_id": organisation.pk, "call_code": call.code}
    )
    assert response.status_code == 201 and response.json()["call_id"] == call.pk
    unknown = post(
        client, f"{BASE}/applications", {"organisation_id": organisation.pk, "call_code": "NESSUNO"}
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "call_code"
    neither = post(client, f"{BASE}/applications", {"organisation_id": organisation.pk})
    assert neither.status_code == 422 and neither.json()["errors"][0]["field"] == "call_id"


def test_another_organisations_application_is_not_found(client, applicant):
    foreign = draft()
    for response in (
        client.get(f"{BASE}/applications/{foreign.pk}"),
        client.get(f"{BASE}/applications/{foreign.pk}/checks"),
        post(
            client,
            f"{BASE}/applications/{foreign.pk}/submit",
            {"declarations_accepted": True},
            **{"Idempotency-Key": "k"},
        ),
        post(client, f"{BASE}/applications/{foreign.pk}/withdraw"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    foreign.refresh_from_db()
    assert foreign.status == "draft"


def test_general_partners_budget_and_checks(client, applicant):
    user, organisation = applicant
    application = draft(user=user, organisation=organisation)
    url = f"{BASE}/applications/{application.pk}"
    comune = MunicipalityFactory()

    bad = put(client, f"{url}/general", {"title": "T", "abstract": "A", "municipality_codes": ["000000"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "municipality_codes"
    ok = put(
        client, f"{url}/general", {"title": "T", "abstract": "A", "municipality_codes": [comune.istat_code]}
    )
    assert ok.json()["municipality_codes"] == [comune.istat_code]

    partners = put(
        client,
        f"{url}/partners",
        {
            "partners": [
                {"name": "Comune di Prova", "legal_form": LegalForm.PUBLIC_BODY, "share_percent": "25"}
            ]
        },
    )
    assert partners.status_code == 200
    assert [p["share_percent"] for p in partners.json()["partners"]] == ["75.00", "25.00"]

    invalid = put(client, f"{url}/budget", {"lines": [{"category": "personale", "amount": "-1"}]})
    assert invalid.status_code == 422
    assert invalid["Content-Type"] == "application/problem+json"
    assert invalid.json()["errors"][0]["field"] == "lines[0].amount"

    budget = put(client, f"{url}/budget", {"lines": [{"category": "personale", "amount": "40000.00"}]})
    assert budget.json()["total_cost"] == "40000.00"

    checks = client.get(f"{url}/checks").json()
    assert checks["ready"] is False
    assert [v["code"] for v in checks["violations"]] == ["partner_not_registered"]  # typed by name
    assert checks["violations"][0]["field"] == "partners[0]"


def test_submit_is_idempotent_per_key(client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation)
    url = f"{BASE}/applications/{application.pk}/submit"

    missing = post(client, url, {"declarations_accepted": True})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "Idempotency-Key"

    first = post(client, url, {"declarations_accepted": True}, **{"Idempotency-Key": "clic-1"})
    assert first.status_code == 202
    assert first["Idempotent-Replayed"] == "false"
    assert first["Location"] == f"{BASE}/applications/{application.pk}"
    body = first.json()
    # Numbered at once here (the inline sequencer of the tests); the arrival is what the intake recorded.
    assert body["protocol"].endswith("/0000001")
    assert body["status"] == "submitted"
    assert body["arrival"]["number"] == Arrival.objects.get(application=application).pk
    assert body["status_url"] == first["Location"]
    assert "Protocollo " + body["protocol"] in body["next"]
    status = client.get(first["Location"]).json()
    assert status["protocol"] == body["protocol"]
    assert status["arrival"]["number"] == body["arrival"]["number"]

    again = post(client, url, {"declarations_accepted": True}, **{"Idempotency-Key": "clic-1"})
    assert again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()

    other = post(client, url, {"declarations_accepted": True}, **{"Idempotency-Key": "clic-2"})
    assert other.status_code == 409
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["protocol"] == first.json()["protocol"]
    assert other.json()["code"] == "already_submitted"


def test_refused_submission_lists_the_violations(client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation, amount=Decimal("1000.00"))
    url = f"{BASE}/applications/{application.pk}/submit"
    no_declarations = post(client, url, {"declarations_accepted": False}, **{"Idempotency-Key": "a"})
    assert no_declarations.status_code == 422
    assert no_declarations.json()["errors"][0]["field"] == "declarations_accepted"
    refused = post(client, url, {"declarations_accepted": True}, **{"Idempotency-Key": "a"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "code": "grant_too_low",
            "field": "requested_grant",
            "message": "Il contributo richiesto (1.000,00 €) è inferiore al minimo del bando (10.000,00 €).",
        }
    ]
    assert Application.objects.get(pk=application.pk).protocol_number is None


def test_withdraw(client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation)
    response = post(client, f"{BASE}/applications/{application.pk}/withdraw", {"reason": "Partner ritirato"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    event = AuditEvent.objects.filter(action="application.withdrawn", object_id=str(application.pk)).get()
    assert "Partner ritirato" in event.reason


def test_withdraw_without_a_body_still_works(client, applicant):
    user, organisation = applicant
    application = ready_application(user=user, organisation=organisation)
    response = client.post(
        f"{BASE}/applications/{application.pk}/withdraw", data=b"", content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"


def test_a_partner_confirms_its_participation(client):
    application = draft()
    partner_user, partner_org = member_of()
    client.force_login(application.created_by)
    put(
        client,
        f"{BASE}/applications/{application.pk}/partners",
        {"partners": [{"fiscal_code": partner_org.fiscal_code.lower(), "share_percent": "40"}]},
    )
    client.force_login(partner_user)
    [invitation] = client.get(f"{BASE}/partnerships").json()["items"]
    assert invitation["application_id"] == application.pk
    assert client.get(f"{BASE}/applications/{application.pk}").status_code == 404
    confirmed = post(client, f"{BASE}/partnerships/{invitation['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_at"] is not None
    client.force_login(application.created_by)
    assert post(client, f"{BASE}/partnerships/{invitation['id']}/confirm").status_code == 404


def test_upload_a_required_document(client, applicant, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.programme.tests.factories import RequiredDocumentFactory

    settings.MEDIA_ROOT = tmp_path
    user, organisation = applicant
    call = open_call()
    RequiredDocumentFactory(call=call, code="statuto")
    application = ready_application(call=call, user=user, organisation=organisation)
    url = f"{BASE}/applications/{application.pk}"
    assert [v["code"] for v in client.get(f"{url}/checks").json()["violations"]] == ["document_missing"]
    wrong = client.post(
        f"{url}/documents/statuto", {"file": SimpleUploadedFile("s.txt", b"x", content_type="text/plain")}
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "document_type"
    ok = client.post(
        f"{url}/documents/statuto",
        {"file": SimpleUploadedFile("s.pdf", b"%PDF-1", content_type="application/pdf")},
    )
    assert ok.status_code == 201
    assert client.get(f"{url}/checks").json() == {"ready": True, "violations": []}
    assert (
        client.post(f"{url}/documents/inesistente", {"file": SimpleUploadedFile("s.pdf", b"x")}).status_code
        == 404
    )

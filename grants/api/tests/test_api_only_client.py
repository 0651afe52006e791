"""An API-only client begins from nothing (issue 20): a new account signs up and verifies its e-mail on the
pages, takes a personal access token on its profile page, and from then on uses only /api/v1 with the
token (a fresh client, no session) and the ids and links the answers give: its organisation, the call found
in the list of calls, a draft, every section, the documents the call requires, the checks, the submission
and the receipt. The call, its cost category and required document and the comune are the Region's
configuration, made outside the API."""

import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants.applications.tests.factories import open_call
from grants.core.vocabulary import LegalForm
from grants.programme.tests.factories import RequiredDocumentFactory
from grants.projects.tests.factories import MINIMAL_PDF
from grants.registry.tests.factories import body_fiscal_code, person_fiscal_code
from grants.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Una-password-lunga-2026!"


def _token_of_a_new_account() -> str:
    """Sign-up, e-mail verification and the token: the only steps done on the pages."""
    browser = Client()
    signed_up = browser.post(
        reverse("accounts:signup"),
        {"email": "integrazione@coop.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert signed_up.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    assert browser.post(link).status_code == 302
    assert browser.get(reverse("accounts:tokens")).status_code == 200
    issued = browser.post(
        reverse("accounts:tokens"), {"name": "gestionale", "scope": "write", "lifetime_days": 30}
    )
    token = re.search(r'id="new-token"[^>]*value="([^"]+)"', issued.content.decode()).group(1)
    assert token
    return token


class Api:
    def __init__(self, token: str) -> None:
        self.client = Client()  # no session: the token only
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body=None, status: int = 200, **headers):
        if not path.startswith("/api/"):
            path = f"/api/v1{path}"
        kwargs = {"headers": {**self.headers, **headers}}
        if method != "get":
            kwargs.update(data=json.dumps(body or {}), content_type="application/json")
        elif body:
            kwargs["data"] = body
        response = getattr(self.client, method)(path, **kwargs)
        assert response.status_code == status, response.content
        return response

    def json(self, method: str, path: str, body=None, status: int = 200, **headers):
        return self.call(method, path, body, status, **headers).json()


def test_a_new_account_goes_from_nothing_to_a_receipt_with_the_api_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    comune = MunicipalityFactory()
    call = open_call(partner_legal_forms=[LegalForm.PUBLIC_BODY.value], requires_partner_confirmation=False)
    RequiredDocumentFactory(call=call, code="statuto")
    api = Api(_token_of_a_new_account())

    # The organisation, seated in a comune the API lists.
    seat = api.json("get", f"/municipalities/{comune.istat_code}")
    organisation = api.json(
        "post",
        "/organisations",
        {
            "name": "Cooperativa Sociale Integrata",
            "legal_form": LegalForm.THIRD_SECTOR,
            "fiscal_code": body_fiscal_code(4321),
            "runts_number": "54321",
            "seat_istat_code": seat["istat_code"],
            "pec": "integrata@pec.example",
            "legal_representative_first_name": "Anna",
            "legal_representative_last_name": "Verdi",
            "legal_representative_fiscal_code": person_fiscal_code(9876),
        },
        201,
    )

    # The call, found in the list; its id (or its code) opens a draft.
    listed = next(c for c in api.json("get", "/calls")["items"] if c["code"] == call.code)
    detail = api.json("get", f"/calls/{listed['code']}")
    assert detail["id"] == listed["id"]
    draft = api.json(
        "post", "/applications", {"organisation_id": organisation["id"], "call_id": listed["id"]}, 201
    )
    by_code = api.json(
        "post", "/applications", {"organisation_id": organisation["id"], "call_code": call.code}, 201
    )
    assert by_code["call_id"] == listed["id"]
    url = f"/applications/{draft['id']}"

    # Every section.
    api.json(
        "put",
        f"{url}/general",
        {
            "title": "Welfare di comunità in rete",
            "abstract": "Servizi di prossimità per anziani e famiglie.",
            "partnership_name": "Rete di quartiere",
            "municipality_codes": [seat["istat_code"]],
        },
    )
    api.json(
        "put",
        f"{url}/stamp-duty",
        {"exemption": "third_sector", "legal_basis": "Art. 82, comma 5, D.Lgs. 117/2017"},
    )
    partners = api.json(
        "put",
        f"{url}/partners",
        {
            "partners": [
                {"name": "Comune partner", "legal_form": LegalForm.PUBLIC_BODY, "share_percent": "20"}
            ]
        },
    )["partners"]
    partner_id = next(p["id"] for p in partners if p["role"] == "partner")
    category = detail["cost_categories"][0]["code"]
    budget = api.json(
        "put",
        f"{url}/budget",
        {
            "lines": [
                {"category": category, "amount": "40000.00", "description": "Educatori"},
                {
                    "category": category,
                    "amount": "10000.00",
                    "description": "Animatori",
                    "partner_id": partner_id,
                },
            ]
        },
    )
    assert budget["total_cost"] == "50000.00"

    # The documents the call requires, then the checks.
    checks = api.json("get", f"{url}/checks")
    assert {v["code"] for v in checks["violations"]} == {"document_missing"}
    for required in detail["required_documents"]:
        uploaded = api.client.post(
            f"/api/v1{url}/documents/{required['code']}",
            {
                "file": SimpleUploadedFile(
                    f"{required['code']}.pdf", MINIMAL_PDF, content_type="application/pdf"
                )
            },
            headers=api.headers,
        )
        assert uploaded.status_code == 201, uploaded.content
    assert api.json("get", f"{url}/checks") == {"ready": True, "violations": []}

    # Submission and receipt, by the link in the answer.
    sent = api.call(
        "post", f"{url}/submit", {"declarations_accepted": True}, 202, **{"Idempotency-Key": "primo-invio"}
    )
    status = api.json("get", sent["Location"])  # the status resource the answer links to
    assert status["status"] == "submitted" and status["protocol"] == sent.json()["protocol"]
    assert status["arrival"]["number"] == sent.json()["arrival"]["number"]
    receipt = api.call("get", sent.json()["receipt_url"])
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")
    assert api.json("get", url)["protocol"] == sent.json()["protocol"]

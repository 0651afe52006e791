"""The organisation's ATECO 2025 code: validated against ISTAT's classification (offline), on the form and
in the API."""

import pytest
from django.core.exceptions import ValidationError

from grants.registry.ateco import ateco_title, normalise_ateco, validate_ateco_code


def test_istat_codes_are_accepted_and_normalised():
    validate_ateco_code("62.10.00")
    validate_ateco_code("88.99")
    assert normalise_ateco("621000") == "62.10.00"
    assert ateco_title("62.10.00") == "Attività di programmazione informatica"


@pytest.mark.parametrize("code", ["99.99", "62", "abc", "12.34.56"])
def test_codes_outside_the_classification_are_refused_in_italian(code):
    with pytest.raises(ValidationError) as refusal:
        validate_ateco_code(code)
    assert "non è un codice ATECO 2025" in refusal.value.messages[0]


@pytest.mark.django_db
def test_the_api_registers_the_ateco_code_and_refuses_one_outside_istat(client, applicant, seat):
    import json

    from grants.core.vocabulary import LegalForm

    from .factories import body_fiscal_code

    client.force_login(applicant)
    body = {
        "name": "Fondazione Comunità",
        "legal_form": LegalForm.THIRD_SECTOR,
        "fiscal_code": body_fiscal_code(56),
        "runts_number": "12345",
        "seat_istat_code": seat.istat_code,
        "ateco_code": "99.99",
    }
    post = lambda data: client.post(  # noqa: E731
        "/api/v1/organisations", data=json.dumps(data), content_type="application/json"
    )
    refused = post(body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "ateco_code"
    created = post({**body, "ateco_code": "621000"})
    assert created.status_code == 201, created.content
    assert created.json()["ateco_code"] == "62.10.00"

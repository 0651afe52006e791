"""The approved ranking is public (page and CSV); a draft one is not; a sole trader's name never appears."""

import csv
import io
from decimal import Decimal

import pytest

from grants.evaluation import services
from grants.evaluation.tests.factories import DETERMINATION, evaluated_call, manager, officer

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}
BETTER = {**GOOD, "B2": "35"}


def _ranked(*, approve: bool):
    call, applications, _ = evaluated_call([("60000", GOOD), ("60000", BETTER)], budget=Decimal("100000.00"))
    ranking = services.compute_ranking(actor=officer(), call=call)
    if approve:
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    return call, applications


def test_a_ranking_not_yet_approved_is_not_public(client):
    call, _ = _ranked(approve=False)
    assert client.get(f"/bandi/{call.code}/graduatoria/").status_code == 404
    assert client.get(f"/bandi/{call.code}/graduatoria.csv").status_code == 404
    assert b"public-ranking-link" not in client.get(f"/bandi/{call.code}/").content


def test_the_approved_ranking_is_listed_in_order_with_the_determinazione(client):
    call, (first, second) = _ranked(approve=True)
    assert b"public-ranking-link" in client.get(f"/bandi/{call.code}/").content
    assert f'data-testid="ranking-link-{call.code}"' in client.get("/bandi/").content.decode()

    page = client.get(f"/bandi/{call.code}/graduatoria/").content.decode()

    assert "DD 123/A1418A" in page and "15/01/2026" in page
    # The better-scored application comes first; the budget funds it fully, the other partly or not at all.
    assert page.index(second.protocol) < page.index(first.protocol)


def test_the_csv_has_one_row_per_entry_and_hides_natural_persons(client):
    call, (first, second) = _ranked(approve=True)
    second.applicant.fiscal_code = "RSSMRA80A01L219M"
    second.applicant.save(update_fields=["fiscal_code"])

    response = client.get(f"/bandi/{call.code}/graduatoria.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0][:3] == ["posizione", "protocollo", "soggetto"]
    by_protocol = {row[1]: row for row in rows[1:]}
    assert set(by_protocol) == {first.protocol, second.protocol}
    assert second.applicant.name not in response.content.decode()
    assert by_protocol[second.protocol][2].startswith("Impresa individuale")
    assert by_protocol[second.protocol][7] == "60000.00"


def test_an_unknown_phase_is_not_found(client):
    call, _ = _ranked(approve=True)
    assert client.get(f"/bandi/{call.code}/graduatoria/?fase=nessuna").status_code == 404

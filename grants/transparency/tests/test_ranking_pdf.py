"""The PDF of an approved ranking: the determinazione, every row with its outcome, granted amount and reserve,
the totals; on the public page beside the CSV and over the API; a ranking not approved has none."""

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from grants.core.vocabulary import LegalForm
from grants.evaluation import services
from grants.evaluation.tests.factories import DETERMINATION, LOW_MARKS, evaluated_call, manager, officer
from grants.programme.models import ReserveKind
from grants.programme.tests.factories import CallReserveFactory
from grants.transparency.ranking_pdf import RankingNotPublished, render_ranking_html

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}
BETTER = {**GOOD, "B2": "35"}
API = "/api/v1"


def _ranked(*, approve: bool):
    call, applications, _ = evaluated_call(
        [("60000", GOOD), ("60000", BETTER), ("50000", LOW_MARKS)], budget=Decimal("100000.00")
    )
    CallReserveFactory(
        call=call,
        code="ets",
        label="Riserva enti del Terzo settore",
        kind=ReserveKind.APPLICANT_TYPE,
        legal_forms=[LegalForm.THIRD_SECTOR.value],
        amount=Decimal("30000.00"),
    )
    ranking = services.compute_ranking(actor=officer(), call=call)
    if approve:
        ranking = services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    return call, ranking, applications


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_lists_the_determinazione_the_rows_and_the_totals(client):
    call, _ranking, (good, better, low) = _ranked(approve=True)
    response = client.get(f"/bandi/{call.code}/graduatoria.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="graduatoria-{call.code}-final.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    assert "Graduatoria finale" in text
    assert "n. DD 123/A1418A del 15/01/2026" in text
    # In order: the better one funded in full (half from the reserve), the good one partly, the low one
    # not eligible (no position).
    assert text.index(better.protocol) < text.index(good.protocol) < text.index(low.protocol)
    assert "Finanziata" in text
    assert "Finanziata parzialmente (40.000,00 € su 60.000,00 € richiesti)" in text
    assert "Non idonea" in text
    assert "Riserva enti del Terzo settore: 30.000,00 €" in text
    assert "100.000,00 €" in text  # budget = granted: 60,000 + 40,000
    assert "Risorse residue 0,00 €" in text


def test_the_rendered_rows_carry_every_column():
    call, ranking, (good, better, low) = _ranked(approve=True)
    html = render_ranking_html(call, ranking)
    rows = re.findall(r"<tr>\s*<td class=\"num\">(.*?)</tr>", html, re.S)
    assert len(rows) == 3
    first, second, third = (re.sub(r"<[^>]+>|\s+", " ", row) for row in rows)
    assert better.protocol in first and "Finanziata" in first and "60.000,00 €" in first
    assert "Riserva enti del Terzo settore: 30.000,00 €" in first
    assert good.protocol in second and "40.000,00 €" in second
    assert low.protocol in third and "Non idonea" in third and third.strip().startswith("–")
    assert better.applicant.name in first


def test_a_ranking_not_approved_has_no_pdf(client):
    call, ranking, _ = _ranked(approve=False)
    assert client.get(f"/bandi/{call.code}/graduatoria.pdf").status_code == 404
    assert client.get(f"{API}/public/calls/{call.code}/ranking.pdf").status_code == 404
    with pytest.raises(RankingNotPublished):
        render_ranking_html(call, ranking)


def test_the_public_page_links_the_pdf_beside_the_csv(client):
    call, _ranking, _ = _ranked(approve=True)
    page = client.get(f"/bandi/{call.code}/graduatoria/").content.decode()
    csv_link = page.index(f"/bandi/{call.code}/graduatoria.csv?fase=final")
    pdf_link = page.index(f"/bandi/{call.code}/graduatoria.pdf?fase=final")
    assert 0 < pdf_link - csv_link < 400


def test_the_api_serves_the_same_pdf_to_anyone(client):
    call, _ranking, (_good, better, _low) = _ranked(approve=True)
    response = client.get(f"{API}/public/calls/{call.code}/ranking.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert better.protocol in _text(response.content)
    assert client.get(f"{API}/public/calls/{call.code}/ranking.pdf?stage=preliminary").status_code == 404
    assert client.get(f"{API}/public/calls/nessun-bando/ranking.pdf").status_code == 404

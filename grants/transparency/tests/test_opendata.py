"""Open-data files: headers, formats (dates, decimals), streaming, metadata, and that nothing private is in
them (no natural person, no legal representative, no participant)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory

from .. import opendata
from .factories import NATURAL_PERSON_NAME, natural_person_project, paid, public_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    funded = public_project()
    paid(funded, Decimal("1234.50"))
    person = natural_person_project()
    hidden = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    return funded, person, hidden


def _csv(client, slug: str, **params):
    response = client.get(reverse("transparency:opendata_download", args=[slug, "csv"]), params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    delimiter = opendata.DATASETS[slug].delimiter
    return response, list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter)), text


def _private_values(funded, person, hidden) -> list[str]:
    return [
        NATURAL_PERSON_NAME,
        person.beneficiary.fiscal_code,
        funded.beneficiary.legal_representative_fiscal_code,
        funded.beneficiary.legal_representative_last_name,
        hidden.title if hidden.title != funded.title else hidden.cup,
        hidden.cup,
    ]


def test_opencoesione_file_headers_formats_and_money(client, projects):
    funded, person, hidden = projects
    response, rows, text = _csv(client, "progetti-opencoesione")

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="wecare-progetti-opencoesione.csv"' in response["Content-Disposition"]
    assert rows and list(rows[0].keys()) == opendata.OPENCOESIONE.headers
    for name in (
        "COD_LOCALE_PROGETTO",
        "CUP",
        "OC_TITOLO_PROGETTO",
        "OC_SINTESI_PROGETTO",
        "FINANZ_UE",
        "FINANZ_STATO",
        "FINANZ_REGIONE",
        "FINANZ_PRIVATO",
        "FINANZ_TOTALE_PUBBLICO",
        "IMPEGNI",
        "TOT_PAGAMENTI",
        "OC_DATA_INIZIO_PROGETTO",
        "OC_DATA_FINE_PROGETTO_PREVISTA",
    ):
        assert name in rows[0]
    row = next(r for r in rows if r["CUP"] == funded.cup)
    assert row["FINANZ_UE"] == "35600,00"
    assert row["FINANZ_STATO"] == "24920,00"
    assert row["FINANZ_REGIONE"] == "10680,00"
    assert row["FINANZ_PRIVATO"] == "17800,00"
    assert row["FINANZ_TOTALE_PUBBLICO"] == row["IMPEGNI"] == "71200,00"
    assert row["TOT_PAGAMENTI"] == "1234,50"
    assert row["OC_DATA_FINE_PROGETTO_PREVISTA"] == funded.planned_end_date.strftime("%Y%m%d")
    assert len(row["OC_DATA_INIZIO_PROGETTO"]) == 8 and row["OC_DATA_INIZIO_PROGETTO"].isdigit()
    assert row["OC_CODFISC_BENEFICIARIO"] == funded.beneficiary.fiscal_code
    person_row = next(r for r in rows if r["CUP"] == person.cup)
    assert person_row["OC_DENOM_BENEFICIARIO"] == "persona fisica – dati non pubblicabili"
    assert person_row["OC_CODFISC_BENEFICIARIO"] == ""
    for value in _private_values(funded, person, hidden):
        assert value not in text


def test_operations_list_has_the_article_49_columns(client, projects):
    funded, person, hidden = projects
    _, rows, text = _csv(client, "operazioni")

    row = next(r for r in rows if r["CUP"] == funded.cup)
    assert row["NOME_OPERAZIONE"] == funded.title
    assert row["DATA_FINE"] == funded.planned_end_date.isoformat()
    assert row["SPESA_TOTALE_AMMISSIBILE"] == "89000.00"
    assert row["TASSO_COFINANZIAMENTO_UE"] == "50.00"
    assert row["PAESE"] == "IT"
    assert row["CODICE_COMUNE_ISTAT"] == funded.beneficiary.seat.istat_code
    assert {r["CUP"] for r in rows} == {funded.cup, person.cup}
    for value in _private_values(funded, person, hidden):
        assert value not in text


def test_json_and_xlsx_carry_the_same_rows(client, projects):
    funded, _, _ = projects
    response = client.get(reverse("transparency:opendata_download", args=["concessioni", "json"]))
    data = json.loads(b"".join(response.streaming_content))
    assert response["Content-Type"] == "application/json"
    row = next(r for r in data if r["CUP"] == funded.cup)
    assert row["IMPORTO"] == "71200.00"
    assert row["LINK_PROGETTO"] == reverse("transparency:project_detail", args=[funded.pk])
    assert NATURAL_PERSON_NAME not in json.dumps(data, ensure_ascii=False)

    response = client.get(reverse("transparency:opendata_download", args=["progetti-opencoesione", "xlsx"]))
    assert response["Content-Type"] == opendata.CONTENT_TYPES["xlsx"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet_rows[0]) == opendata.OPENCOESIONE.headers
    assert len(sheet_rows) == 3
    by_cup = {r[1]: r for r in sheet_rows[1:]}
    ue_column = opendata.OPENCOESIONE.headers.index("FINANZ_UE")
    assert by_cup[funded.cup][ue_column] == pytest.approx(35600.00)
    flat = " ".join(str(v) for r in sheet_rows for v in r if v is not None)
    assert NATURAL_PERSON_NAME not in flat


def test_filters_of_the_public_list_apply_to_the_export(client, projects):
    funded, _, _ = projects
    _, rows, _ = _csv(client, "operazioni", misura=funded.call.measure.code)
    assert [r["CUP"] for r in rows] == [funded.cup]


def test_unknown_dataset_or_format_is_404(client):
    assert client.get("/dati-aperti/segreti.csv").status_code == 404
    assert client.get("/dati-aperti/operazioni.exe").status_code == 404
    assert client.get("/dati-aperti/segreti/metadati.jsonld").status_code == 404


def test_dcat_metadata_for_each_dataset_and_the_catalogue(client):
    for slug, dataset in opendata.DATASETS.items():
        response = client.get(reverse("transparency:opendata_metadata", args=[slug]))
        assert response["Content-Type"] == "application/ld+json"
        metadata = response.json()
        assert "dcatapit:Dataset" in metadata["@type"]
        assert metadata["@context"]["dcatapit"] == "http://dati.gov.it/onto/dcatapit#"
        assert metadata["dct:title"] == str(dataset.title)
        assert metadata["dct:publisher"]["dct:identifier"] == "r_piemon"
        assert {d["dct:license"]["@id"] for d in metadata["dcat:distribution"]} == {opendata.LICENCE_URL}
        assert sorted(d["dct:format"]["@id"].rsplit("/", 1)[1] for d in metadata["dcat:distribution"]) == [
            "CSV",
            "JSON",
            "XLSX",
        ]
        assert all(
            d["dcat:downloadURL"]["@id"].startswith("http://testserver/dati-aperti/")
            for d in metadata["dcat:distribution"]
        )
    catalogue = client.get(reverse("transparency:opendata_catalogue")).json()
    assert len(catalogue["dcat:dataset"]) == len(opendata.DATASETS)


def test_the_open_data_page_has_the_dictionary_and_the_licence(client):
    body = client.get(reverse("transparency:opendata")).content.decode()
    assert "CC BY 4.0" in body
    for dataset in opendata.DATASETS.values():
        for column in dataset.columns:
            assert f"<code>{column.name}</code>" in body
    assert "AAAAMMGG" in body


def test_rows_are_read_in_chunks_not_loaded_at_once(monkeypatch, projects):
    """The writer pulls rows from queryset.iterator(chunk_size=...): nothing builds the full list."""
    calls = []
    original = type(opendata.export_queryset()).iterator

    def spy(self, chunk_size=None):
        calls.append(chunk_size)
        return original(self, chunk_size=chunk_size)

    monkeypatch.setattr(type(opendata.export_queryset()), "iterator", spy)
    chunks = opendata.csv_chunks(opendata.OPERATIONS, opendata.export_queryset())
    assert next(chunks).startswith("\ufeffCUP,")  # the header comes before any row is read
    assert calls == []
    rest = list(chunks)
    assert calls == [opendata.CHUNK_SIZE]
    assert len(rest) == 2

"""Open-data files: headers, formats (dates, decimals), streaming, metadata, and that nothing private is in
them (no natural person, no legal representative, no participant)."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from openpyxl import load_workbook

from grants.projects.states import ProjectStatus
from grants.projects.tests.factories import ProjectFactory
from grants.territory.tests.factories import MunicipalityFactory, ProvinceFactory

from .. import opendata, xlsx_stream
from ..public_projects import NATURAL_PERSON_LABEL
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


def test_the_export_reads_plain_values_in_three_queries_whatever_the_rows(
    projects, django_assert_num_queries
):
    """The projects with their paid total (one query, streamed), the comuni of the chunk and its calls:
    never a query per row."""
    funded, person, _hidden = projects
    province = ProvinceFactory()
    second = MunicipalityFactory(province=province, istat_code="990902")
    first = MunicipalityFactory(province=province, istat_code="990901")
    funded.application.municipalities.add(second, first)
    with django_assert_num_queries(3):
        rows = list(opendata.raw_rows(opendata.OPENCOESIONE, opendata.export_queryset()))
    by_cup = {r[1]: dict(zip(opendata.OPENCOESIONE.headers, r, strict=True)) for r in rows}
    assert set(by_cup) == {funded.cup, person.cup}
    assert by_cup[funded.cup]["TOT_PAGAMENTI"] == Decimal("1234.50")
    assert by_cup[funded.cup]["COD_COMUNE"] == "990901|990902"  # the declared comuni, in ISTAT order
    assert by_cup[funded.cup]["DEN_COMUNE"] == f"{first.name}|{second.name}"
    assert by_cup[funded.cup]["DEN_PROVINCIA"] == province.name  # once, however many of its comuni
    assert (
        by_cup[funded.cup]["FINANZ_UE"]
        + by_cup[funded.cup]["FINANZ_STATO"]
        + by_cup[funded.cup]["FINANZ_REGIONE"]
        == funded.grant
    )
    assert by_cup[person.cup]["OC_DENOM_BENEFICIARIO"] == str(NATURAL_PERSON_LABEL)
    assert by_cup[person.cup]["COD_COMUNE"] == ""  # a natural person's seat is not a place of intervention


def test_the_streamed_workbook_keeps_text_numbers_and_dates():
    """The sheet written row by row reads back (openpyxl) with its values, types and formats."""
    header = [f"C{i}" for i in range(28)]  # past column Z
    kinds = [xlsx_stream.TEXT] * 26 + [xlsx_stream.NUMBER, xlsx_stream.DATE]
    text = 'A & B <c> "d"; riga\ndue\x01 «e» '
    rows = [
        [text, *[""] * 24, None, Decimal("1234.50"), date(2026, 3, 31)],
        ["x", *[None] * 25, Decimal("0.00"), None],
    ]
    handle = io.BytesIO()
    xlsx_stream.write(handle, title="prova & co", header=header, kinds=kinds, rows=iter(rows))
    sheet = load_workbook(io.BytesIO(handle.getvalue())).active
    assert sheet.title == "prova & co"
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == header and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert values[1][0] == 'A & B <c> "d"; riga\ndue «e» '  # the control character is dropped
    assert values[1][1:26] == (None,) * 25
    assert values[1][26] == pytest.approx(1234.5) and sheet["AA2"].number_format == "#,##0.00"
    assert values[1][27] == datetime(2026, 3, 31) and sheet["AB2"].number_format == "DD/MM/YYYY"
    assert values[2][0] == "x" and values[2][26] == 0 and values[2][27] is None
    assert [xlsx_stream.column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]

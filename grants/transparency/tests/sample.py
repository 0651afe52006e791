"""A small WECARE-like programme built with the ORM, shared by the view tests and the browser tests."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from grants.core.timeutils import now, rome_datetime
from grants.core.vocabulary import CompanySize, LegalForm
from grants.programme.models import (
    Call,
    CallMode,
    CallPhase,
    CallReserve,
    CallStatus,
    CostCategory,
    CostOption,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
    ReserveKind,
    StateAidRegime,
)
from grants.territory.models import Province, Region


@dataclass
class Sample:
    programme: Programme
    fse: Fund
    fesr: Fund
    measures: dict[str, Measure]
    open_call: Call
    upcoming_call: Call
    closed_call: Call
    draft_call: Call


MEASURES = [
    # code, fund, title, title_en, budget, has_public_calls
    (
        "FSE1",
        "FSE",
        "Sperimentazione di azioni innovative di welfare territoriale",
        "Innovative territorial welfare experiments",
        "6400000.00",
        True,
    ),
    (
        "FSE2",
        "FSE",
        "Progetti di innovazione sociale per il terzo settore",
        "Social innovation projects for the third sector",
        "3600000.00",
        True,
    ),
    ("FSE3", "FSE", "Promozione del welfare aziendale", "Corporate welfare", "4000000.00", True),
    (
        "FESR",
        "FESR",
        "Rafforzamento di attività imprenditoriali che producono effetti socialmente desiderabili",
        "Strengthening enterprises with social impact",
        "5000000.00",
        True,
    ),
    ("FSE4", "FSE", "Azione di accompagnamento", "Accompanying action", "1000000.00", False),
]


def build_sample(code: str = "wecare") -> Sample:
    region, _ = Region.objects.get_or_create(istat_code="01", defaults={"name": "Piemonte"})
    torino, _ = Province.objects.get_or_create(
        istat_code="001", defaults={"region": region, "abbreviation": "TO", "name": "Torino"}
    )
    programme = Programme.objects.create(
        code=code,
        title="WECARE – Welfare Cantiere Regionale",
        title_en="WECARE – Regional Welfare Workshop",
        description="Strategia regionale per l'innovazione sociale.",
        description_en="Regional strategy for social innovation.",
        region=region,
        legal_basis="D.G.R. n. 22-5076 del 22/05/2017",
        period_start=date(2017, 5, 22),
        period_end=date(2020, 12, 31),
    )
    fse = Fund.objects.create(
        programme=programme,
        code="FSE",
        title="Fondo Sociale Europeo",
        title_en="European Social Fund",
        operational_programme="POR FSE 2014-2020",
        eu_share=Decimal("50.00"),
        national_share=Decimal("35.00"),
        regional_share=Decimal("15.00"),
    )
    fesr = Fund.objects.create(
        programme=programme,
        code="FESR",
        title="Fondo europeo di sviluppo regionale",
        title_en="European Regional Development Fund",
        operational_programme="POR FESR 2014-2020",
        eu_share=Decimal("50.00"),
        national_share=Decimal("35.00"),
        regional_share=Decimal("15.00"),
    )
    funds = {"FSE": fse, "FESR": fesr}
    measures = {}
    for order, (m_code, fund, title, title_en, budget, public) in enumerate(MEASURES):
        measures[m_code] = Measure.objects.create(
            programme=programme,
            fund=funds[fund],
            code=m_code,
            title=title,
            title_en=title_en,
            objective=f"Obiettivo della misura {m_code}.",
            objective_en=f"Objective of measure {m_code}.",
            budget=Decimal(budget),
            has_public_calls=public,
            order=order,
        )
    MeasurePhase.objects.create(
        measure=measures["FSE1"],
        title="Progettazione",
        title_en="Design",
        start_date=date(2018, 1, 1),
        end_date=date(2018, 6, 30),
        order=1,
    )
    MeasurePhase.objects.create(
        measure=measures["FSE1"],
        title="Sperimentazione",
        title_en="Experimentation",
        start_date=date(2018, 7, 1),
        end_date=date(2020, 12, 31),
        order=2,
    )

    moment = now()
    open_call = Call.objects.create(
        measure=measures["FSE1"],
        code="fse1-welfare-territoriale",
        title="Bando WeCaRe FSE1 – Distretti",
        title_en="WeCaRe FSE1 call – Districts",
        summary="Sperimentazioni di welfare territoriale.",
        summary_en="Territorial welfare experiments.",
        opens_at=moment - timedelta(days=10),
        closes_at=moment + timedelta(days=20),
        mode=CallMode.RANKING,
        budget=Decimal("6400000.00"),
        lead_legal_forms=[LegalForm.SOCIAL_SERVICE_BODY, LegalForm.PUBLIC_BODY],
        partner_legal_forms=[LegalForm.THIRD_SECTOR, LegalForm.SOCIAL_COOPERATIVE],
        min_partners=2,
        max_partners=10,
        requires_public_private_partnership=True,
        min_grant=Decimal("50000.00"),
        max_grant=Decimal("400000.00"),
        min_project_cost=Decimal("60000.00"),
        max_project_cost=Decimal("500000.00"),
        max_aid_intensity=Decimal("80.00"),
        min_cofinancing=Decimal("20.00"),
        is_two_phase=True,
        min_total_score=Decimal("60.00"),
        tie_break_rules=["Punteggio più alto sul criterio A", {"label": "Ordine di presentazione"}],
        status=CallStatus.PUBLISHED,
        published_at=moment - timedelta(days=11),
    )
    CallPhase.objects.create(
        call=open_call,
        code="idea",
        title="Idea progettuale",
        title_en="Project idea",
        opens_at=moment - timedelta(days=10),
        closes_at=moment + timedelta(days=20),
        order=1,
    )
    CallPhase.objects.create(
        call=open_call,
        code="esecutivo",
        title="Progetto esecutivo",
        title_en="Detailed project",
        opens_at=moment + timedelta(days=60),
        closes_at=moment + timedelta(days=120),
        order=2,
    )
    CallReserve.objects.create(
        call=open_call,
        code="to",
        label="Riserva Città metropolitana",
        kind=ReserveKind.PROVINCE,
        province=torino,
        amount=Decimal("1500000.00"),
    )
    CostCategory.objects.create(
        call=open_call,
        code="staff",
        title="Personale",
        title_en="Staff",
        cost_option=CostOption.REAL_COSTS,
        cap_percent=Decimal("60.00"),
        order=1,
    )
    CostCategory.objects.create(
        call=open_call,
        code="indirect",
        title="Costi indiretti",
        title_en="Indirect costs",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal("15.00"),
        flat_rate_base=["staff"],
        order=2,
    )
    macro = Criterion.objects.create(
        call=open_call,
        code="A",
        title="Qualità della proposta",
        title_en="Quality of the proposal",
        max_points=Decimal("60"),
        min_points=Decimal("36"),
        order=1,
    )
    Criterion.objects.create(
        call=open_call,
        parent=macro,
        code="A.1",
        title="Coerenza con i bisogni del territorio",
        title_en="Fit with local needs",
        max_points=Decimal("30"),
        order=1,
    )
    Criterion.objects.create(
        call=open_call,
        parent=macro,
        code="A.2",
        title="Sostenibilità e replicabilità",
        title_en="Sustainability and replicability",
        max_points=Decimal("30"),
        order=2,
    )
    Criterion.objects.create(
        call=open_call,
        code="B",
        title="Partenariato",
        title_en="Partnership",
        max_points=Decimal("40"),
        order=2,
    )
    RequiredDocument.objects.create(
        call=open_call,
        code="form",
        title="Formulario di progetto",
        title_en="Project form",
        allowed_types=["application/pdf"],
        max_size_mb=10,
        order=1,
    )
    RequiredDocument.objects.create(
        call=open_call,
        code="adhesion",
        title="Lettera di adesione del partner",
        title_en="Partner letter of adhesion",
        per_partner=True,
        allowed_types=["application/pdf"],
        order=2,
    )

    upcoming_call = Call.objects.create(
        measure=measures["FSE3"],
        code="fse3-welfare-aziendale",
        title="Bando welfare aziendale",
        title_en="Corporate welfare call",
        summary="Piani di welfare aziendale.",
        opens_at=moment + timedelta(days=30),
        closes_at=moment + timedelta(days=90),
        mode=CallMode.FIRST_COME,
        budget=Decimal("4000000.00"),
        lead_legal_forms=[LegalForm.COMPANY],
        lead_company_sizes=[CompanySize.SMALL, CompanySize.MEDIUM],
        state_aid_regime=StateAidRegime.DE_MINIMIS,
        status=CallStatus.PUBLISHED,
        published_at=moment,
    )
    closed_call = Call.objects.create(
        measure=measures["FESR"],
        code="fesr-imprese-sociali",
        title="Bando imprese a impatto sociale",
        summary="Imprese a impatto sociale.",
        opens_at=rome_datetime(2017, 11, 2, 9, 0),
        closes_at=rome_datetime(2018, 2, 28, 12, 0),
        mode=CallMode.RANKING,
        budget=Decimal("5000000.00"),
        lead_legal_forms=[LegalForm.COMPANY],
        status=CallStatus.PUBLISHED,
        published_at=moment,
    )
    draft_call = Call.objects.create(
        measure=measures["FSE2"],
        code="fse2-bozza",
        title="Bando terzo settore in preparazione",
        summary="Bozza.",
        opens_at=moment + timedelta(days=5),
        closes_at=moment + timedelta(days=40),
        budget=Decimal("3600000.00"),
        lead_legal_forms=[LegalForm.THIRD_SECTOR],
        status=CallStatus.DRAFT,
    )
    return Sample(programme, fse, fesr, measures, open_call, upcoming_call, closed_call, draft_call)

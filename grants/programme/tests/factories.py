"""Factories of the programme context; other apps import these names."""

from datetime import timedelta
from decimal import Decimal

import factory

from grants.core.timeutils import now
from grants.core.vocabulary import LegalForm
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
)
from grants.territory.models import Region


def piemonte() -> Region:
    region, _ = Region.objects.get_or_create(istat_code="01", defaults={"name": "Piemonte"})
    return region


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"programma-{n}")
    title = factory.Sequence(lambda n: f"Programma di prova {n}")
    region = factory.LazyFunction(piemonte)
    legal_basis = "DGR 1-1 del 01/01/2026"


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"F{n}")
    title = "Fondo Sociale Europeo"
    operational_programme = "POR FSE Piemonte 2014-2020"
    eu_share = Decimal("50")
    national_share = Decimal("35")
    regional_share = Decimal("15")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    fund = factory.SubFactory(FundFactory)
    programme = factory.SelfAttribute("fund.programme")
    code = factory.Sequence(lambda n: f"M{n}")
    title = factory.Sequence(lambda n: f"Misura {n}")
    objective = "Sperimentare servizi di welfare di prossimità."
    budget = Decimal("10000000.00")


class MeasurePhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasurePhase

    measure = factory.SubFactory(MeasureFactory)
    title = "Sperimentazioni"
    start_date = factory.LazyFunction(lambda: now().date())
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=365))


class CallFactory(factory.django.DjangoModelFactory):
    """A published ranking call, open now (opened ten days ago, closes in thirty days)."""

    class Meta:
        model = Call

    measure = factory.SubFactory(MeasureFactory)
    code = factory.Sequence(lambda n: f"bando-{n}")
    title = factory.Sequence(lambda n: f"Bando di prova {n}")
    summary = "Contributi per progetti di innovazione sociale."
    opens_at = factory.LazyFunction(lambda: now() - timedelta(days=10))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=40))
    mode = CallMode.RANKING
    budget = Decimal("1000000.00")
    lead_legal_forms = factory.LazyFunction(lambda: [LegalForm.THIRD_SECTOR.value])
    partner_legal_forms = factory.LazyFunction(
        lambda: [LegalForm.THIRD_SECTOR.value, LegalForm.PUBLIC_BODY.value]
    )
    min_grant = Decimal("10000.00")
    max_grant = Decimal("200000.00")
    status = CallStatus.PUBLISHED
    published_at = factory.SelfAttribute("opens_at")


class CallPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallPhase

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"fase-{n}")
    title = "Idea progettuale"
    opens_at = factory.SelfAttribute("call.opens_at")
    closes_at = factory.SelfAttribute("call.closes_at")


class CallReserveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallReserve

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"linea-{n}")
    label = factory.Sequence(lambda n: f"Linea {n}")
    kind = ReserveKind.APPLICANT_TYPE
    legal_forms = factory.LazyFunction(lambda: [LegalForm.SOCIAL_COOPERATIVE.value])
    amount = Decimal("100000.00")


class CostCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostCategory

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"voce-{n}")
    title = factory.Sequence(lambda n: f"Voce di spesa {n}")
    cost_option = CostOption.REAL_COSTS


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    title = factory.Sequence(lambda n: f"Criterio {n}")
    max_points = Decimal("20")


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    call = factory.SubFactory(CallFactory)
    code = factory.Sequence(lambda n: f"documento-{n}")
    title = factory.Sequence(lambda n: f"Documento {n}")
    allowed_types = factory.LazyFunction(lambda: ["application/pdf"])

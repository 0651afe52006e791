"""Reads behind the public funded-projects pages, the grants publication and the open data.

Only funded projects are public: accepted (the atto di adesione signed) and not renounced. A beneficiary or
partner that is a natural person (a sole trader: a 16-character codice fiscale) is never named: D.Lgs.
33/2013 art. 26 c. 4 forbids publishing what could reveal a person's health or social hardship, and the
platform cannot tell which grants would, so no natural person is ever identified.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Length
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.core.money import ZERO, percent_of, round_money
from grants.finance.models import Payment
from grants.finance.states import PaymentStatus
from grants.programme.models import CallMode
from grants.projects.models import Project, ProjectPartner
from grants.registry.validators import PERSON_CODE_LENGTH
from grants.territory.models import Municipality

from .models import MeasurePublication
from .states import PUBLIC_PROJECT_STATUSES

NATURAL_PERSON_LABEL = gettext_lazy("persona fisica – dati non pubblicabili")
PAGE_SIZE = 20


def is_natural_person_code(fiscal_code: str) -> bool:
    """A 16-character codice fiscale belongs to a person (a body's is 11 digits)."""
    code = (fiscal_code or "").strip()
    return len(code) == PERSON_CODE_LENGTH and not code.isdigit()


def _paid_subquery():
    return Subquery(
        Payment.objects.filter(project=OuterRef("pk"), status=PaymentStatus.PAID)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def public_projects() -> QuerySet[Project]:
    """Every public project with what its pages and files show: call, measure, fund, beneficiary, the paid
    total (``paid_total``) and whether the beneficiary is a natural person (``beneficiary_code_length``)."""
    return (
        Project.objects.filter(status__in=PUBLIC_PROJECT_STATUSES, accepted_at__isnull=False)
        .select_related(
            "call__measure__fund",
            "call__measure__programme",
            "call__measure__publication",
            "beneficiary__seat__province",
            "application",
        )
        .annotate(
            paid_total=Coalesce(_paid_subquery(), Value(ZERO), output_field=DecimalField(max_digits=14)),
            beneficiary_code_length=Length("beneficiary__fiscal_code"),
        )
    )


def with_locations(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Prefetch the comuni of intervention (with their province) for pages and exports."""
    return queryset.prefetch_related(
        Prefetch(
            "application__municipalities",
            queryset=Municipality.objects.select_related("province").order_by("istat_code"),
        )
    )


@dataclass(frozen=True)
class ProjectFilters:
    query: str = ""
    measure: str = ""
    province: str = ""  # ISTAT code of the province
    municipality: str = ""  # ISTAT code of the comune
    legal_form: str = ""


def filter_projects(queryset: QuerySet[Project], filters: ProjectFilters) -> QuerySet[Project]:
    """Search (title, summary, CUP, beneficiary name: never a natural person's) and filters. A project is in
    a province or comune when it intervenes there, or, without a declared territory, when its beneficiary
    has its seat there."""
    if filters.query:
        text = filters.query.strip()
        named = Q(beneficiary__name__icontains=text) & ~Q(beneficiary_code_length=PERSON_CODE_LENGTH)
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(cup__iexact=text) | named
        )
    if filters.measure:
        queryset = queryset.filter(call__measure__code=filters.measure)
    if filters.legal_form:
        queryset = queryset.filter(beneficiary__legal_form=filters.legal_form)
    if filters.municipality:
        inside = Project.objects.filter(
            Q(application__municipalities__istat_code=filters.municipality)
            | Q(beneficiary__seat__istat_code=filters.municipality, application__municipalities__isnull=True)
        )
        queryset = queryset.filter(pk__in=inside.values("pk"))
    if filters.province:
        inside = Project.objects.filter(
            Q(application__municipalities__province__istat_code=filters.province)
            | Q(application__provinces__istat_code=filters.province)
            | Q(
                beneficiary__seat__province__istat_code=filters.province,
                application__municipalities__isnull=True,
                application__provinces__isnull=True,
            )
        )
        queryset = queryset.filter(pk__in=inside.values("pk"))
    return queryset


def public_project(pk: int) -> Project:
    """A public project or 404 (a project not yet accepted, or renounced, does not exist for the public)."""
    queryset = with_locations(public_projects()).prefetch_related(
        Prefetch(
            "partners",
            queryset=ProjectPartner.objects.filter(withdrawn_on__isnull=True).select_related("organisation"),
            to_attr="public_partners",
        )
    )
    return get_object_or_404(queryset, pk=pk)


# --- what each field shows -------------------------------------------------------------------------------
def beneficiary_is_natural_person(project: Project) -> bool:
    return is_natural_person_code(project.beneficiary.fiscal_code)


def beneficiary_name(project: Project) -> str:
    return str(NATURAL_PERSON_LABEL) if beneficiary_is_natural_person(project) else project.beneficiary.name


def beneficiary_fiscal_code(project: Project) -> str:
    """The tax code of a legal person (published by law); nothing for a natural person."""
    return "" if beneficiary_is_natural_person(project) else project.beneficiary.fiscal_code


def partner_name(partner: ProjectPartner) -> str:
    if partner.organisation is not None and is_natural_person_code(partner.organisation.fiscal_code):
        return str(NATURAL_PERSON_LABEL)
    return partner.name


def summary_of(project: Project) -> str:
    return project.summary or project.application.abstract or ""


def municipalities_of(project: Project) -> list[Municipality]:
    """The comuni of intervention; without any, the beneficiary's seat (a natural person's seat is not a
    place of intervention and is not shown)."""
    declared = list(project.application.municipalities.all())
    if declared:
        return declared
    if beneficiary_is_natural_person(project):
        return []
    return [project.beneficiary.seat]


def start_date(project: Project) -> date:
    return project.actual_start_date or project.planned_start_date


def end_date(project: Project) -> date:
    return project.actual_end_date or project.planned_end_date


@dataclass(frozen=True)
class Financing:
    """The project's money by source, as OpenCoesione publishes it. The public grant is split by the fund's
    shares (EU, State, Region); the Region takes the rounding so the three add up to the grant."""

    eu: Decimal
    state: Decimal
    region: Decimal
    private: Decimal
    public_total: Decimal
    commitments: Decimal
    payments: Decimal
    eu_rate: Decimal


def financing(project: Project) -> Financing:
    return financing_of(
        grant=project.grant,
        cofinancing=project.cofinancing,
        paid=getattr(project, "paid_total", None),
        fund=project.call.measure.fund,
    )


def financing_of(*, grant: Decimal, cofinancing: Decimal, paid: Decimal | None, fund) -> Financing:
    """The same from plain values (the open-data export reads values, not model instances)."""
    grant = round_money(grant)
    eu = percent_of(grant, fund.eu_share)
    state = percent_of(grant, fund.national_share)
    return Financing(
        eu=eu,
        state=state,
        region=grant - eu - state,
        private=round_money(cofinancing),
        public_total=grant,
        commitments=grant,
        payments=round_money(paid or ZERO),
        eu_rate=fund.eu_share,
    )


def paid_payments(project: Project) -> QuerySet[Payment]:
    """The payments made to the project (amount, kind, date): what the public sees of the finance."""
    return Payment.objects.filter(project=project, status=PaymentStatus.PAID).order_by("paid_on", "pk")


def procedure_label(project: Project) -> str:
    return procedure_label_of(project.call)


def procedure_label_of(call) -> str:
    if call.mode == CallMode.FIRST_COME:
        return _("Avviso pubblico a sportello (ordine di presentazione)")
    return _("Avviso pubblico con procedura valutativa a graduatoria")


def publication_of(project: Project):
    """The measure's publication data (category of intervention, office, official), or None."""
    try:
        return project.call.measure.publication
    except MeasurePublication.DoesNotExist:
        return None


def public_totals(queryset: QuerySet[Project]) -> dict:
    """How many projects and how much was granted and paid (the list's headline)."""
    totals = queryset.aggregate(count=Count("pk"), granted=Sum("grant"))
    paid = Payment.objects.filter(project__in=queryset.values("pk"), status=PaymentStatus.PAID).aggregate(
        total=Sum("amount")
    )["total"]
    return {
        "count": totals["count"] or 0,
        "granted": round_money(totals["granted"] or ZERO),
        "paid": round_money(paid or ZERO),
    }

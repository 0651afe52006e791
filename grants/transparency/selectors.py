"""Reads behind the public pages: one tuned query set per page, never a draft call, no N+1."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Sum

from grants.core.money import ZERO
from grants.core.timeutils import now
from grants.core.vocabulary import CompanySize, LegalForm
from grants.programme.models import (
    Call,
    CallMode,
    CallStatus,
    Criterion,
    Fund,
    Measure,
    Programme,
)


class PublicCallFilter:
    """Values of the 'stato' filter of the public call list."""

    OPEN = "aperti"
    UPCOMING = "prossimi"
    CLOSED = "chiusi"
    ALL = "tutti"
    VALUES = (OPEN, UPCOMING, CLOSED, ALL)


def default_programme() -> Programme | None:
    """The programme the site presents: settings.DEFAULT_PROGRAMME_CODE, else the first one."""
    programmes = Programme.objects.select_related("region")
    return (
        programmes.filter(code=settings.DEFAULT_PROGRAMME_CODE).first() or programmes.order_by("code").first()
    )


def public_calls(programme: Programme | None = None) -> QuerySet[Call]:
    """Every call the public may see (never drafts), with measure and fund loaded."""
    calls = Call.objects.exclude(status=CallStatus.DRAFT).select_related(
        "measure__fund", "measure__programme"
    )
    if programme is not None:
        calls = calls.filter(measure__programme=programme)
    return calls


def _open_q(moment) -> Q:
    return Q(status=CallStatus.PUBLISHED, opens_at__lte=moment, closes_at__gt=moment)


def filter_calls(
    calls: QuerySet[Call],
    *,
    state: str = PublicCallFilter.ALL,
    measure_code: str = "",
    mode: str = "",
    moment=None,
) -> QuerySet[Call]:
    """Narrow public calls by phase (open / upcoming / closed, from the clock), measure and mode."""
    moment = moment or now()
    if state == PublicCallFilter.OPEN:
        calls = calls.filter(_open_q(moment))
    elif state == PublicCallFilter.UPCOMING:
        calls = calls.filter(status=CallStatus.PUBLISHED, opens_at__gt=moment)
    elif state == PublicCallFilter.CLOSED:
        calls = calls.filter(
            Q(status=CallStatus.PUBLISHED, closes_at__lte=moment)
            | Q(status__in=[CallStatus.RANKING_APPROVED, CallStatus.ARCHIVED])
        )
    if measure_code:
        calls = calls.filter(measure__code=measure_code)
    if mode in CallMode.values:
        calls = calls.filter(mode=mode)
    return calls


def open_calls(programme: Programme, moment=None) -> QuerySet[Call]:
    return public_calls(programme).filter(_open_q(moment or now())).order_by("closes_at", "code")


@dataclass
class ProgrammeOverview:
    programme: Programme
    funds: list[Fund]
    measures: list[Measure]
    total_budget: Decimal
    open_calls: list[Call]
    open_measure_ids: set[int] = field(default_factory=set)


def programme_overview(programme: Programme) -> ProgrammeOverview:
    """Funds, measures (with their fund and public calls) and the total budget of a programme."""
    measures = list(
        Measure.objects.filter(programme=programme)
        .select_related("fund")
        .prefetch_related(
            Prefetch("calls", queryset=Call.objects.exclude(status=CallStatus.DRAFT).order_by("opens_at"))
        )
    )
    total = Measure.objects.filter(programme=programme).aggregate(total=Sum("budget"))["total"] or ZERO
    calls_open = list(open_calls(programme))
    return ProgrammeOverview(
        programme=programme,
        funds=list(Fund.objects.filter(programme=programme)),
        measures=measures,
        total_budget=total,
        open_calls=calls_open,
        open_measure_ids={call.measure_id for call in calls_open},
    )


def programme_measures(programme: Programme) -> list[Measure]:
    return list(Measure.objects.filter(programme=programme).only("id", "code", "title", "title_en", "order"))


def measure_detail(programme: Programme, code: str) -> Measure | None:
    """A measure of the programme with its fund, timeline phases and public calls."""
    return (
        Measure.objects.filter(programme=programme, code=code)
        .select_related("fund", "programme")
        .prefetch_related(
            "phases",
            Prefetch("calls", queryset=Call.objects.exclude(status=CallStatus.DRAFT).order_by("opens_at")),
        )
        .first()
    )


@dataclass
class CriterionNode:
    criterion: Criterion
    children: list["CriterionNode"] = field(default_factory=list)


def criteria_tree(criteria: list[Criterion]) -> list[CriterionNode]:
    """Arrange a call's criteria (already loaded, in display order) as a tree of macro and sub-criteria."""
    nodes = {criterion.pk: CriterionNode(criterion) for criterion in criteria}
    roots: list[CriterionNode] = []
    for criterion in criteria:
        node = nodes[criterion.pk]
        parent = nodes.get(criterion.parent_id) if criterion.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def call_detail(code: str) -> Call | None:
    """A public call with everything its page shows, loaded in a fixed number of queries."""
    return (
        public_calls()
        .filter(code=code)
        .prefetch_related(
            "phases",
            "reserves__province",
            "reserves__district",
            "cost_categories",
            "criteria",
            "required_documents",
        )
        .first()
    )


def legal_form_labels(values: list[str]) -> list[str]:
    """Labels of LegalForm values (a value no longer in the vocabulary is shown as stored)."""
    labels = dict(LegalForm.choices)
    return [str(labels.get(value, value)) for value in values]


def company_size_labels(values: list[str]) -> list[str]:
    labels = dict(CompanySize.choices)
    return [str(labels.get(value, value)) for value in values]


def tie_break_labels(rules: list) -> list[str]:
    """Tie-break rules as sentences: stored as strings or as objects with a label/description."""
    labels = []
    for rule in rules or []:
        if isinstance(rule, dict):
            text = rule.get("label") or rule.get("description") or rule.get("title") or rule.get("code")
            labels.append(str(text or rule))
        else:
            labels.append(str(rule))
    return labels

"""Every read of programmes, measures and calls: querysets tuned for the pages and the API (no N+1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, CharField, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404

from grants.core.money import ZERO
from grants.core.timeutils import now

from .models import (
    Call,
    CallPhaseStatus,
    CallStatus,
    Criterion,
    Fund,
    Measure,
    Programme,
)
from .permissions import visible_calls

PHASE_STATUSES = tuple(CallPhaseStatus.values)


def with_phase_status(queryset: QuerySet[Call], moment: datetime | None = None) -> QuerySet[Call]:
    """Annotate ``phase`` (what a visitor sees: upcoming, open, closed...) computed in the query."""
    moment = moment or now()
    published = Q(status=CallStatus.PUBLISHED)
    return queryset.annotate(
        phase=Case(
            When(published & Q(opens_at__gt=moment), then=Value(CallPhaseStatus.UPCOMING.value)),
            When(published & Q(closes_at__gt=moment), then=Value(CallPhaseStatus.OPEN.value)),
            When(published, then=Value(CallPhaseStatus.CLOSED.value)),
            default="status",
            output_field=CharField(),
        )
    )


def filter_by_phase_status(
    queryset: QuerySet[Call], status: str, moment: datetime | None = None
) -> QuerySet[Call]:
    moment = moment or now()
    published = Q(status=CallStatus.PUBLISHED)
    conditions = {
        CallPhaseStatus.UPCOMING: published & Q(opens_at__gt=moment),
        CallPhaseStatus.OPEN: published & Q(opens_at__lte=moment, closes_at__gt=moment),
        CallPhaseStatus.CLOSED: published & Q(closes_at__lte=moment),
        CallPhaseStatus.DRAFT: Q(status=CallStatus.DRAFT),
        CallPhaseStatus.RANKING_APPROVED: Q(status=CallStatus.RANKING_APPROVED),
        CallPhaseStatus.ARCHIVED: Q(status=CallStatus.ARCHIVED),
    }
    if status not in conditions:
        raise ValueError(f"Unknown call status: {status}")
    return queryset.filter(conditions[status])


# --- programmes -------------------------------------------------------------------------------------------


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("region").annotate(
        budget_total=Sum("measures__budget", default=ZERO)
    )


def get_programme(code: str | None = None) -> Programme:
    code = code or settings.DEFAULT_PROGRAMME_CODE
    try:
        return programme_list().get(code=code)
    except Programme.DoesNotExist:
        raise Http404(f"Programme {code} not found") from None


@dataclass
class ProgrammeOverview:
    programme: Programme
    funds: list[Fund]
    measures: list[Measure]  # annotated: call_count (calls the user may see), open_call_count
    total_budget: Decimal
    budget_by_fund: dict[str, Decimal] = field(default_factory=dict)


def programme_overview(
    code: str | None = None, *, user=None, moment: datetime | None = None
) -> ProgrammeOverview:
    """A programme with its funds and measures (budgets and call counts); total = sum of measure budgets."""
    programme = get_programme(code)
    moment = moment or now()
    visible = visible_calls(user)
    measures = list(
        measure_list(programme=programme.code)
        .annotate(
            call_count=Count("calls", filter=Q(calls__in=visible), distinct=True),
            open_call_count=Count(
                "calls",
                filter=Q(
                    calls__status=CallStatus.PUBLISHED,
                    calls__opens_at__lte=moment,
                    calls__closes_at__gt=moment,
                ),
                distinct=True,
            ),
        )
        .prefetch_related("phases")
    )
    funds = list(programme.funds.all())
    budget_by_fund: dict[str, Decimal] = {fund.code: ZERO for fund in funds}
    for measure in measures:
        budget_by_fund[measure.fund.code] = budget_by_fund.get(measure.fund.code, ZERO) + measure.budget
    total = sum((m.budget for m in measures), ZERO)
    return ProgrammeOverview(
        programme=programme, funds=funds, measures=measures, total_budget=total, budget_by_fund=budget_by_fund
    )


# --- funds and measures -----------------------------------------------------------------------------------


def fund_list(*, programme: str | None = None) -> QuerySet[Fund]:
    queryset = Fund.objects.select_related("programme").order_by("programme__code", "code")
    if programme:
        queryset = queryset.filter(programme__code=programme)
    return queryset


def measure_list(*, programme: str | None = None, fund: str | None = None) -> QuerySet[Measure]:
    queryset = Measure.objects.select_related("programme", "fund").order_by(
        "programme__code", "order", "code"
    )
    if programme:
        queryset = queryset.filter(programme__code=programme)
    if fund:
        queryset = queryset.filter(fund__code=fund)
    return queryset


def measure_detail(code: str, *, programme: str | None = None, user=None) -> Measure:
    """A measure with its timeline phases and the calls the user may see (``public_calls``)."""
    programme = programme or settings.DEFAULT_PROGRAMME_CODE
    calls = with_phase_status(visible_calls(user).order_by("-opens_at", "code"))
    try:
        return (
            measure_list(programme=programme)
            .prefetch_related("phases", Prefetch("calls", queryset=calls, to_attr="public_calls"))
            .get(code=code)
        )
    except Measure.DoesNotExist:
        raise Http404(f"Measure {code} not found") from None


# --- calls ------------------------------------------------------------------------------------------------


def call_list(
    *,
    user=None,
    programme: str | None = None,
    measure: str | None = None,
    mode: str | None = None,
    status: str | None = None,
    moment: datetime | None = None,
) -> QuerySet[Call]:
    """Calls the user may see, newest first (stable: ties broken by the unique code), with ``phase``."""
    moment = moment or now()
    queryset = visible_calls(user).select_related("measure__programme", "measure__fund")
    if programme:
        queryset = queryset.filter(measure__programme__code=programme)
    if measure:
        queryset = queryset.filter(measure__code=measure)
    if mode:
        queryset = queryset.filter(mode=mode)
    if status:
        queryset = filter_by_phase_status(queryset, status, moment)
    return with_phase_status(queryset, moment).order_by("-opens_at", "code")


def call_detail(code: str, *, user=None, moment: datetime | None = None) -> Call:
    """A call with every rule prefetched: phases, reserves (with territory), cost categories, criteria tree,
    required documents. ``call.criteria_tree`` holds the root criteria with ``.subcriteria`` lists."""
    queryset = with_phase_status(visible_calls(user), moment).select_related(
        "measure__programme__region", "measure__fund"
    )
    queryset = queryset.prefetch_related(
        "phases",
        "reserves__province",
        "reserves__district",
        "cost_categories",
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code")),
        "required_documents",
    )
    try:
        call = queryset.get(code=code)
    except Call.DoesNotExist:
        raise Http404(f"Call {code} not found") from None
    call.criteria_tree = criteria_tree(call.criteria.all())
    return call


def criteria_tree(criteria) -> list[Criterion]:
    """Arrange fetched criteria as a tree: roots in order, each with ``subcriteria`` (recursively)."""
    criteria = list(criteria)
    by_parent: dict[int | None, list[Criterion]] = {}
    for criterion in criteria:
        by_parent.setdefault(criterion.parent_id, []).append(criterion)
    for criterion in criteria:
        criterion.subcriteria = by_parent.get(criterion.pk, [])
    return by_parent.get(None, [])


def criteria_total(tree: list[Criterion]) -> Decimal:
    return sum((c.max_points for c in tree), Decimal(0))

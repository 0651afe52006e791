"""Every read of programmes, measures and calls: querysets tuned for the pages and the API (no N+1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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
    CallPhase,
    CallPhaseStatus,
    CallStaff,
    CallStatus,
    Criterion,
    Fund,
    Measure,
    Programme,
)
from .permissions import visible_calls

PHASE_STATUSES = tuple(CallPhaseStatus.values)
# A call a visitor can no longer apply to: closed by the clock, ranked, or archived.
ENDED_PHASE_STATUSES = (CallPhaseStatus.CLOSED, CallPhaseStatus.RANKING_APPROVED, CallPhaseStatus.ARCHIVED)


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
    queryset: QuerySet[Call], status: str | Iterable[str], moment: datetime | None = None
) -> QuerySet[Call]:
    """Keep the calls whose phase (see ``with_phase_status``) is ``status``, or any of several statuses."""
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
    statuses = [status] if isinstance(status, str) else list(status)
    condition = Q(pk__in=[])
    for one in statuses:
        if one not in conditions:
            raise ValueError(f"Unknown call status: {one}")
        condition |= conditions[one]
    return queryset.filter(condition)


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


def default_programme() -> Programme | None:
    """The programme the public site presents: settings.DEFAULT_PROGRAMME_CODE, else the first by code."""
    programmes = programme_list()
    return (
        programmes.filter(code=settings.DEFAULT_PROGRAMME_CODE).first() or programmes.order_by("code").first()
    )


@dataclass
class ProgrammeOverview:
    programme: Programme
    funds: list[Fund]
    measures: list[Measure]  # annotated: call_count (calls the user may see), open_call_count
    total_budget: Decimal
    budget_by_fund: dict[str, Decimal] = field(default_factory=dict)
    open_calls: list[Call] = field(default_factory=list)  # open now, the first to close first

    @property
    def open_measure_ids(self) -> set[int]:
        return {call.measure_id for call in self.open_calls}


def programme_overview(
    code: str | None = None, *, user=None, moment: datetime | None = None
) -> ProgrammeOverview:
    """A programme with its funds and measures (budgets and call counts), total = sum of measure budgets,
    and the calls open at ``moment``."""
    programme = get_programme(code)
    moment = moment or now()
    open_calls = list(
        call_list(user=user, programme=programme.code, status=CallPhaseStatus.OPEN, moment=moment).order_by(
            "closes_at", "code"
        )
    )
    open_by_measure = Counter(call.measure_id for call in open_calls)
    measures = list(
        measure_list(programme=programme.code)
        .annotate(call_count=Count("calls", filter=Q(calls__in=visible_calls(user)), distinct=True))
        .prefetch_related("phases")
    )
    for measure in measures:
        measure.open_call_count = open_by_measure[measure.pk]
    funds = list(programme.funds.all())
    budget_by_fund: dict[str, Decimal] = {fund.code: ZERO for fund in funds}
    for measure in measures:
        budget_by_fund[measure.fund.code] = budget_by_fund.get(measure.fund.code, ZERO) + measure.budget
    total = sum((m.budget for m in measures), ZERO)
    return ProgrammeOverview(
        programme=programme,
        funds=funds,
        measures=measures,
        total_budget=total,
        budget_by_fund=budget_by_fund,
        open_calls=open_calls,
    )


def open_calls(*, user=None, moment: datetime | None = None) -> QuerySet[Call]:
    """The calls open at ``moment`` in every programme, the first to close first (the public home page)."""
    return call_list(user=user, status=CallPhaseStatus.OPEN, moment=moment).order_by("closes_at", "code")


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
    status: str | Iterable[str] | None = None,
    moment: datetime | None = None,
) -> QuerySet[Call]:
    """Calls the user may see, newest first (stable: ties broken by the unique code), with ``phase``.
    ``status``: one phase status or several (any of them); none or empty keeps every phase."""
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
        "project_phases",
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


def public_call(code: str, *, user=None) -> Call:
    """A call visible to ``user`` with its measure, programme and fund, without its rules (pages that only
    name it: the public ranking)."""
    queryset = visible_calls(user).select_related("measure__programme", "measure__fund")
    try:
        return queryset.get(code=code)
    except Call.DoesNotExist:
        raise Http404(f"Call {code} not found") from None


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
    """The points a proposal can score on the root criteria; bonus criteria (premiali) come on top."""
    return sum((c.max_points for c in tree if not c.is_bonus), Decimal(0))


# --- the staff of each call -------------------------------------------------------------------------------
def call_staff(call: Call) -> QuerySet[CallStaff]:
    """The call's RUP and officers, the RUP first, each with their user."""
    return (
        CallStaff.objects.filter(call=call)
        .select_related("user", "assigned_by")
        .order_by("-role", "user__last_name", "user__first_name", "user__email")
    )


def assignable_staff():
    """Who may work on a call: the Region's active staff, by name."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("last_name", "first_name", "email")
    )


def timetable(moment: datetime | None = None) -> list[float]:
    """The times still to come (epoch seconds) at which a published call or one of its phases opens or
    closes: what the public pages show changes then without any write (grants/core/page_cache.py)."""
    moment = moment or now()
    ahead = Q(opens_at__gt=moment) | Q(closes_at__gt=moment)
    published = Call.objects.exclude(status=CallStatus.DRAFT)
    times = set()
    for opens_at, closes_at in published.filter(ahead).values_list("opens_at", "closes_at"):
        times.update((opens_at, closes_at))
    phases = CallPhase.objects.filter(ahead, call__in=published).values_list("opens_at", "closes_at")
    for opens_at, closes_at in phases:
        times.update((opens_at, closes_at))
    return sorted(value.timestamp() for value in times if value is not None and value > moment)

"""Reads of the indicators: which indicators a project has, their actual values and their targets.

Public functions (the transparency context reads them too; it must pass ``include_sensitive=False``):

- ``applicable_indicators(project)``: the active indicators of the project's measure and fund, in order;
- ``computed_values(project, indicators, as_of=None)``: {indicator id: Breakdown} computed now from the
  participants (each person once per project, entered by ``as_of``) and the partnership;
- ``indicator_totals(projects, *, calls=None, include_sensitive)``: one ``IndicatorRow`` per indicator over a
  set of projects: the actual value (participants and partnership computed live; reported values from each
  project's latest approved monitoring report), the call targets of ``calls`` and the project targets;
- ``project_indicator_rows(project, *, include_sensitive)``: the same for one project, with the value of
  its latest submitted or approved report;
- ``visible_participants(user, project)`` and ``latest_reports`` for the pages.

A participant is counted once per project (the keyed hash of the codice fiscale is unique in a project): the
same person reached by two projects counts in each, as the ESF counts participants per operation.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from grants.projects.models import Project, ProjectPartner

from . import permissions, rules
from .models import (
    CallIndicatorTarget,
    Indicator,
    IndicatorActual,
    MonitoringReport,
    Participant,
    ParticipantImport,
    ProjectIndicatorTarget,
)
from .states import ReportStatus, Sex

ZERO = Decimal("0")


@dataclass(frozen=True)
class Breakdown:
    """An actual value; participant indicators carry the split by sex, whose parts add up to the total."""

    total: Decimal
    women: int | None = None
    men: int | None = None
    non_binary: int | None = None

    @classmethod
    def by_sex(cls, women: int, men: int, non_binary: int) -> "Breakdown":
        return cls(Decimal(women + men + non_binary), women, men, non_binary)


@dataclass
class IndicatorRow:
    indicator: Indicator
    actual: Breakdown
    call_target: Decimal | None = None
    project_target: Decimal | None = None
    extra: dict = field(default_factory=dict)

    @property
    def target(self) -> Decimal | None:
        """The target the actual is compared with: the call's when set, else the sum of the projects'."""
        return self.call_target if self.call_target is not None else self.project_target

    @property
    def percent_of_target(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.actual.total * 100 / self.target).quantize(Decimal("0.1"))


def applicable_indicators(project: Project) -> list[Indicator]:
    measure = project.call.measure
    candidates = Indicator.objects.filter(is_active=True).filter(Q(measure__isnull=True) | Q(measure=measure))
    return [i for i in candidates.select_related("measure") if i.applies_to(measure)]


def indicators_for_measures(measures) -> list[Indicator]:
    measures = list(measures)
    candidates = Indicator.objects.filter(is_active=True).filter(
        Q(measure__isnull=True) | Q(measure__in=[m.pk for m in measures])
    )
    return [i for i in candidates if any(i.applies_to(m) for m in measures)]


def _sex_aggregates(indicators: list[Indicator]) -> dict[str, Count]:
    aggregates = {}
    for indicator in indicators:
        condition = rules.participant_filter(indicator.rule)
        for sex in Sex:
            aggregates[f"i{indicator.pk}_{sex.value}"] = Count("pk", filter=condition & Q(sex=sex.value))
    return aggregates


def participant_breakdowns(
    participants: QuerySet[Participant], indicators: list[Indicator]
) -> dict[int, Breakdown]:
    """One query: for every participant indicator, the count by sex over ``participants``."""
    indicators = [i for i in indicators if rules.is_participant_rule(i.rule)]
    if not indicators:
        return {}
    counts = participants.aggregate(**_sex_aggregates(indicators))
    return {
        i.pk: Breakdown.by_sex(counts[f"i{i.pk}_F"], counts[f"i{i.pk}_M"], counts[f"i{i.pk}_X"])
        for i in indicators
    }


def _partners_by_project(project_ids) -> dict[int, list[tuple[str, str]]]:
    partners = defaultdict(list)
    rows = (
        ProjectPartner.objects.filter(project_id__in=project_ids, withdrawn_on__isnull=True)
        .order_by("project_id", "-role", "order", "pk")  # "partner" > "lead": the lead first
        .values_list("project_id", "role", "organisation__legal_form", "organisation__company_size")
    )
    for project_id, role, form, size in rows:
        entry = (form or "", size or "")
        if role == "lead":
            partners[project_id].insert(0, entry)
        else:
            partners[project_id].append(entry)
    return partners


def entity_values(project_ids, indicators: list[Indicator]) -> dict[int, Breakdown]:
    indicators = [i for i in indicators if rules.is_entity_rule(i.rule)]
    if not indicators:
        return {}
    partners = _partners_by_project(project_ids)
    return {
        i.pk: Breakdown(Decimal(sum(rules.entity_value(i.rule, p) for p in partners.values())))
        for i in indicators
    }


def computed_values(
    project: Project, indicators: list[Indicator], *, as_of: date | None = None
) -> dict[int, Breakdown]:
    participants = Participant.objects.filter(project=project)
    if as_of is not None:
        participants = participants.filter(entry_date__lte=as_of)
    values = participant_breakdowns(participants, indicators)
    values.update(entity_values([project.pk], indicators))
    return values


def _latest_report_ids(project_ids, statuses) -> list[int]:
    latest = {}
    for report_id, project_id in (
        MonitoringReport.objects.filter(project_id__in=project_ids, status__in=statuses)
        .order_by("project_id", "number")
        .values_list("pk", "project_id")
    ):
        latest[project_id] = report_id
    return list(latest.values())


def reported_values(
    project_ids, indicators: list[Indicator], *, statuses=(ReportStatus.APPROVED,)
) -> dict[int, Breakdown]:
    """The sum over the projects of each reported indicator's value in the project's latest report."""
    indicators = [i for i in indicators if i.rule == rules.REPORTED]
    if not indicators:
        return {}
    sums = dict(
        IndicatorActual.objects.filter(
            report_id__in=_latest_report_ids(project_ids, statuses), indicator__in=indicators
        )
        .values_list("indicator_id")
        .annotate(total=Sum("value"))
        .values_list("indicator_id", "total")
    )
    return {i.pk: Breakdown(sums.get(i.pk) or ZERO) for i in indicators}


def indicator_totals(
    projects: QuerySet[Project], *, calls=None, measures=None, include_sensitive: bool
) -> list[IndicatorRow]:
    """Actual vs targets for every indicator of ``measures`` (default: the projects' measures). The projects
    enter every query as a subquery: a dashboard over thousands of projects never sends their ids."""
    project_ids = projects.order_by().values("pk")
    if measures is None:
        from grants.programme.models import Measure

        measures = (
            Measure.objects.filter(calls__projects__pk__in=project_ids).distinct().select_related("fund")
        )
    indicators = indicators_for_measures(measures)
    if not include_sensitive:
        indicators = [i for i in indicators if not i.is_sensitive]
    actual = participant_breakdowns(Participant.objects.filter(project_id__in=project_ids), indicators)
    actual.update(entity_values(project_ids, indicators))
    actual.update(reported_values(project_ids, indicators))
    call_targets = {}
    if calls is not None:
        call_targets = dict(
            CallIndicatorTarget.objects.filter(call__in=calls)
            .values_list("indicator_id")
            .annotate(total=Sum("target"))
            .values_list("indicator_id", "total")
        )
    project_targets = dict(
        ProjectIndicatorTarget.objects.filter(project_id__in=project_ids)
        .values_list("indicator_id")
        .annotate(total=Sum("target"))
        .values_list("indicator_id", "total")
    )
    return [
        IndicatorRow(
            indicator=i,
            actual=actual.get(i.pk, Breakdown(ZERO)),
            call_target=call_targets.get(i.pk),
            project_target=project_targets.get(i.pk),
        )
        for i in indicators
    ]


def project_indicator_rows(project: Project, *, include_sensitive: bool) -> list[IndicatorRow]:
    """The project's indicators: computed now, its target, and the value of its latest sent report."""
    indicators = applicable_indicators(project)
    if not include_sensitive:
        indicators = [i for i in indicators if not i.is_sensitive]
    actual = computed_values(project, indicators)
    actual.update(
        reported_values([project.pk], indicators, statuses=(ReportStatus.SUBMITTED, ReportStatus.APPROVED))
    )
    targets = dict(
        ProjectIndicatorTarget.objects.filter(project=project).values_list("indicator_id", "target")
    )
    return [
        IndicatorRow(indicator=i, actual=actual.get(i.pk, Breakdown(ZERO)), project_target=targets.get(i.pk))
        for i in indicators
    ]


def call_targets(call) -> dict[int, Decimal]:
    return dict(CallIndicatorTarget.objects.filter(call=call).values_list("indicator_id", "target"))


# --- pages ------------------------------------------------------------------------------------------------
def visible_participants(user, project: Project) -> QuerySet[Participant]:
    """The project's participants for ``user`` (the caller checked can_read_monitoring); the sensitive
    categories are deferred unless the user may see them (and the template shows them only then)."""
    participants = Participant.objects.filter(project=project).order_by("entry_date", "pk")
    if not permissions.can_view_sensitive(user):
        participants = participants.defer(
            "is_migrant", "is_minority", "has_disability", "is_other_disadvantaged", "is_homeless"
        )
    return participants


def project_imports(project: Project) -> QuerySet[ParticipantImport]:
    return ParticipantImport.objects.filter(project=project).order_by("-created_at")[:10]


def project_reports(project: Project) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(project=project).order_by("-number")


def report_actuals(report: MonitoringReport, *, include_sensitive: bool) -> list[IndicatorActual]:
    actuals = report.actuals.select_related("indicator")
    if not include_sensitive:
        actuals = actuals.filter(indicator__is_sensitive=False)
    return list(actuals)

"""Two-phase calls (FSE1): the project ideas are ranked first (the preliminary ranking admits, it funds
nothing); in the second window each admitted applicant presents the executive project, a new application of
the same call linked to its idea (``Application.preliminary``), and the executive projects are ranked again
for the final ranking, which funds.

The windows are the call's first and last phases (``CallPhase`` by order, e.g. "Idea progettuale" and
"Progetto esecutivo").
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from grants.applications.models import Application
from grants.programme.models import Call, CallPhase

from .models import RankingStage


@dataclass(frozen=True)
class Windows:
    ideas: CallPhase
    executive: CallPhase


def windows(call: Call) -> Windows | None:
    """The two windows of a two-phase call, or None (single phase, or phases not configured)."""
    if not call.is_two_phase:
        return None
    phases = list(CallPhase.objects.filter(call=call).order_by("order", "opens_at"))
    if len(phases) < 2:
        return None
    return Windows(ideas=phases[0], executive=phases[-1])


def stages(call: Call) -> list[str]:
    if windows(call) is None:
        return [RankingStage.FINAL]
    return [RankingStage.PRELIMINARY, RankingStage.FINAL]


def ranking_opens_at(call: Call, stage: str) -> datetime:
    """When the ranking of a stage can be computed: after the window it ranks has closed."""
    phases = windows(call)
    if stage == RankingStage.PRELIMINARY and phases is not None:
        return phases.ideas.closes_at
    return call.closes_at


def in_stage(call: Call, stage: str, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """The applications a stage ranks: every application of a single-phase call; in a two-phase call the
    ideas sent in the first window, or the executive projects."""
    queryset = Application.objects.filter(call=call) if queryset is None else queryset.filter(call=call)
    phases = windows(call)
    if phases is None:
        return queryset
    if stage == RankingStage.PRELIMINARY:
        return queryset.filter(preliminary__isnull=True, submitted_at__lt=phases.ideas.closes_at)
    return queryset.filter(preliminary__isnull=False)


def executive_window_open(window: CallPhase, moment: datetime) -> bool:
    """The second window accepts executive projects from its opening to its deadline (excluded)."""
    return window.opens_at <= moment < window.closes_at


def stage_of(application: Application) -> str:
    """The ranking an application belongs to."""
    if application.preliminary_id is None and windows(application.call) is not None:
        return RankingStage.PRELIMINARY
    return RankingStage.FINAL

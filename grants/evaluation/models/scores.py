"""Scores: each evaluator's evaluation and scores per criterion, and the consolidated score."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO
from grants.programme.models import Criterion

from ..states import (
    EvaluationStatus,
)
from .panel import Assignment


# --- scores -------------------------------------------------------------------------------------------------
class Evaluation(TimeStampedModel):
    """One evaluator's scores for one application (or the president's consensus, ``is_consensus``)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evaluations")
    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluation"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("valutatore"), on_delete=models.PROTECT, related_name="+"
    )
    is_consensus = models.BooleanField(_("punteggio di consenso del presidente"), default=False)
    status = FSMField(
        _("stato"),
        max_length=10,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.DRAFT,
        protected=False,
    )
    total = models.DecimalField(_("punteggio"), max_digits=8, decimal_places=2, default=ZERO)
    bonus = models.DecimalField(_("punteggio premiale"), max_digits=8, decimal_places=2, default=ZERO)
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(is_consensus=True), name="evaluation_one_consensus"
            ),
            models.CheckConstraint(
                condition=Q(is_consensus=True) | Q(assignment__isnull=False),
                name="evaluation_has_assignment_unless_consensus",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.total}"

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=EvaluationStatus.DRAFT, target=EvaluationStatus.SUBMITTED)
    def mark_submitted(self):
        """The evaluator sent the evaluation: it can no longer change."""

    @transition(
        field=status,
        source=[EvaluationStatus.DRAFT, EvaluationStatus.SUBMITTED],
        target=EvaluationStatus.SUBMITTED,
    )
    def mark_consensus_set(self):
        """The president set (or set anew, before the ranking's approval) the panel's consensus score."""


class Score(TimeStampedModel):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("punti"), max_digits=6, decimal_places=2)
    justification = models.TextField(_("motivazione"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        ordering = ["evaluation", "criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_points_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


class ScoreMethod(models.TextChoices):
    MEAN = "mean", _("Media delle valutazioni")
    CONSENSUS = "consensus", _("Punteggio di consenso del presidente")


class ConsolidatedScore(TimeStampedModel):
    """The score the ranking uses: the mean of the submitted evaluations, or the president's consensus."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="consolidated")
    method = models.CharField(_("metodo"), max_length=10, choices=ScoreMethod.choices)
    base_score = models.DecimalField(_("punteggio (senza premialità)"), max_digits=8, decimal_places=2)
    bonus_score = models.DecimalField(_("punteggio premiale"), max_digits=8, decimal_places=2, default=ZERO)
    total_score = models.DecimalField(_("punteggio complessivo"), max_digits=8, decimal_places=2)
    criterion_scores = models.JSONField(_("punteggi per criterio"), default=dict)
    meets_thresholds = models.BooleanField(_("supera le soglie"))
    threshold_failures = models.JSONField(_("soglie non raggiunte"), default=list, blank=True)
    disagreement = models.BooleanField(_("scarto tra valutatori oltre la soglia"), default=False)
    spread = models.DecimalField(_("scarto tra valutatori"), max_digits=8, decimal_places=2, default=ZERO)
    evaluation_count = models.PositiveSmallIntegerField(_("valutazioni considerate"), default=0)
    note = models.TextField(_("nota"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("punteggio consolidato")
        verbose_name_plural = _("punteggi consolidati")

    def __str__(self) -> str:
        return f"{self.application}: {self.total_score}"

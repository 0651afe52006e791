"""The ranking (graduatoria) and its entries: allocation of the call's budget and its outcomes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import Call

from ..states import (
    RankingStatus,
)


# --- ranking and allocation ---------------------------------------------------------------------------------
class RankingStage(models.TextChoices):
    """A two-phase call (FSE1) has two rankings: the preliminary one (ideas) admits to the second window,
    the final one (executive projects) funds. Other calls have the final one only."""

    FINAL = "final", _("Graduatoria finale")
    PRELIMINARY = "preliminary", _("Graduatoria delle idee progettuali")


class Ranking(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rankings")
    stage = models.CharField(
        _("fase"), max_length=12, choices=RankingStage.choices, default=RankingStage.FINAL
    )
    status = FSMField(
        _("stato"), max_length=10, choices=RankingStatus.choices, default=RankingStatus.DRAFT, protected=False
    )
    budget = MoneyField(_("dotazione ripartita"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("calcolata da"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("calcolata il"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approvata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approvata il"), null=True, blank=True)
    determination_number = models.CharField(_("numero della determinazione"), max_length=40, blank=True)
    determination_date = models.DateField(_("data della determinazione"), null=True, blank=True)
    ignored_tie_break_rules = models.JSONField(
        _("criteri di parità non applicabili"), default=list, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("graduatoria")
        verbose_name_plural = _("graduatorie")
        permissions = [("approve_ranking", _("Può approvare le graduatorie"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="ranking_approval_has_author",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (~Q(determination_number="") & Q(determination_date__isnull=False)),
                name="ranking_approval_has_determination",
            ),
            models.UniqueConstraint(fields=["call", "stage"], name="ranking_one_per_call_stage"),
        ]

    def __str__(self) -> str:
        return str(_("Graduatoria: %(call)s") % {"call": self.call})

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=RankingStatus.DRAFT, target=RankingStatus.APPROVED)
    def mark_approved(self):
        """Approved by a determination: the outcomes are final (a renunciation only slides it)."""


class EntryOutcome(models.TextChoices):
    FUNDED = "funded", _("Finanziata")
    PARTIALLY_FUNDED = "partially_funded", _("Finanziata parzialmente")
    ELIGIBLE_NOT_FUNDED = "eligible_not_funded", _("Idonea non finanziata")
    NOT_ELIGIBLE = "not_eligible", _("Non idonea")
    RENOUNCED = "renounced", _("Rinuncia")
    ADMITTED = "admitted", _("Ammessa alla seconda fase")


FUNDED_OUTCOMES = frozenset({EntryOutcome.FUNDED, EntryOutcome.PARTIALLY_FUNDED})


class RankingEntry(TimeStampedModel):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="ranking_entry")
    position = models.PositiveIntegerField(_("posizione"), null=True, blank=True)
    score = models.DecimalField(_("punteggio"), max_digits=8, decimal_places=2)
    outcome = models.CharField(_("esito"), max_length=20, choices=EntryOutcome.choices)
    requested = MoneyField(_("contributo richiesto"))
    granted = MoneyField(_("contributo concesso"), default=ZERO)
    # Where the grant comes from: {"": general pool, "<reserve code>": that reserve} -> amount as text; a
    # slide keeps these and adds to them (grants.evaluation.allocation).
    funded_from = models.JSONField(_("fonti del contributo"), default=dict, blank=True)
    reserves = models.JSONField(_("riserve per cui concorre"), default=list, blank=True)
    tie_break_note = models.CharField(_("criterio di parità applicato"), max_length=255, blank=True)

    # A proposal writes one history row per entry (50,000 for a large call, by INSERT … SELECT:
    # grants.evaluation.ranking_entries): the author's id is not re-checked against the users table row by
    # row at commit (about a quarter of a second per 50,000 rows, measured); users are never deleted.
    history = HistoricalRecords(user_db_constraint=False)

    class Meta:
        verbose_name = _("posizione in graduatoria")
        verbose_name_plural = _("posizioni in graduatoria")
        ordering = ["ranking", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "position"], name="ranking_entry_position_unique"),
            models.CheckConstraint(
                condition=Q(granted__gte=0) & Q(granted__lte=models.F("requested")),
                name="ranking_entry_granted_within_requested",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["funded", "partially_funded"]) | Q(granted=0),
                name="ranking_entry_only_funded_get_money",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position or '–'}. {self.application}"

    @property
    def is_funded(self) -> bool:
        return self.outcome in FUNDED_OUTCOMES

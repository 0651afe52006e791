"""Evaluation of the applications submitted to a call: formal check (istruttoria di ammissibilità) with the
request for integrations (soccorso istruttorio), the evaluation panel (nucleo di valutazione) with its
conflict-of-interest declarations and scores, the consolidated score, the ranking (graduatoria) and the
allocation of the call's budget, with slides (scorrimento) after renunciations.

Every state change goes through grants.evaluation.services; the states of these entities are declared in
grants.evaluation.states, their transitions here, and the application's own states in
grants.applications.states.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application, ApplicationPartner
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import Call, Criterion

from .states import (
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    EvaluationStatus,
    IntegrationStatus,
    RankingStatus,
)

DEFAULT_INTEGRATION_DAYS = 10


# --- admissibility ------------------------------------------------------------------------------------------
class AdmissibilityItem(TimeStampedModel):
    """A point of the call's formal checklist, checked by the officer on every application."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="admissibility_items")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("verifica"), max_length=255)
    description = models.TextField(_("descrizione"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce della lista di controllo")
        verbose_name_plural = _("lista di controllo dell'ammissibilità")
        ordering = ["call", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="admissibility_item_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class AdmissibilityOutcome(models.TextChoices):
    PENDING = "pending", _("In istruttoria")
    ADMISSIBLE = "admissible", _("Ammissibile")
    NOT_ADMISSIBLE = "not_admissible", _("Non ammissibile")


class AdmissibilityReview(TimeStampedModel):
    """The formal check of one application: the officer's answers to the checklist and the outcome."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="admissibility_review"
    )
    outcome = models.CharField(
        _("esito"), max_length=20, choices=AdmissibilityOutcome.choices, default=AdmissibilityOutcome.PENDING
    )
    reasons = models.TextField(_("motivazione"), blank=True)
    automatic_violations = models.JSONField(
        _("esito delle verifiche automatiche"), default=list, blank=True, editable=False
    )
    decided_by = models.ForeignKey(  # empty: decided by the platform (integration deadline passed)
        settings.AUTH_USER_MODEL,
        verbose_name=_("deciso da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    # Codes of the call's project-type reserves (linee) the officer recognised the project in: unlike a
    # territory or a kind of applicant, the type of a project is a judgement of the formal check.
    project_lines = models.JSONField(_("linee di progetto riconosciute"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("istruttoria di ammissibilità")
        verbose_name_plural = _("istruttorie di ammissibilità")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_at__isnull=False),
                name="admissibility_decision_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_admissible") | ~Q(reasons=""),
                name="admissibility_refusal_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def audit_organisation(self):
        return self.application.applicant


class AdmissibilityAnswer(TimeStampedModel):
    review = models.ForeignKey(AdmissibilityReview, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(AdmissibilityItem, on_delete=models.PROTECT, related_name="+")
    satisfied = models.BooleanField(_("verificato"), null=True)
    note = models.CharField(_("nota"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verifica di ammissibilità")
        verbose_name_plural = _("verifiche di ammissibilità")
        ordering = ["review", "item__order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="admissibility_answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.satisfied}"


class Notice(TimeStampedModel):
    """A communication to the applicant, kept in the platform (outcome of the formal check, integration
    requests, ranking outcome): the applicant reads it on their pages."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comunicazione al proponente")
        verbose_name_plural = _("comunicazioni ai proponenti")
        ordering = ["application", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


# --- integration requests (soccorso istruttorio) ------------------------------------------------------------
class IntegrationRequest(TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="integration_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesta da"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("comunicazione"), blank=True)
    deadline = models.DateTimeField(_("scadenza per la risposta"))
    status = FSMField(
        _("stato"),
        max_length=10,
        choices=IntegrationStatus.choices,
        default=IntegrationStatus.OPEN,
        protected=False,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("risposta di"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("richiesta di integrazione")
        verbose_name_plural = _("richieste di integrazione")
        ordering = ["application", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="integration_one_open_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_status_display()}"

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=IntegrationStatus.OPEN, target=IntegrationStatus.ANSWERED)
    def mark_answered(self):
        """The applicant answered every requested item before the deadline."""

    @transition(field=status, source=IntegrationStatus.OPEN, target=IntegrationStatus.EXPIRED)
    def mark_expired(self):
        """The deadline passed without an answer: the application is not admissible."""

    @property
    def audit_organisation(self):
        return self.application.applicant


class IntegrationItem(TimeStampedModel):
    """One thing the officer asks for; the applicant answers exactly these items, nothing else."""

    request = models.ForeignKey(IntegrationRequest, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("elemento richiesto"), max_length=500)
    response = models.TextField(_("risposta"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("elemento da integrare")
        verbose_name_plural = _("elementi da integrare")
        ordering = ["request", "order", "pk"]

    def __str__(self) -> str:
        return self.description


# --- panel, assignments, conflicts --------------------------------------------------------------------------
class Panel(TimeStampedModel):
    """The evaluation panel (nucleo di valutazione) of a call."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="panel")
    evaluators_per_application = models.PositiveSmallIntegerField(_("valutatori per domanda"), default=2)
    disagreement_threshold = models.DecimalField(
        _("scarto massimo tra valutatori (punti)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Oltre questo scarto tra i punteggi totali la domanda è segnalata al presidente."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nucleo di valutazione")
        verbose_name_plural = _("nuclei di valutazione")
        constraints = [
            models.CheckConstraint(
                condition=Q(evaluators_per_application__gte=1), name="panel_at_least_one_evaluator"
            ),
            models.CheckConstraint(
                condition=Q(disagreement_threshold__gte=0), name="panel_disagreement_threshold_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Nucleo di valutazione: %(call)s") % {"call": self.call})


class PanelMember(TimeStampedModel):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("valutatore"), on_delete=models.PROTECT, related_name="+"
    )
    is_president = models.BooleanField(_("presidente"), default=False)
    is_active = models.BooleanField(_("attivo"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("componente del nucleo")
        verbose_name_plural = _("componenti del nucleo")
        ordering = ["panel", "-is_president", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
            models.UniqueConstraint(
                fields=["panel"], condition=Q(is_president=True), name="panel_one_president"
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email


class Assignment(TimeStampedModel):
    """An application given to a panel member. A declared conflict ends it (kept, for the record)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="assignments")
    status = FSMField(
        _("stato"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.TO_DECLARE,
        protected=False,
    )
    automatic = models.BooleanField(_("assegnata automaticamente"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assegnata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("dichiarazione resa il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assegnazione")
        verbose_name_plural = _("assegnazioni")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="assignment_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.member}"

    @property
    def counts_for_panel(self) -> bool:
        return self.status in LIVE_ASSIGNMENT_STATUSES

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=AssignmentStatus.TO_DECLARE, target=AssignmentStatus.ACTIVE)
    def mark_declared_free(self):
        """The member declared no conflict of interest: they may evaluate."""

    @transition(field=status, source=AssignmentStatus.TO_DECLARE, target=AssignmentStatus.CONFLICT)
    def mark_conflict(self):
        """The member declared a conflict: the assignment ends (kept for the record)."""

    @transition(field=status, source=AssignmentStatus.ACTIVE, target=AssignmentStatus.SUBMITTED)
    def mark_submitted(self):
        """The member sent their evaluation."""

    @transition(
        field=status,
        source=[AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE],
        target=AssignmentStatus.REVOKED,
    )
    def mark_revoked(self):
        """The member left the panel before sending the evaluation."""


class ConflictDeclaration(TimeStampedModel):
    """The evaluator's statement, for one party of the application (the lead or a partner), made before
    seeing the application."""

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="declarations")
    partner = models.ForeignKey(
        ApplicationPartner, verbose_name=_("soggetto"), on_delete=models.PROTECT, related_name="+"
    )
    party_name = models.CharField(_("denominazione"), max_length=255)
    has_conflict = models.BooleanField(_("conflitto di interessi"))
    note = models.CharField(_("nota"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dichiarazione sul conflitto di interessi")
        verbose_name_plural = _("dichiarazioni sul conflitto di interessi")
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "partner"], name="conflict_declaration_once")
        ]

    def __str__(self) -> str:
        return f"{self.party_name}: {self.has_conflict}"


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

    history = HistoricalRecords()

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

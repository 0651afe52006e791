"""Funded projects (operazioni): the project born from a funded application, its partners, approved budget,
phases and milestones, the per-call project rules, and the change requests with their decisions.

Every write goes through grants.projects.services; the states are declared in grants.projects.states and the
transitions here. Amounts are Decimal (grants.core.money) and never negative.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application, ApplicationPartner
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField, PercentField
from grants.programme.models import Call, CostCategory, CostOption, MeasurePhase
from grants.registry.models import DeMinimisAid, Organisation

from .states import (
    ChangeKind,
    ChangeStatus,
    PartnerAction,
    PartnerRole,
    ProjectStatus,
)
from .validators import validate_cup

DEFAULT_ACCEPTANCE_DAYS = 30
DEFAULT_VARIATION_TOLERANCE = Decimal("10.00")
DEFAULT_MAX_EXTENSION_MONTHS = 6
DEFAULT_DURATION_MONTHS = 24


class CallProjectRules(TimeStampedModel):
    """What a call decides about its funded projects. A call without a row uses the defaults
    (``rules_for``)."""

    call = models.OneToOneField(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, related_name="project_rules"
    )
    acceptance_days = models.PositiveSmallIntegerField(
        _("giorni per l'accettazione del contributo"),
        default=DEFAULT_ACCEPTANCE_DAYS,
        help_text=_(
            "Dal giorno della creazione del progetto: entro questo termine si carica l'atto firmato."
        ),
    )
    variation_tolerance_percent = PercentField(
        _("tolleranza delle variazioni di budget %"),
        default=DEFAULT_VARIATION_TOLERANCE,
        help_text=_(
            "Una variazione che sposta fino a questa percentuale del costo totale è approvata "
            "automaticamente; oltre, decide il funzionario."
        ),
    )
    max_extension_months = models.PositiveSmallIntegerField(
        _("proroga massima (mesi)"), default=DEFAULT_MAX_EXTENSION_MONTHS
    )
    default_duration_months = models.PositiveSmallIntegerField(
        _("durata del progetto (mesi) se la misura non ha fasi"), default=DEFAULT_DURATION_MONTHS
    )
    obligations = models.TextField(
        _("obblighi specifici del beneficiario"),
        blank=True,
        help_text=_("Stampati nell'atto di adesione dopo gli obblighi generali."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regole dei progetti del bando")
        verbose_name_plural = _("regole dei progetti dei bandi")

    def __str__(self) -> str:
        return str(self.call)


def rules_for(call: Call) -> CallProjectRules:
    """The call's project rules, or an unsaved row with the defaults."""
    try:
        return call.project_rules
    except CallProjectRules.DoesNotExist:
        return CallProjectRules(call=call)


def agreement_upload_to(instance: "Project", filename: str) -> str:
    return f"projects/{instance.pk}/agreement/{instance.signed_agreement_sha256}/{filename}"


class Project(TimeStampedModel):
    application = models.OneToOneField(
        Application, verbose_name=_("domanda"), on_delete=models.PROTECT, related_name="project"
    )
    call = models.ForeignKey(Call, verbose_name=_("bando"), on_delete=models.PROTECT, related_name="projects")
    beneficiary = models.ForeignKey(
        Organisation,
        verbose_name=_("beneficiario (capofila)"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    cup = models.CharField(
        _("CUP"),
        max_length=15,
        blank=True,
        validators=[validate_cup],
        help_text=_("Codice Unico di Progetto: 15 caratteri. Senza CUP non si eroga nessun pagamento."),
    )
    title = models.CharField(_("titolo"), max_length=255)
    summary = models.TextField(_("sintesi"), blank=True)

    grant = MoneyField(_("contributo concesso"))
    original_grant = MoneyField(_("contributo concesso in origine"), editable=False)
    cofinancing = MoneyField(_("cofinanziamento"), default=ZERO)
    total_eligible_cost = MoneyField(_("costo totale ammissibile"))

    planned_start_date = models.DateField(_("inizio previsto"))
    planned_end_date = models.DateField(_("fine prevista"))
    actual_start_date = models.DateField(_("data di avvio effettiva"), null=True, blank=True)
    actual_end_date = models.DateField(_("data di conclusione effettiva"), null=True, blank=True)

    status = FSMField(
        _("stato"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.TO_ACCEPT,
        protected=False,
    )
    acceptance_deadline = models.DateTimeField(_("termine per l'accettazione"))

    # Atto di adesione: the signed copy uploaded by the beneficiary (checked by content, fingerprinted).
    signed_agreement = models.FileField(
        _("atto di adesione firmato"), upload_to=agreement_upload_to, max_length=500, blank=True
    )
    signed_agreement_name = models.CharField(_("nome del file"), max_length=255, blank=True)
    signed_agreement_size = models.PositiveBigIntegerField(_("dimensione (byte)"), null=True, blank=True)
    signed_agreement_sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    accepted_at = models.DateTimeField(_("accettato il"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accettato da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("avvio comunicato il"), null=True, blank=True)
    # Who granted it (the manager who approved the ranking, or the officer who created the project): the
    # de minimis concession is recorded in the register in their name when the grant is accepted.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concesso da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    de_minimis_aid = models.ForeignKey(
        DeMinimisAid,
        verbose_name=_("concessione nel registro de minimis"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    closing_reason = models.TextField(_("motivazione della chiusura"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progetto")
        verbose_name_plural = _("progetti")
        ordering = ["call", "title", "pk"]
        permissions = [
            ("manage_project", _("Gestire i progetti finanziati (CUP, decisioni, sospensioni, revoche)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cup"], condition=~Q(cup=""), name="project_cup_unique"),
            models.CheckConstraint(
                condition=Q(grant__gte=0)
                & Q(original_grant__gte=0)
                & Q(cofinancing__gte=0)
                & Q(total_eligible_cost__gte=0),
                name="project_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(grant__lte=F("total_eligible_cost")), name="project_grant_within_cost"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("planned_start_date")),
                name="project_planned_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.ACTIVE) | Q(actual_start_date__isnull=False),
                name="project_active_has_start_date",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="project_call_status")]

    def __str__(self) -> str:
        return f"{self.cup} – {self.title}" if self.cup else self.title

    @property
    def audit_organisation(self) -> Organisation:
        return self.beneficiary

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def grant_reduction(self) -> Decimal:
        return self.original_grant - self.grant

    # --- state machine (services check the rules and permissions, then save with audit) -------------------
    @transition(field=status, source=ProjectStatus.TO_ACCEPT, target=ProjectStatus.ACTIVE)
    def start(self):
        """Avvio: the agreement is signed and the beneficiary communicated the actual start date."""

    @transition(field=status, source=ProjectStatus.ACTIVE, target=ProjectStatus.SUSPENDED)
    def suspend(self):
        """An officer suspends the project (nothing is paid while suspended)."""

    @transition(field=status, source=ProjectStatus.SUSPENDED, target=ProjectStatus.ACTIVE)
    def resume(self):
        """An officer lifts the suspension."""

    @transition(field=status, source=ProjectStatus.ACTIVE, target=ProjectStatus.CONCLUDED)
    def conclude(self):
        """The activities ended (the final report and the balance are finance's)."""

    @transition(
        field=status,
        source=[ProjectStatus.TO_ACCEPT, ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED],
        target=ProjectStatus.RENOUNCED,
    )
    def renounce(self):
        """The beneficiary renounces the grant; the ranking slides."""

    @transition(
        field=status,
        source=[ProjectStatus.TO_ACCEPT, ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED],
        target=ProjectStatus.REVOKED,
    )
    def revoke(self):
        """Total revocation by an officer (a partial one reduces the grant and changes no state)."""


class ProjectPartner(TimeStampedModel):
    """The lead (capofila) and each partner of the project, with its share of the approved budget."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    application_partner = models.ForeignKey(
        ApplicationPartner,
        verbose_name=_("partner della domanda"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_partnerships",
    )
    name = models.CharField(_("denominazione"), max_length=255)
    role = models.CharField(
        _("ruolo"), max_length=10, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    budget_share = MoneyField(_("quota di budget"), default=ZERO)
    joined_on = models.DateField(_("ingresso il"), null=True, blank=True)
    withdrawn_on = models.DateField(_("uscita il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner del progetto")
        verbose_name_plural = _("partner del progetto")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(role="lead"), name="project_partner_one_lead"
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=Q(organisation__isnull=False, withdrawn_on__isnull=True),
                name="project_partner_organisation_once",
            ),
            models.CheckConstraint(
                condition=Q(budget_share__gte=0), name="project_partner_share_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class ProjectBudgetLine(TimeStampedModel):
    """The approved budget per cost category (and partner). The cost option and its parameters are copied
    from the call's category so that a later change to the call does not change an approved project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey(
        CostCategory, verbose_name=_("voce di spesa"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        ProjectPartner,
        verbose_name=_("soggetto che sostiene la spesa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    cost_option = models.CharField(_("opzione di costo"), max_length=20, choices=CostOption.choices)
    flat_rate_percent = PercentField(_("tasso forfettario %"), null=True, blank=True)
    unit_rate = MoneyField(_("costo unitario"), null=True, blank=True)
    requested_amount = MoneyField(_("importo richiesto"), default=ZERO)
    approved_amount = MoneyField(_("importo approvato"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce del budget approvato")
        verbose_name_plural = _("budget approvato")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0) & Q(requested_amount__gte=0),
                name="project_budget_line_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}: {self.approved_amount}"


class ProjectPhase(TimeStampedModel):
    """A phase of the project, copied from the measure's timeline (FSE1: progettazione, sperimentazione)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    measure_phase = models.ForeignKey(
        MeasurePhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("fase"), max_length=255)
    planned_start_date = models.DateField(_("inizio previsto"))
    planned_end_date = models.DateField(_("fine prevista"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase del progetto")
        verbose_name_plural = _("fasi del progetto")
        ordering = ["project", "order", "planned_start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("planned_start_date")),
                name="project_phase_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectMilestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(
        ProjectPhase, on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("traguardo"), max_length=255)
    due_date = models.DateField(_("scadenza"))
    achieved_on = models.DateField(_("raggiunto il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traguardo")
        verbose_name_plural = _("traguardi")
        ordering = ["project", "due_date", "order"]

    def __str__(self) -> str:
        return self.title


class ProjectChange(TimeStampedModel):
    """A change asked for or decided on a project: each with its reason, decision and history.

    Budget variations carry their lines in ``BudgetVariationItem``; a partner change, an extension and a
    revocation their own fields below. Suspension, resumption, renunciation and revocation are recorded
    already decided (the one who asks is the one who decides).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("tipo"), max_length=20, choices=ChangeKind.choices)
    status = FSMField(
        _("esito"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING, protected=False
    )
    reason = models.TextField(_("motivazione"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesta da"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decisa da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_note = models.TextField(_("motivazione della decisione"), blank=True)

    # Budget variation: the share of the total cost moved between lines.
    moved_amount = MoneyField(_("importo spostato"), null=True, blank=True)
    moved_percent = PercentField(_("quota spostata %"), null=True, blank=True)
    # Extension (proroga).
    previous_end_date = models.DateField(_("fine prevista precedente"), null=True, blank=True)
    new_end_date = models.DateField(_("nuova fine prevista"), null=True, blank=True)
    # Revocation.
    previous_grant = MoneyField(_("contributo precedente"), null=True, blank=True)
    new_grant = MoneyField(_("nuovo contributo"), null=True, blank=True)
    # Partner change.
    partner_action = models.CharField(
        _("modifica del partenariato"), max_length=10, choices=PartnerAction.choices, blank=True
    )
    partner = models.ForeignKey(
        ProjectPartner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione che entra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modifica del progetto")
        verbose_name_plural = _("modifiche del progetto")
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.EXTENSION) | Q(new_end_date__isnull=False),
                name="project_change_extension_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.REVOCATION) | Q(new_grant__isnull=False),
                name="project_change_revocation_has_grant",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.PARTNER_CHANGE) | ~Q(partner_action=""),
                name="project_change_partner_has_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.APPROVED)
    def approve(self):
        """An officer approves (the service applies the change in the same transaction)."""

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.AUTO_APPROVED)
    def approve_automatically(self):
        """A budget variation within the call's tolerance."""

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.REJECTED)
    def reject(self):
        """An officer rejects; nothing changes on the project."""


class BudgetVariationItem(TimeStampedModel):
    """One line of a budget variation: its approved amount before and the amount asked."""

    change = models.ForeignKey(ProjectChange, on_delete=models.CASCADE, related_name="variation_items")
    budget_line = models.ForeignKey(ProjectBudgetLine, on_delete=models.PROTECT, related_name="+")
    previous_amount = MoneyField(_("importo precedente"))
    new_amount = MoneyField(_("nuovo importo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce della variazione")
        verbose_name_plural = _("voci della variazione")
        ordering = ["change", "budget_line__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["change", "budget_line"], name="variation_item_line_once"),
            models.CheckConstraint(
                condition=Q(previous_amount__gte=0) & Q(new_amount__gte=0),
                name="variation_item_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.previous_amount} → {self.new_amount}"

"""The project (operazione) born from a funded application, its agreement's upload path and the per-call
project rules with their defaults."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField, PercentField
from grants.programme.models import Call
from grants.registry.models import DeMinimisAid, Organisation

from ..states import (
    ProjectStatus,
)
from ..validators import validate_cup

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
    agreement_requires_signature = models.BooleanField(
        _("atto di adesione con firma digitale verificata"),
        default=False,
        help_text=_(
            "L'atto si carica firmato digitalmente (PDF PAdES o .p7m CAdES) dal legale rappresentante o un "
            "delegato attivo del beneficiario: la firma si verifica al caricamento."
        ),
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
    # When the call wants the agreement digitally signed: the signature verified at upload.
    signed_agreement_signature_format = models.CharField(_("formato della firma"), max_length=10, blank=True)
    signed_agreement_signer_name = models.CharField(_("firmatario"), max_length=255, blank=True)
    signed_agreement_signer_fiscal_code = models.CharField(
        _("codice fiscale del firmatario"), max_length=16, blank=True
    )
    signed_agreement_signed_at = models.DateTimeField(_("firmato il"), null=True, blank=True)
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
    # RNA (Registro Nazionale Aiuti): the COR the register gave to the concession (grants.finance.rna); the
    # grant is not valid without it, and it is cited in the agreement and the open data.
    rna_cor = models.CharField(
        _("codice COR (RNA)"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\d{1,20}$", _("Il codice COR è numerico."))],
    )
    rna_registered_on = models.DateField(_("registrato nell'RNA il"), null=True, blank=True)
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

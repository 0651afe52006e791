"""The application (domanda) and its protocol: the gapless per-year counter and the protocol format."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import Call, CallReserve
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Municipality, Province

from ..stamp_duty import StampDutyExemption
from ..states import ApplicationStatus, BookingOutcome

PROTOCOL_DIGITS = 7


def format_protocol(year: int | None, number: int | None) -> str:
    """'2026/0000042': the number is zero-padded to at least seven digits."""
    if year is None or number is None:
        return ""
    return f"{year}/{number:0{PROTOCOL_DIGITS}d}"


class Application(TimeStampedModel):
    call = models.ForeignKey(
        Call, verbose_name=_("bando"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("soggetto proponente (capofila)"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("creata da"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("titolo del progetto"), max_length=255, blank=True)
    abstract = models.TextField(_("sintesi del progetto"), blank=True)
    partnership_name = models.CharField(
        _("denominazione dell'ATS costituenda"),
        max_length=255,
        blank=True,
        help_text=_("Solo se i soggetti si impegnano a costituire un'associazione temporanea di scopo."),
    )
    # Territory of intervention.
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("comuni di intervento"), blank=True, related_name="+"
    )
    districts = models.ManyToManyField(
        CohesionDistrict, verbose_name=_("distretti di intervento"), blank=True, related_name="+"
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("province di intervento"), blank=True, related_name="+"
    )

    status = FSMField(
        _("stato"),
        max_length=30,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        protected=False,
    )
    booking_outcome = models.CharField(
        _("esito della prenotazione (sportello)"),
        max_length=10,
        choices=BookingOutcome.choices,
        blank=True,
        default=BookingOutcome.NONE,
    )
    booked_amount = MoneyField(_("importo prenotato"), default=ZERO, editable=False)
    # First-come calls with reserves: the reserve the application matched at submission, and whether the
    # booking was taken from it (False: from the general pool).
    reserve = models.ForeignKey(
        CallReserve,
        verbose_name=_("riserva di pertinenza"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    booked_on_reserve = models.BooleanField(_("prenotata sulla riserva"), default=False, editable=False)

    # Computed from the budget on every change (services.set_budget); stored for queries.
    total_cost = MoneyField(_("costo totale del progetto"), default=ZERO, editable=False)
    requested_grant = MoneyField(_("contributo richiesto"), default=ZERO, editable=False)
    cofinancing = MoneyField(_("cofinanziamento"), default=ZERO, editable=False)

    protocol_year = models.PositiveSmallIntegerField(
        _("anno di protocollo"), null=True, blank=True, editable=False
    )
    protocol_number = models.PositiveIntegerField(
        _("numero di protocollo"), null=True, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    declarations_accepted_at = models.DateTimeField(
        _("dichiarazioni (DPR 445/2000) accettate il"), null=True, blank=True, editable=False
    )
    fingerprint = models.CharField(_("impronta SHA-256"), max_length=64, blank=True, editable=False)
    submitted_data = models.JSONField(_("dati inviati"), default=dict, blank=True, editable=False)
    idempotency_key = models.CharField(_("chiave di idempotenza"), max_length=100, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("ritirata il"), null=True, blank=True, editable=False)
    # Stamp duty (imposta di bollo): the marca da bollo's identifier and date, or the exemption claimed.
    stamp_duty_number = models.CharField(
        _("identificativo della marca da bollo"), max_length=14, blank=True, editable=False
    )
    stamp_duty_issued_on = models.DateField(
        _("data di emissione della marca da bollo"), null=True, blank=True, editable=False
    )
    stamp_duty_exemption = models.CharField(
        _("esenzione dall'imposta di bollo"),
        max_length=20,
        choices=StampDutyExemption.choices,
        blank=True,
        default=StampDutyExemption.NONE,
        editable=False,
    )
    stamp_duty_legal_basis = models.CharField(
        _("base giuridica dell'esenzione"), max_length=255, blank=True, editable=False
    )
    # Two-phase calls (FSE1): the executive project names the admitted project idea it develops; the
    # evaluation creates it in the second window (grants.evaluation.phases) and ranks the two phases apart.
    preliminary = models.OneToOneField(
        "self",
        verbose_name=_("idea progettuale ammessa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="executive_project",
    )

    # The targets the applicant proposes for the call's indicators, by indicator code, as decimal strings
    # (grants.monitoring.proposals checks them against the catalogue; officers confirm them on the project).
    proposed_targets = models.JSONField(_("target proposti degli indicatori"), default=dict, blank=True)

    history = HistoricalRecords(m2m_fields=[municipalities, districts, provinces])

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol_year", "protocol_number"], name="application_protocol_unique"
            ),
            # A marca da bollo is cancelled by its use: never on two applications.
            models.UniqueConstraint(
                fields=["stamp_duty_number"],
                condition=~Q(stamp_duty_number=""),
                name="application_stamp_duty_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(stamp_duty_number="") | Q(stamp_duty_exemption=""),
                name="application_stamp_duty_number_or_exemption",
            ),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="application_idempotency_key_unique_per_applicant",
            ),
            models.CheckConstraint(
                condition=(Q(protocol_year__isnull=True) & Q(protocol_number__isnull=True))
                | (Q(protocol_year__isnull=False) & Q(protocol_number__isnull=False)),
                name="application_protocol_year_and_number_together",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.SUBMITTED)
                | (Q(protocol_number__isnull=False) & Q(submitted_at__isnull=False)),
                name="application_submitted_has_protocol",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.RECEIVED)
                | (Q(protocol_number__isnull=True) & Q(submitted_at__isnull=False)),
                name="application_received_has_arrival_time",
            ),
            models.CheckConstraint(
                condition=Q(total_cost=F("requested_grant") + F("cofinancing")),
                name="application_totals_add_up",
            ),
            models.CheckConstraint(
                condition=Q(booked_amount__gte=0)
                & Q(total_cost__gte=0)
                & Q(requested_grant__gte=0)
                & Q(cofinancing__gte=0),
                name="application_amounts_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"], name="application_call_status"),
            models.Index(
                fields=["call", "booking_outcome", "protocol_year", "protocol_number"],
                name="application_waiting_list",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Domanda senza titolo"))

    @property
    def protocol(self) -> str:
        return format_protocol(self.protocol_year, self.protocol_number)

    @property
    def has_stamp_duty(self) -> bool:
        """A marca da bollo or an exemption is recorded."""
        return bool(self.stamp_duty_number or self.stamp_duty_exemption)

    @property
    def is_editable(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    # --- state machine (services call these inside their transaction, then save with audit) ---------------
    @transition(field=status, source=ApplicationStatus.DRAFT, target=ApplicationStatus.RECEIVED)
    def mark_received(self):
        """The intake has checked the window, the rules and the declarations and recorded the arrival."""

    @transition(field=status, source=ApplicationStatus.RECEIVED, target=ApplicationStatus.SUBMITTED)
    def mark_submitted(self):
        """The sequencer has given the protocol number (and, first-come, the booking) in arrival order."""

    @transition(
        field=status,
        source=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
        target=ApplicationStatus.WITHDRAWN,
    )
    def mark_withdrawn(self):
        """Before the deadline only (the service checks it); a protocol number, once taken, stays used."""

    # Evaluation (grants.evaluation.services decides, checks permissions and audits; these only move state).
    @transition(
        field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.INTEGRATION_REQUESTED
    )
    def mark_integration_requested(self):
        """Soccorso istruttorio: the officer asked for integrations with a deadline."""

    @transition(
        field=status, source=ApplicationStatus.INTEGRATION_REQUESTED, target=ApplicationStatus.SUBMITTED
    )
    def mark_integration_answered(self):
        """The applicant answered the requested items in time: back to the formal check."""

    @transition(
        field=status, source=ApplicationStatus.INTEGRATION_REQUESTED, target=ApplicationStatus.SUBMITTED
    )
    def mark_integration_expired(self):
        """First-come calls: the deadline passed unanswered; back to the formal check, where the officer sends
        the notice of intended rejection before deciding (art. 10-bis)."""

    @transition(
        field=status,
        source=[ApplicationStatus.SUBMITTED, ApplicationStatus.EVALUATED],
        target=ApplicationStatus.REJECTION_NOTIFIED,
    )
    def mark_rejection_notified(self):
        """Preavviso di rigetto (art. 10-bis L. 241/1990): the formal check waits for the observations; on
        first-come calls also a score below the minimum (the service checks the call and the score)."""

    @transition(field=status, source=ApplicationStatus.REJECTION_NOTIFIED, target=ApplicationStatus.EVALUATED)
    def mark_observations_accepted(self):
        """Sportello: the observations to a notice on a score below the minimum overcame it; the panel scores
        the application again."""

    @transition(
        field=status,
        source=[ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTION_NOTIFIED],
        target=ApplicationStatus.ADMISSIBLE,
    )
    def mark_admissible(self):
        """The formal check passed (also when the observations to a notice of rejection overcame it): the
        application goes to the evaluation panel."""

    @transition(
        field=status,
        source=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.INTEGRATION_REQUESTED,
            ApplicationStatus.REJECTION_NOTIFIED,
        ],
        target=ApplicationStatus.NOT_ADMISSIBLE,
    )
    def mark_not_admissible(self):
        """The formal check failed (after the notice of rejection where the law asks for one), or the
        integration deadline passed unanswered."""

    @transition(field=status, source=ApplicationStatus.ADMISSIBLE, target=ApplicationStatus.EVALUATED)
    def mark_evaluated(self):
        """The panel's evaluations are consolidated into one score."""

    @transition(
        field=status,
        source=[ApplicationStatus.EVALUATED, ApplicationStatus.ELIGIBLE_NOT_FUNDED],
        target=ApplicationStatus.FUNDED,
    )
    def mark_funded(self):
        """Approved ranking within the budget, or reached by a slide (scorrimento)."""

    @transition(
        field=status, source=ApplicationStatus.EVALUATED, target=ApplicationStatus.ELIGIBLE_NOT_FUNDED
    )
    def mark_eligible_not_funded(self):
        """Above the thresholds, beyond the budget."""

    @transition(
        field=status,
        source=[ApplicationStatus.EVALUATED, ApplicationStatus.REJECTION_NOTIFIED],
        target=ApplicationStatus.NOT_ELIGIBLE,
    )
    def mark_not_eligible(self):
        """Below a threshold (a criterion's or the call's minimum total); on first-come calls only after the
        notice of intended rejection on the score and its term."""

    @transition(field=status, source=ApplicationStatus.FUNDED, target=ApplicationStatus.RENOUNCED)
    def mark_renounced(self):
        """The funded applicant renounced the grant; the ranking slides."""


class ProtocolCounter(models.Model):
    """One row per year: the last protocol number given.

    Taken inside the submitting transaction with SELECT ... FOR UPDATE, last, so the hot row stays locked
    only for the final UPDATEs and the commit. Deliberately without history: every number it hands out is
    recorded, with its author and time, in the history of the application that received it, and an extra
    history INSERT here would lengthen the lock every submission waits on.
    """

    year = models.PositiveSmallIntegerField(_("anno"), primary_key=True)
    last_number = models.PositiveIntegerField(_("ultimo numero assegnato"), default=0)

    class Meta:
        verbose_name = _("contatore di protocollo")
        verbose_name_plural = _("contatori di protocollo")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

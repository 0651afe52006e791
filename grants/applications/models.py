"""Applications (domande): the draft an organisation writes, its partnership and budget, and the submission.

Totals are computed from the budget lines and stored for queries; the user never types them. A submitted
application carries a protocol number (gapless and unique per year), the time of arrival, the fingerprint of
what was sent and the idempotency key of the request that sent it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField, PercentField
from grants.core.vocabulary import LegalForm
from grants.programme.models import Call, CallReserve, CostCategory, RequiredDocument
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Municipality, Province

from .stamp_duty import StampDutyExemption
from .states import ApplicationStatus, BookingOutcome, PartnerRole

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
    @transition(field=status, source=ApplicationStatus.DRAFT, target=ApplicationStatus.SUBMITTED)
    def mark_submitted(self):
        """The service has checked the window, the rules and the declarations, and set the protocol."""

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

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.ADMISSIBLE)
    def mark_admissible(self):
        """The formal check passed: the application goes to the evaluation panel."""

    @transition(
        field=status,
        source=[ApplicationStatus.SUBMITTED, ApplicationStatus.INTEGRATION_REQUESTED],
        target=ApplicationStatus.NOT_ADMISSIBLE,
    )
    def mark_not_admissible(self):
        """The formal check failed, or the integration deadline passed unanswered."""

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

    @transition(field=status, source=ApplicationStatus.EVALUATED, target=ApplicationStatus.NOT_ELIGIBLE)
    def mark_not_eligible(self):
        """Below a threshold (a criterion's or the call's minimum total)."""

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


class ApplicationPartner(TimeStampedModel):
    """The lead applicant (capofila) and each partner, registered or still to be registered."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    name = models.CharField(_("denominazione (soggetto non ancora registrato)"), max_length=255, blank=True)
    legal_form = models.CharField(
        _("categoria giuridica dichiarata"), max_length=30, choices=LegalForm.choices, blank=True
    )
    role = models.CharField(
        _("ruolo"), max_length=10, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    share_percent = PercentField(_("quota di partecipazione %"), default=Decimal(0))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adesione confermata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("adesione confermata il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partner")
        ordering = ["application", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""), name="partner_organisation_or_name"
            ),
            models.UniqueConstraint(
                fields=["application", "organisation"],
                condition=Q(organisation__isnull=False),
                name="partner_organisation_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["application"], condition=Q(role="lead"), name="partner_one_lead_per_application"
            ),
            models.CheckConstraint(
                condition=(Q(confirmed_at__isnull=True) & Q(confirmed_by__isnull=True))
                | (Q(confirmed_at__isnull=False) & Q(confirmed_by__isnull=False)),
                name="partner_confirmation_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name

    @property
    def effective_legal_form(self) -> str:
        return self.organisation.legal_form if self.organisation_id else self.legal_form

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class BudgetLine(TimeStampedModel):
    """A line of the project budget, in a cost category of the call.

    Real costs: the amount typed. Unit costs: quantity × the category's unit rate (copied on the line).
    Flat rates: generated by the service from their base categories (``is_computed``), never typed.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey(
        CostCategory, verbose_name=_("voce di spesa"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        ApplicationPartner,
        verbose_name=_("soggetto che sostiene la spesa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_lines",
        help_text=_("Vuoto = capofila o intero partenariato."),
    )
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    quantity = models.DecimalField(_("quantità"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit_rate = MoneyField(_("costo unitario"), null=True, blank=True)
    amount = MoneyField(_("importo"))
    is_computed = models.BooleanField(_("calcolata automaticamente"), default=False)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce del piano finanziario")
        verbose_name_plural = _("piano finanziario")
        ordering = ["application", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="budget_line_quantity_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}: {self.amount}"


def document_upload_to(instance: "ApplicationDocument", filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256}/{filename}"


class ApplicationDocument(TimeStampedModel):
    """A file attached to an application for one of the call's required documents; its SHA-256 enters the
    submission fingerprint."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        RequiredDocument, verbose_name=_("documento richiesto"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        ApplicationPartner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo (MIME)"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caricato da"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento allegato")
        verbose_name_plural = _("documenti allegati")
        ordering = ["application", "required_document", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CallBooking(TimeStampedModel):
    """First-come (sportello) calls: the money booked so far against the call's budget, one row per call.

    Locked with SELECT ... FOR UPDATE by every submission to the call; the check constraints make
    over-booking impossible even if a code path forgot the lock.
    """

    call = models.OneToOneField(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, primary_key=True, related_name="booking"
    )
    budget = MoneyField(_("dotazione a sportello"))
    booked = MoneyField(_("importo prenotato"), default=ZERO)
    # The call's reserves: their total budget and what is booked on them (the rest is the general pool).
    reserved = MoneyField(_("importo delle riserve"), default=ZERO)
    reserve_booked = MoneyField(_("prenotato sulle riserve"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prenotazione risorse (sportello)")
        verbose_name_plural = _("prenotazioni risorse (sportello)")
        constraints = [
            models.CheckConstraint(condition=Q(booked__gte=0), name="call_booking_booked_non_negative"),
            models.CheckConstraint(condition=Q(booked__lte=F("budget")), name="call_booking_within_budget"),
            models.CheckConstraint(
                condition=Q(reserve_booked__lte=F("reserved")) & Q(reserve_booked__lte=F("booked")),
                name="call_booking_reserves_within_reserved",
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("budget") - F("reserved") + F("reserve_booked")),
                name="call_booking_general_pool_within_budget",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.booked}/{self.budget}"

    @property
    def available(self) -> Decimal:
        return self.budget - self.booked

    @property
    def general_available(self) -> Decimal:
        """What the general pool (the budget less the reserves) still has."""
        return (self.budget - self.reserved) - (self.booked - self.reserve_booked)


class ReserveBooking(TimeStampedModel):
    """What is booked on one reserve of a first-come call; locked after the call's CallBooking row."""

    reserve = models.OneToOneField(
        CallReserve,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="booking",
        verbose_name=_("riserva"),
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", verbose_name=_("bando"))
    budget = MoneyField(_("importo della riserva"))
    booked = MoneyField(_("importo prenotato"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prenotazione su riserva (sportello)")
        verbose_name_plural = _("prenotazioni su riserva (sportello)")
        constraints = [
            models.CheckConstraint(condition=Q(booked__gte=0), name="reserve_booking_non_negative"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("budget")), name="reserve_booking_within_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reserve_id}: {self.booked}/{self.budget}"

    @property
    def available(self) -> Decimal:
        return self.budget - self.booked


class DocumentArchiveStatus(models.TextChoices):
    PENDING = "pending", _("In coda")
    RUNNING = "running", _("In preparazione")
    DONE = "done", _("Pronto")
    FAILED = "failed", _("Non riuscito")


def document_archive_upload_to(instance: "DocumentArchive", filename: str) -> str:
    return f"archives/{instance.call_id}/{instance.pk}/{filename}"


class DocumentArchive(TimeStampedModel):
    """A zip of the current documents of a call's submitted applications, made in the background for an
    officer (grants.applications.bulk_download): its progress, its file once ready, or why it failed."""

    call = models.ForeignKey(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, related_name="document_archives"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesto da"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=DocumentArchiveStatus.choices,
        default=DocumentArchiveStatus.PENDING,
    )
    done = models.PositiveIntegerField(_("documenti elaborati"), default=0)
    total = models.PositiveIntegerField(_("documenti da elaborare"), default=0)
    applications = models.PositiveIntegerField(_("domande comprese"), default=0)
    file = models.FileField(_("archivio"), upload_to=document_archive_upload_to, max_length=500, blank=True)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"), default=0)
    sha256 = models.CharField(_("impronta SHA-256 dell'archivio"), max_length=64, blank=True)
    error = models.TextField(_("errore"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    started_at = models.DateTimeField(_("avviato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("archivio dei documenti")
        verbose_name_plural = _("archivi dei documenti")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="document_archive_progress"),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="document_archive_done_has_file"
            ),
        ]
        indexes = [
            models.Index(fields=["call", "requested_by", "-created_at"], name="document_archive_by_user")
        ]

    def __str__(self) -> str:
        return f"{self.call.code} #{self.pk}" if self.call_id else f"#{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (DocumentArchiveStatus.DONE, DocumentArchiveStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == DocumentArchiveStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

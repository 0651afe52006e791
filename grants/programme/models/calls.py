"""Calls (bandi): their modes, aid instruments, regimes, scopes and states, and the phases of a call."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.core.timeutils import now

from .common import BilingualMixin
from .structure import Measure


class CallMode(models.TextChoices):
    RANKING = "ranking", _("Graduatoria")
    FIRST_COME = "first_come", _("Sportello (ordine di arrivo)")


class AidInstrument(models.TextChoices):
    GRANT = "grant", _("Contributo a fondo perduto")
    LOAN = "loan", _("Finanziamento agevolato")
    MIXED = "mixed", _("Misto (contributo e finanziamento)")


class StateAidRegime(models.TextChoices):
    NONE = "none", _("Non aiuto di Stato")
    DE_MINIMIS = "de_minimis", _("De minimis")
    EXEMPTION = "exemption", _("Esenzione (GBER)")


class TerritorialScope(models.TextChoices):
    REGION = "region", _("Intera regione")
    PROVINCE = "province", _("Per provincia")
    DISTRICT = "district", _("Per Distretto della Coesione Sociale")


class CallStatus(models.TextChoices):
    """Stored states. 'open' and 'closed' are not stored: they follow from the clock (see Call.status_at)."""

    DRAFT = "draft", _("In preparazione")
    PUBLISHED = "published", _("Pubblicato")
    RANKING_APPROVED = "ranking_approved", _("Graduatoria approvata")
    ARCHIVED = "archived", _("Archiviato")


class CallPhaseStatus(models.TextChoices):
    """What a visitor sees: stored state combined with the clock."""

    DRAFT = "draft", _("In preparazione")
    UPCOMING = "upcoming", _("Di prossima apertura")
    OPEN = "open", _("Aperto")
    CLOSED = "closed", _("Chiuso")
    RANKING_APPROVED = "ranking_approved", _("Graduatoria approvata")
    ARCHIVED = "archived", _("Archiviato")


_ATECO_PREFIX = re.compile(r"^[0-9]{2}(\.[0-9]{1,2}(\.[0-9]{1,2})?)?$")


def validate_ateco_prefixes(value) -> None:
    """A list of ATECO prefixes written the ISTAT way: 88, 88.9, 88.99, 88.99.0."""
    if not isinstance(value, list) or not all(isinstance(v, str) and _ATECO_PREFIX.match(v) for v in value):
        raise ValidationError(
            _("Indicare i settori come prefissi di codici ATECO, per esempio 88 o 87.3."),
            code="invalid_ateco",
        )


# The call's values a programme file may flag as indicative (grants.programme.loader, public pages, API).
INDICATIVE_FIELDS = (
    "opens_at",
    "closes_at",
    "budget",
    "min_project_cost",
    "max_project_cost",
    "min_grant",
    "max_grant",
    "max_aid_intensity",
    "min_cofinancing",
    "cost_categories",
    "criteria",
    "required_documents",
    "project_phases",
)


def validate_indicative_fields(value) -> None:
    if not isinstance(value, list) or any(v not in INDICATIVE_FIELDS for v in value):
        raise ValidationError(
            _("Valori indicativi ammessi: %(allowed)s.") % {"allowed": ", ".join(INDICATIVE_FIELDS)},
            code="invalid_indicative_field",
        )


class Call(BilingualMixin, TimeStampedModel):
    """Bando / avviso: the rules an application is checked against."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("misura"), on_delete=models.PROTECT, related_name="calls"
    )
    code = models.SlugField(_("codice"), max_length=60, unique=True)
    title = models.CharField(_("titolo"), max_length=255)
    title_en = models.CharField(_("titolo (inglese)"), max_length=255, blank=True)
    summary = models.TextField(_("sintesi"))
    summary_en = models.TextField(_("sintesi (inglese)"), blank=True)
    legal_reference = models.CharField(_("atto di approvazione"), max_length=255, blank=True)
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("scadenza"))
    mode = models.CharField(_("modalità"), max_length=20, choices=CallMode.choices, default=CallMode.RANKING)
    budget = MoneyField(_("dotazione"))
    aid_instrument = models.CharField(
        _("forma dell'aiuto"), max_length=10, choices=AidInstrument.choices, default=AidInstrument.GRANT
    )
    state_aid_regime = models.CharField(
        _("regime di aiuto"), max_length=20, choices=StateAidRegime.choices, default=StateAidRegime.NONE
    )
    rna_car = models.CharField(
        _("codice CAR (RNA)"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{1,10}$", _("Il codice CAR è numerico (fino a 10 cifre)."))],
        help_text=_(
            "Codice Aiuto RNA della misura, dato dal Registro Nazionale Aiuti quando il regime è registrato: "
            "ogni concessione del bando si registra con questo codice."
        ),
    )
    # Who may apply: lists of registry.LegalForm values (strings, so programme never imports registry).
    lead_legal_forms = models.JSONField(_("soggetti ammessi come capofila"), default=list)
    partner_legal_forms = models.JSONField(_("soggetti ammessi come partner"), default=list, blank=True)
    lead_company_sizes = models.JSONField(
        _("dimensioni d'impresa ammesse (capofila)"),
        default=list,
        blank=True,
        help_text=_("Vuoto = tutte le dimensioni."),
    )
    admitted_ateco_prefixes = models.JSONField(
        _("settori ATECO ammessi"),
        default=list,
        blank=True,
        validators=[validate_ateco_prefixes],
        help_text=_(
            'Prefissi di codici ATECO 2025 (per esempio ["88", "87.3"]): possono presentare domanda solo i '
            "soggetti con un codice ATECO che inizia con uno di essi. Vuoto = tutti i settori."
        ),
    )
    eligibility_notes = models.TextField(_("altre condizioni di ammissibilità"), blank=True)
    min_partners = models.PositiveSmallIntegerField(_("numero minimo di partner"), default=0)
    max_partners = models.PositiveSmallIntegerField(_("numero massimo di partner"), null=True, blank=True)
    requires_public_private_partnership = models.BooleanField(
        _("partenariato pubblico-privato"), default=False
    )
    requires_partner_confirmation = models.BooleanField(_("adesione dei partner richiesta"), default=True)
    requires_stamp_duty = models.BooleanField(
        _("marca da bollo richiesta"),
        default=False,
        help_text=_(
            "La domanda indica la marca da bollo (identificativo di 14 cifre e data) "
            "o l'esenzione che si applica."
        ),
    )
    territorial_scope = models.CharField(
        _("ambito territoriale"),
        max_length=20,
        choices=TerritorialScope.choices,
        default=TerritorialScope.REGION,
    )
    min_project_cost = MoneyField(_("costo minimo del progetto"), null=True, blank=True)
    max_project_cost = MoneyField(_("costo massimo del progetto"), null=True, blank=True)
    min_grant = MoneyField(_("contributo minimo"), null=True, blank=True)
    max_grant = MoneyField(_("contributo massimo"), null=True, blank=True)
    max_aid_intensity = PercentField(_("intensità massima dell'aiuto %"), default=Decimal(100))
    min_cofinancing = PercentField(_("cofinanziamento minimo %"), default=Decimal(0))
    is_two_phase = models.BooleanField(
        _("in due fasi (idea progettuale → progetto esecutivo)"), default=False
    )
    min_total_score = models.DecimalField(
        _("punteggio minimo complessivo"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    tie_break_rules = models.JSONField(_("criteri di parità"), default=list, blank=True)
    # How the budget reaches the last applications of the ranking (grants.evaluation.allocation).
    partial_funding_allowed = models.BooleanField(
        _("finanziamento parziale dell'ultima domanda"),
        default=True,
        help_text=_("Se le risorse residue non coprono il contributo richiesto, se ne concede una parte."),
    )
    partial_funding_min_percent = PercentField(
        _("quota minima del finanziamento parziale %"),
        default=Decimal(0),
        help_text=_("Sotto questa quota del contributo richiesto il finanziamento parziale non si concede."),
    )
    fund_next_that_fits = models.BooleanField(
        _("scorrere alla successiva che rientra nelle risorse"),
        default=True,
        help_text=_(
            "Se una domanda non può essere finanziata, si considerano le successive che rientrano nelle "
            "risorse residue; altrimenti l'assegnazione si ferma."
        ),
    )
    # First-come calls (sportello valutativo): the days the administration has to decide each booked
    # application, counted from its submission (grants.evaluation.desk).
    decision_days = models.PositiveSmallIntegerField(
        _("giorni per decidere (sportello)"),
        default=90,
        help_text=_("Termine del procedimento per ciascuna domanda prenotata, dalla data di invio."),
    )
    status = FSMField(
        _("stato"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT, protected=False
    )
    # Values the programme file flags as indicative (not from the call's text): shown as "valore indicativo".
    indicative_fields = models.JSONField(
        _("valori indicativi"),
        default=list,
        blank=True,
        validators=[validate_indicative_fields],
        help_text=_("Nomi dei campi il cui valore è indicativo (es. opens_at, closes_at, max_project_cost)."),
    )
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bando")
        verbose_name_plural = _("bandi")
        ordering = ["-opens_at", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="call_budget_non_negative"),
            models.CheckConstraint(
                condition=Q(min_grant__isnull=True)
                | Q(max_grant__isnull=True)
                | Q(max_grant__gte=F("min_grant")),
                name="call_grant_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_project_cost__isnull=True)
                | Q(max_project_cost__isnull=True)
                | Q(max_project_cost__gte=F("min_project_cost")),
                name="call_project_cost_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_partners__isnull=True) | Q(max_partners__gte=F("min_partners")),
                name="call_partner_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # --- state machine: stored transitions (services call these, then save with audit) -------------------
    @transition(field=status, source=CallStatus.DRAFT, target=CallStatus.PUBLISHED)
    def publish(self):
        self.published_at = now()

    @transition(field=status, source=CallStatus.PUBLISHED, target=CallStatus.RANKING_APPROVED)
    def approve_ranking(self):
        """Only for ranking calls, after the deadline (the service checks both and says why)."""

    @transition(
        field=status, source=[CallStatus.PUBLISHED, CallStatus.RANKING_APPROVED], target=CallStatus.ARCHIVED
    )
    def archive(self):
        """A closed call leaves the public list of current calls; its pages and data stay."""

    def status_at(self, moment=None) -> CallPhaseStatus:
        moment = moment or now()
        if self.status != CallStatus.PUBLISHED:
            return CallPhaseStatus(self.status)
        if moment < self.opens_at:
            return CallPhaseStatus.UPCOMING
        if moment < self.closes_at:
            return CallPhaseStatus.OPEN
        return CallPhaseStatus.CLOSED

    @property
    def phase_status(self) -> CallPhaseStatus:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status_at() == CallPhaseStatus.OPEN

    @property
    def cofinancing_rate(self) -> Decimal:
        return Decimal(100) - self.max_aid_intensity

    def is_indicative(self, field_name: str) -> bool:
        return field_name in (self.indicative_fields or [])


class CallPhase(BilingualMixin, TimeStampedModel):
    """Windows of a two-phase call (FSE1: idea progettuale, then progetto esecutivo)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="phases")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("fase"), max_length=255)
    title_en = models.CharField(_("fase (inglese)"), max_length=255, blank=True)
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("scadenza"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase del bando")
        verbose_name_plural = _("fasi del bando")
        ordering = ["call", "order"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="call_phase_code_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_phase_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CallProjectPhase(BilingualMixin, TimeStampedModel):
    """A phase of the projects the call funds (FSE1: progettazione, then sperimentazione), by length: each
    funded project gets these phases from its own start. The measure's timeline is the programme's, never a
    project's."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="project_phases")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("fase"), max_length=255)
    title_en = models.CharField(_("fase (inglese)"), max_length=255, blank=True)
    months = models.PositiveSmallIntegerField(_("durata in mesi"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase dei progetti")
        verbose_name_plural = _("fasi dei progetti")
        ordering = ["call", "order"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="call_project_phase_code_unique"),
            models.CheckConstraint(condition=Q(months__gte=1), name="call_project_phase_months_positive"),
        ]

    def __str__(self) -> str:
        return self.title

"""A programme held as data: Programme → Fund → Measure → Call, and the rules each call carries.

A new programme, measure or call is configured (back-office or a definition file), never coded.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.core.timeutils import now
from grants.territory.models import CohesionDistrict, Province, Region


class BilingualMixin:
    """Content is written in Italian; an English text, when given, is shown to English readers."""

    def localized(self, field: str) -> str:
        if (get_language() or "it").startswith("en"):
            english = getattr(self, f"{field}_en", "")
            if english:
                return english
        return getattr(self, field)

    @property
    def display_title(self) -> str:
        return self.localized("title")


class Programme(BilingualMixin, TimeStampedModel):
    code = models.SlugField(_("codice"), max_length=40, unique=True)
    title = models.CharField(_("titolo"), max_length=255)
    title_en = models.CharField(_("titolo (inglese)"), max_length=255, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    description_en = models.TextField(_("descrizione (inglese)"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("regione"), on_delete=models.PROTECT, related_name="+")
    legal_basis = models.CharField(_("atto di approvazione"), max_length=255, blank=True)
    period_start = models.DateField(_("inizio"), null=True, blank=True)
    period_end = models.DateField(_("fine"), null=True, blank=True)
    is_demo = models.BooleanField(
        _("edizione dimostrativa"),
        default=False,
        help_text=_("Dati di prova: il sito li segnala come tali e non vanno negli open data."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programmi")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    @property
    def total_budget(self) -> Decimal:
        """The programme total is the sum of its measures' budgets (derived, never stored)."""
        return sum((m.budget for m in self.measures.all()), Decimal("0.00"))


class Fund(BilingualMixin, TimeStampedModel):
    """A fund financing a programme (FSE, FESR) with its co-financing shares."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funds")
    code = models.CharField(_("codice"), max_length=20)
    title = models.CharField(_("denominazione"), max_length=255)
    title_en = models.CharField(_("denominazione (inglese)"), max_length=255, blank=True)
    operational_programme = models.CharField(_("programma operativo"), max_length=255, blank=True)
    eu_share = PercentField(_("quota UE %"))
    national_share = PercentField(_("quota nazionale %"))
    regional_share = PercentField(_("quota regionale %"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fondo")
        verbose_name_plural = _("fondi")
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="fund_code_unique_in_programme"),
            models.CheckConstraint(
                condition=Q(eu_share__gte=0) & Q(national_share__gte=0) & Q(regional_share__gte=0),
                name="fund_shares_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(eu_share=Decimal(100) - F("national_share") - F("regional_share")),
                name="fund_shares_sum_to_100",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Measure(BilingualMixin, TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    fund = models.ForeignKey(Fund, verbose_name=_("fondo"), on_delete=models.PROTECT, related_name="measures")
    code = models.CharField(_("codice"), max_length=20)
    title = models.CharField(_("titolo"), max_length=255)
    title_en = models.CharField(_("titolo (inglese)"), max_length=255, blank=True)
    objective = models.TextField(_("obiettivo"))
    objective_en = models.TextField(_("obiettivo (inglese)"), blank=True)
    budget = MoneyField(_("dotazione"))
    has_public_calls = models.BooleanField(
        _("attuata tramite bandi pubblici"),
        default=True,
        help_text=_(
            "Falso per le azioni di sistema svolte direttamente dalla Regione (es. accompagnamento)."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("misura")
        verbose_name_plural = _("misure")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="measure_code_unique_in_programme"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="measure_budget_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class MeasurePhase(BilingualMixin, TimeStampedModel):
    """A step of a measure's timeline (e.g. design phase H1 2018, experimentation H2 2018–2020)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("fase"), max_length=255)
    title_en = models.CharField(_("fase (inglese)"), max_length=255, blank=True)
    start_date = models.DateField(_("inizio"))
    end_date = models.DateField(_("fine"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase della misura")
        verbose_name_plural = _("fasi della misura")
        ordering = ["measure", "order", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="measure_phase_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


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
    # Who may apply: lists of registry.LegalForm values (strings, so programme never imports registry).
    lead_legal_forms = models.JSONField(_("soggetti ammessi come capofila"), default=list)
    partner_legal_forms = models.JSONField(_("soggetti ammessi come partner"), default=list, blank=True)
    lead_company_sizes = models.JSONField(
        _("dimensioni d'impresa ammesse (capofila)"),
        default=list,
        blank=True,
        help_text=_("Vuoto = tutte le dimensioni."),
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
    status = FSMField(
        _("stato"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT, protected=False
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


class ReserveKind(models.TextChoices):
    PROVINCE = "province", _("Per provincia")
    DISTRICT = "district", _("Per Distretto")
    APPLICANT_TYPE = "applicant_type", _("Per tipologia di soggetto (linea)")
    PROJECT_TYPE = "project_type", _("Per tipologia di progetto (linea)")


class CallReserve(TimeStampedModel):
    """A share of the call's budget kept for a territory or for a kind of applicant (e.g. FESR Linea A/B)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reserves")
    code = models.SlugField(_("codice"), max_length=40)
    label = models.CharField(_("denominazione"), max_length=255)
    kind = models.CharField(_("tipo di riserva"), max_length=20, choices=ReserveKind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    district = models.ForeignKey(
        CohesionDistrict, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_forms = models.JSONField(_("tipologie di soggetto"), default=list, blank=True)
    company_sizes = models.JSONField(_("dimensioni d'impresa"), default=list, blank=True)
    amount = MoneyField(_("importo"))
    unused_returns_to_pool = models.BooleanField(
        _("le risorse non utilizzate tornano alla dotazione generale"),
        default=True,
        help_text=_("Altrimenti la quota riservata non utilizzata resta non assegnata."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("riserva")
        verbose_name_plural = _("riserve")
        ordering = ["call", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="call_reserve_code_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="call_reserve_amount_non_negative"),
            models.CheckConstraint(
                condition=~Q(kind="province") | Q(province__isnull=False), name="call_reserve_province_given"
            ),
            models.CheckConstraint(
                condition=~Q(kind="district") | Q(district__isnull=False), name="call_reserve_district_given"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CostOption(models.TextChoices):
    REAL_COSTS = "real", _("Costi reali")
    FLAT_RATE = "flat_rate", _("Tasso forfettario")
    UNIT_COST = "unit_cost", _("Unità di costo standard (UCS)")


class CostCategory(BilingualMixin, TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="cost_categories")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("voce di spesa"), max_length=255)
    title_en = models.CharField(_("voce di spesa (inglese)"), max_length=255, blank=True)
    cost_option = models.CharField(_("opzione di costo"), max_length=20, choices=CostOption.choices)
    cap_percent = PercentField(_("massimale % sul totale"), null=True, blank=True)
    flat_rate_percent = PercentField(_("tasso forfettario %"), null=True, blank=True)
    flat_rate_base = models.JSONField(
        _("voci su cui si calcola il forfait"),
        default=list,
        blank=True,
        help_text=_("Codici delle voci di spesa che formano la base del tasso forfettario."),
    )
    unit_rate = MoneyField(_("costo unitario"), null=True, blank=True)
    unit_label = models.CharField(_("unità di misura"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce di spesa")
        verbose_name_plural = _("voci di spesa")
        ordering = ["call", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="cost_category_code_unique"),
            models.CheckConstraint(
                condition=~Q(cost_option="flat_rate") | Q(flat_rate_percent__isnull=False),
                name="cost_category_flat_rate_has_percent",
            ),
            models.CheckConstraint(
                condition=~Q(cost_option="unit_cost") | Q(unit_rate__isnull=False),
                name="cost_category_unit_cost_has_rate",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(BilingualMixin, TimeStampedModel):
    """A node of the evaluation criteria tree: macro-criteria hold sub-criteria, leaves are scored."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("codice"), max_length=20)
    title = models.CharField(_("criterio"), max_length=255)
    title_en = models.CharField(_("criterio (inglese)"), max_length=255, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    max_points = models.DecimalField(_("punteggio massimo"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("peso"), max_digits=5, decimal_places=2, default=Decimal(1))
    min_points = models.DecimalField(
        _("soglia minima"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    is_bonus = models.BooleanField(_("punteggio premiale"), default=False)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterio di valutazione")
        verbose_name_plural = _("criteri di valutazione")
        ordering = ["call", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_points_positive"),
            models.CheckConstraint(
                condition=Q(min_points__isnull=True) | Q(min_points__lte=F("max_points")),
                name="criterion_threshold_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class RequiredDocument(BilingualMixin, TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_documents")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("documento"), max_length=255)
    title_en = models.CharField(_("documento (inglese)"), max_length=255, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    is_mandatory = models.BooleanField(_("obbligatorio"), default=True)
    per_partner = models.BooleanField(_("uno per ciascun partner"), default=False)
    allowed_types = models.JSONField(_("formati ammessi (MIME)"), default=list)
    max_size_mb = models.PositiveSmallIntegerField(_("dimensione massima (MB)"), default=10)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento richiesto")
        verbose_name_plural = _("documenti richiesti")
        ordering = ["call", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="required_document_code_unique")]

    def __str__(self) -> str:
        return self.title

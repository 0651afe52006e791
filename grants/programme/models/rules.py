"""The rules each call carries: reserves, cost categories, evaluation criteria and required documents."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.territory.models import CohesionDistrict, Province

from .calls import Call
from .common import BilingualMixin


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
    requires_signature = models.BooleanField(
        _("firma digitale richiesta"),
        default=False,
        help_text=_(
            "Il file deve essere firmato digitalmente (PDF PAdES o .p7m CAdES) dal legale rappresentante "
            "o da un delegato attivo dell'organizzazione: la firma si verifica al caricamento."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento richiesto")
        verbose_name_plural = _("documenti richiesti")
        ordering = ["call", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="required_document_code_unique")]

    def __str__(self) -> str:
        return self.title

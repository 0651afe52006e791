"""The programme's structure: Programme → Fund → Measure, and the measure's phases."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.territory.models import Region

from .common import BilingualMixin


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

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="funds"
    )
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
    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="measures"
    )
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

"""Region, provinces and comuni (ISTAT), enti gestori and Distretti della Coesione Sociale."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel

istat_municipality_code = RegexValidator(r"^\d{6}$", _("Il codice ISTAT del comune è di 6 cifre."))


class Region(TimeStampedModel):
    istat_code = models.CharField(_("codice ISTAT"), max_length=2, unique=True)
    name = models.CharField(_("nome"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regione")
        verbose_name_plural = _("regioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Province(TimeStampedModel):
    """A province or metropolitan city (ISTAT 'unità territoriale sovracomunale')."""

    region = models.ForeignKey(
        Region, verbose_name=_("regione"), on_delete=models.PROTECT, related_name="provinces"
    )
    istat_code = models.CharField(_("codice ISTAT"), max_length=3, unique=True)
    abbreviation = models.CharField(_("sigla"), max_length=2, unique=True)
    name = models.CharField(_("nome"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provincia")
        verbose_name_plural = _("province")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Municipality(TimeStampedModel):
    """A comune, identified by its 6-digit ISTAT code."""

    province = models.ForeignKey(
        Province, verbose_name=_("provincia"), on_delete=models.PROTECT, related_name="municipalities"
    )
    istat_code = models.CharField(
        _("codice ISTAT"), max_length=6, unique=True, validators=[istat_municipality_code]
    )
    name = models.CharField(_("denominazione"), max_length=150)
    cadastral_code = models.CharField(_("codice catastale"), max_length=4, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.province.abbreviation})"


class SocialServiceBodyForm(models.TextChoices):
    CONSORTIUM = "consorzio", _("Consorzio")
    MUNICIPALITY = "comune", _("Comune")
    UNION = "unione di comuni", _("Unione di comuni")
    MOUNTAIN_UNION = "unione montana", _("Unione montana")
    ASSOCIATION = "associazione di comuni", _("Associazione di comuni")
    HEALTH_AUTHORITY = "azienda sanitaria locale", _("Azienda sanitaria locale")


class SocialServiceBody(TimeStampedModel):
    """Ente gestore delle funzioni socio-assistenziali: who runs social care for a group of comuni."""

    name = models.CharField(_("denominazione"), max_length=255, unique=True)
    short_name = models.CharField(_("sigla"), max_length=80, blank=True)
    legal_form = models.CharField(_("forma giuridica"), max_length=40, choices=SocialServiceBodyForm.choices)
    seat = models.ForeignKey(
        Municipality,
        verbose_name=_("sede"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    province = models.ForeignKey(Province, verbose_name=_("provincia"), on_delete=models.PROTECT, null=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("comuni serviti"), blank=True, related_name="social_service_bodies"
    )
    notes = models.TextField(_("note"), blank=True)
    source_url = models.TextField(_("fonti"), blank=True)
    is_demo = models.BooleanField(_("dato dimostrativo"), default=False)

    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        verbose_name = _("ente gestore")
        verbose_name_plural = _("enti gestori")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class CohesionDistrict(TimeStampedModel):
    """Distretto della Coesione Sociale: the territorial partnership FSE1 is applied for."""

    code = models.CharField(_("codice"), max_length=60, unique=True)
    name = models.CharField(_("denominazione"), max_length=255)
    provinces = models.ManyToManyField(Province, verbose_name=_("province"), related_name="districts")
    bodies = models.ManyToManyField(
        SocialServiceBody, verbose_name=_("enti gestori"), blank=True, related_name="districts"
    )
    source_url = models.TextField(_("fonti"), blank=True)
    is_demo = models.BooleanField(_("dato dimostrativo"), default=False)

    history = HistoricalRecords(m2m_fields=[provinces, bodies])

    class Meta:
        verbose_name = _("Distretto della Coesione Sociale")
        verbose_name_plural = _("Distretti della Coesione Sociale")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

"""Monitoring: the catalogue of indicators (as data), targets per call and per project, the participants of
each project (codice fiscale kept only as a keyed hash), the monitoring reports that carry the actual values
with each progress report (SAL), participant imports, and the per-project finance summary the dashboards read.

Every write goes through grants.monitoring.services; reads through grants.monitoring.selectors (indicators)
and grants.monitoring.dashboard (dashboards).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import BilingualMixin, Call, Fund, Measure, Programme
from grants.projects.models import Project
from grants.territory.models import CohesionDistrict, Province

from .rules import RULE_CHOICES
from .states import (
    EducationLevel,
    EmploymentStatus,
    ImportStatus,
    IndicatorKind,
    IndicatorSubject,
    ReportStatus,
    Sex,
)


class Indicator(BilingualMixin, TimeStampedModel):
    """One indicator of the catalogue: an ESF common indicator (no measure) or a measure's own.

    ``rule`` says how the actual value is obtained: from the participants or the project's partners
    (grants.monitoring.rules), or ``reported`` (typed by the beneficiary in each monitoring report)."""

    code = models.CharField(_("codice"), max_length=30, unique=True)
    title = models.CharField(_("denominazione"), max_length=255)
    title_en = models.CharField(_("denominazione (inglese)"), max_length=255, blank=True)
    description = models.TextField(_("definizione"), blank=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=IndicatorKind.choices)
    subject = models.CharField(_("riferito a"), max_length=20, choices=IndicatorSubject.choices)
    unit = models.CharField(_("unità di misura"), max_length=40, default="numero")
    rule = models.CharField(_("modalità di calcolo"), max_length=40, choices=RULE_CHOICES, default="reported")
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("misura"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        help_text=_("Vuoto per gli indicatori comuni del fondo."),
    )
    fund_codes = models.JSONField(
        _("fondi a cui si applica"),
        default=list,
        blank=True,
        help_text=_("Codici dei fondi (es. FSE); vuoto = tutti."),
    )
    is_sensitive = models.BooleanField(
        _("categoria sensibile"),
        default=False,
        help_text=_("Conteggi su dati particolari (salute, origine, disagio): mai pubblicati per progetto."),
    )
    is_active = models.BooleanField(_("in uso"), default=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicatore")
        verbose_name_plural = _("indicatori")
        ordering = ["order", "code"]
        permissions = [
            ("view_dashboard", _("Consultare i cruscotti di monitoraggio")),
            ("view_sensitive_data", _("Vedere le categorie sensibili dei partecipanti")),
            ("set_targets", _("Fissare i target degli indicatori di bandi e progetti")),
            ("review_report", _("Approvare o restituire le relazioni di monitoraggio")),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    @property
    def is_reported(self) -> bool:
        return self.rule == "reported"

    def applies_to(self, measure: Measure) -> bool:
        if self.measure_id is not None and self.measure_id != measure.pk:
            return False
        return not self.fund_codes or measure.fund.code in self.fund_codes


class CallIndicatorTarget(TimeStampedModel):
    call = models.ForeignKey(Call, verbose_name=_("bando"), on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicatore"), on_delete=models.PROTECT)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target del bando")
        verbose_name_plural = _("target del bando")
        ordering = ["call", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "indicator"], name="call_indicator_target_once"),
            models.CheckConstraint(condition=Q(target__gte=0), name="call_indicator_target_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.target}"


class ProjectIndicatorTarget(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("progetto"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicatore"), on_delete=models.PROTECT)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target del progetto")
        verbose_name_plural = _("target del progetto")
        ordering = ["project", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="project_indicator_target_once"),
            models.CheckConstraint(condition=Q(target__gte=0), name="project_indicator_target_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.target}"

    @property
    def audit_organisation(self):
        return self.project.beneficiary


class Participant(TimeStampedModel):
    """A person reached by a project, counted once per project: the codice fiscale is validated, then kept
    only as HMAC-SHA256 with PARTICIPANT_ID_HASH_KEY (grants.monitoring.identity), never in clear."""

    project = models.ForeignKey(
        Project, verbose_name=_("progetto"), on_delete=models.CASCADE, related_name="participants"
    )
    person_hash = models.CharField(_("impronta del codice fiscale"), max_length=64, editable=False)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    age_at_entry = models.PositiveSmallIntegerField(_("età all'ingresso"))
    entry_date = models.DateField(_("data di ingresso"))
    exit_date = models.DateField(_("data di uscita"), null=True, blank=True)
    employment_status = models.CharField(
        _("condizione occupazionale all'ingresso"), max_length=30, choices=EmploymentStatus.choices
    )
    education_level = models.CharField(
        _("titolo di studio (ISCED)"), max_length=1, choices=EducationLevel.choices
    )
    # Sensitive (states.SENSITIVE_FIELDS).
    is_migrant = models.BooleanField(_("migrante / di origine straniera"), default=False)
    is_minority = models.BooleanField(
        _("appartenente a minoranze (comprese le comunità emarginate)"), default=False
    )
    has_disability = models.BooleanField(_("persona con disabilità"), default=False)
    is_other_disadvantaged = models.BooleanField(_("altra persona svantaggiata"), default=False)
    is_homeless = models.BooleanField(_("senza dimora o in esclusione abitativa"), default=False)
    # Household and residence at entry (ESF common indicators CO12, CO13, CO14, CO19).
    household_jobless = models.BooleanField(_("vive in una famiglia senza occupati"), default=False)
    household_dependent_children = models.BooleanField(
        _("vive in una famiglia con figli a carico"), default=False
    )
    household_single_adult = models.BooleanField(
        _("vive in una famiglia composta da un solo adulto"), default=False
    )
    lives_in_rural_area = models.BooleanField(_("risiede in una zona rurale"), default=False)
    # Results at exit.
    job_searching_on_exit = models.BooleanField(_("alla conclusione: in cerca di lavoro"), default=False)
    in_education_on_exit = models.BooleanField(
        _("alla conclusione: in istruzione o formazione"), default=False
    )
    qualification_on_exit = models.BooleanField(
        _("alla conclusione: ha ottenuto una qualifica"), default=False
    )
    employed_on_exit = models.BooleanField(_("alla conclusione: occupato/a"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source_import = models.ForeignKey(
        "ParticipantImport", on_delete=models.SET_NULL, null=True, blank=True, related_name="participants"
    )

    history = HistoricalRecords(excluded_fields=["person_hash"])

    class Meta:
        verbose_name = _("partecipante")
        verbose_name_plural = _("partecipanti")
        ordering = ["project", "entry_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person_hash"], name="participant_once_per_project"),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="participant_exit_after_entry",
            ),
        ]
        indexes = [models.Index(fields=["project", "entry_date"], name="participant_project_entry")]

    def __str__(self) -> str:
        return _("Partecipante n. %(pk)s") % {"pk": self.pk}

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @property
    def reference(self) -> str:
        """A short pseudonymous label for lists (never the codice fiscale)."""
        return self.person_hash[:8].upper()


def import_upload_to(instance: "ParticipantImport", filename: str) -> str:
    return f"monitoring/imports/{instance.project_id}/{instance.sha256}/{filename}"


class ParticipantImport(TimeStampedModel):
    """A CSV or XLSX file of participants, processed in the background: valid rows are saved, each invalid
    one is reported with its line and field."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    status = models.CharField(
        _("stato"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("righe"), default=0)
    processed_rows = models.PositiveIntegerField(_("righe elaborate"), default=0)
    created_count = models.PositiveIntegerField(_("partecipanti inseriti"), default=0)
    errors = models.JSONField(_("errori"), default=list, blank=True)
    failure = models.TextField(_("motivo del mancato completamento"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("completata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("importazione di partecipanti")
        verbose_name_plural = _("importazioni di partecipanti")
        ordering = ["project", "-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class MonitoringReport(TimeStampedModel):
    """Relazione di monitoraggio: the actual values of the indicators at a reference date, sent with each
    progress report (SAL). The finance context has no progress-report object, so the report is the project's
    own reporting period here; ``sal_reference`` names the SAL or expense claim it goes with."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="monitoring_reports")
    number = models.PositiveSmallIntegerField(_("numero"))
    period_end = models.DateField(_("dati al"))
    sal_reference = models.CharField(_("SAL / domanda di rimborso di riferimento"), max_length=80, blank=True)
    status = FSMField(
        _("stato"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, protected=False
    )
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("esaminata il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(_("note del funzionario"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relazione di monitoraggio")
        verbose_name_plural = _("relazioni di monitoraggio")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="monitoring_report_number_unique"),
        ]

    def __str__(self) -> str:
        return _("Relazione di monitoraggio n. %(number)s") % {"number": self.number}

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @transition(
        field=status, source=[ReportStatus.DRAFT, ReportStatus.RETURNED], target=ReportStatus.SUBMITTED
    )
    def submit(self):
        """The beneficiary sends it: computed values are frozen as of the reference date."""

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.APPROVED)
    def approve(self):
        """An officer accepts the values: they count on the dashboards."""

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.RETURNED)
    def send_back(self):
        """An officer asks for corrections, with a note."""


class IndicatorActual(TimeStampedModel):
    """The value of one indicator in one monitoring report (participants split by sex)."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("valore"), max_digits=12, decimal_places=2)
    women = models.PositiveIntegerField(_("di cui donne"), null=True, blank=True)
    men = models.PositiveIntegerField(_("di cui uomini"), null=True, blank=True)
    non_binary = models.PositiveIntegerField(_("di cui non binari / non dichiarato"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valore dell'indicatore")
        verbose_name_plural = _("valori degli indicatori")
        ordering = ["report", "indicator__order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_actual_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_actual_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


class ProjectFinanceSummary(models.Model):
    """One row per project with its dimensions and money (granted, paid, claimed, certified), refreshed from
    the projects and finance contexts on every change (receivers) and in full by ``refresh_monitoring``.

    The dashboards group and filter this table instead of the expense items: with a million items the
    aggregate over the items costs seconds, this one milliseconds (bench/dashboard/README.md)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, primary_key=True, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey(Province, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    district = models.ForeignKey(
        CohesionDistrict, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("stato del progetto"), max_length=20)
    granted = MoneyField(_("concesso"), default=ZERO)
    paid = MoneyField(_("pagato"), default=ZERO)
    claimed = MoneyField(_("rendicontato"), default=ZERO)
    certified = MoneyField(_("spesa ammessa (certificata)"), default=ZERO)
    refreshed_at = models.DateTimeField(_("aggiornato il"))

    class Meta:
        verbose_name = _("sintesi finanziaria del progetto")
        verbose_name_plural = _("sintesi finanziarie dei progetti")
        indexes = [
            models.Index(fields=["programme", "measure", "call"], name="finsummary_programme_tree"),
            models.Index(fields=["province"], name="finsummary_province"),
            models.Index(fields=["district"], name="finsummary_district"),
        ]

    def __str__(self) -> str:
        return str(self.project_id)

"""What the transparency context owns: the EU category of intervention of each measure (for the list of
operations), the accompaniment activities of FSE4 with their materials, and the knowledge base of funded
experiments (one sheet per project, written by the beneficiary and published after the Region's review)
with the declarations of interest in replicating them.

Every write goes through grants.transparency.services; the sheet's states are declared in
grants.transparency.states and its transitions here.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.programme.models import Measure
from grants.projects.models import Project
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Province

from .states import ActivityKind, SheetStatus


class MeasurePublication(TimeStampedModel):
    """What the publications of a measure's grants say beyond the data of the projects, configured by staff
    (not coded): the category of intervention (Reg. (EU) 2021/1060, Annex I, table 1) for the list of
    operations (art. 49), and the office and official responsible for the procedure (D.Lgs. 33/2013,
    art. 27)."""

    measure = models.OneToOneField(
        Measure, verbose_name=_("misura"), on_delete=models.CASCADE, related_name="publication"
    )
    intervention_code = models.CharField(_("codice del campo di intervento"), max_length=10, blank=True)
    intervention_label = models.CharField(_("campo di intervento"), max_length=255, blank=True)
    office = models.CharField(_("ufficio responsabile del procedimento"), max_length=255, blank=True)
    responsible_official = models.CharField(
        _("funzionario o dirigente responsabile del procedimento"), max_length=255, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dati di pubblicazione della misura")
        verbose_name_plural = _("dati di pubblicazione delle misure")

    def __str__(self) -> str:
        return str(self.measure)

    @property
    def intervention(self) -> str:
        if not self.intervention_code:
            return ""
        return f"{self.intervention_code} – {self.intervention_label}".strip(" –")


class AccompanimentActivity(TimeStampedModel):
    """A workshop, coaching session or community-of-practice event of the FSE4 accompaniment, for a
    territory (province, Distretto) and/or one funded project. Only the participants' count is kept:
    never who they were."""

    kind = models.CharField(_("tipo di attività"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("titolo"), max_length=255)
    description = models.TextField(_("descrizione"), blank=True)
    topics = models.CharField(
        _("temi trattati"), max_length=500, help_text=_("Separati da virgole, es. «coprogettazione, budget»")
    )
    organiser = models.CharField(
        _("soggetto che la realizza"),
        max_length=255,
        help_text=_("La Regione o il soggetto affidatario dell'accompagnamento."),
    )
    district = models.ForeignKey(
        CohesionDistrict,
        verbose_name=_("Distretto della Coesione Sociale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("provincia"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("progetto accompagnato"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompaniment_activities",
    )
    starts_on = models.DateField(_("data di inizio"))
    ends_on = models.DateField(_("data di fine"))
    hours = models.DecimalField(_("ore"), max_digits=6, decimal_places=1)
    participants_count = models.PositiveIntegerField(_("numero di partecipanti"), default=0)
    is_published = models.BooleanField(_("visibile nell'elenco pubblico"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrata da"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attività di accompagnamento")
        verbose_name_plural = _("attività di accompagnamento")
        ordering = ["-starts_on", "-pk"]
        permissions = [
            ("manage_accompaniment", _("Gestire le attività di accompagnamento (FSE4) e i loro materiali")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="activity_dates_ordered"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="activity_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_list(self) -> list[str]:
        return [topic.strip() for topic in self.topics.split(",") if topic.strip()]


def material_upload_to(instance: "AccompanimentMaterial", filename: str) -> str:
    return f"accompaniment/{instance.activity_id}/{instance.sha256}/{filename}"


class AccompanimentMaterial(TimeStampedModel):
    """Slides, handouts, templates of an activity: public when the activity is."""

    activity = models.ForeignKey(AccompanimentActivity, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("titolo"), max_length=255)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo (MIME)"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caricato da"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("materiale dell'attività")
        verbose_name_plural = _("materiali delle attività")
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.title


class ExperimentSheet(TimeStampedModel):
    """The knowledge-base sheet of a funded experiment: what it answered, how, for whom, at what cost, and
    what another territory needs to replicate it. Partners, territory and amounts come from the project.
    A draft may be half written (blank parts); the service requires every part at submission."""

    project = models.OneToOneField(
        Project, verbose_name=_("progetto"), on_delete=models.PROTECT, related_name="experiment_sheet"
    )
    need = models.TextField(_("bisogno affrontato"), blank=True)
    solution = models.TextField(_("soluzione sperimentata"), blank=True)
    themes = models.JSONField(_("temi"), default=list, blank=True)
    target_groups = models.JSONField(_("destinatari"), default=list, blank=True)
    results = models.TextField(_("risultati e indicatori"), blank=True)
    costs = models.TextField(
        _("costi"), blank=True, help_text=_("Come si sono distribuiti i costi, in parole e cifre.")
    )
    replication_requirements = models.TextField(
        _("cosa serve per replicarla in un altro territorio"), blank=True
    )
    sustainability = models.TextField(_("sostenibilità dopo il finanziamento"), blank=True)

    status = FSMField(
        _("stato"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.DRAFT, protected=False
    )
    submitted_at = models.DateTimeField(_("inviata in revisione il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revisionata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("note della revisione"), blank=True)
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheda dell'esperienza")
        verbose_name_plural = _("schede delle esperienze (banca delle conoscenze)")
        ordering = ["-published_at", "-pk"]
        permissions = [("review_experimentsheet", _("Revisionare e pubblicare le schede delle esperienze"))]

    def __str__(self) -> str:
        return str(self.project.title)

    @property
    def audit_organisation(self) -> Organisation:
        return self.project.beneficiary

    @transition(field=status, source=[SheetStatus.DRAFT, SheetStatus.RETURNED], target=SheetStatus.SUBMITTED)
    def submit(self):
        """The beneficiary sends the sheet to the Region's review."""

    @transition(field=status, source=SheetStatus.SUBMITTED, target=SheetStatus.PUBLISHED)
    def publish(self):
        """An officer publishes it in the public knowledge base."""

    @transition(
        field=status, source=[SheetStatus.SUBMITTED, SheetStatus.PUBLISHED], target=SheetStatus.RETURNED
    )
    def send_back(self):
        """An officer returns it to the beneficiary with the changes to make (a published one leaves the
        public knowledge base until published again)."""


class ReplicationInterest(TimeStampedModel):
    """Another organisation declares it wants to replicate a published experiment; the owners are told."""

    sheet = models.ForeignKey(ExperimentSheet, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organizzazione interessata"), on_delete=models.CASCADE, related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dichiarato da"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("messaggio ai titolari dell'esperienza"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interesse a replicare")
        verbose_name_plural = _("interessi a replicare")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "organisation"], name="replication_interest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.sheet}"

    @property
    def audit_organisation(self) -> Organisation:
        return self.organisation

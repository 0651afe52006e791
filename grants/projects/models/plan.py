"""The project's approved plan: budget lines, phases and milestones."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField, PercentField
from grants.programme.models import CallProjectPhase, CostCategory, CostOption

from .partners import ProjectPartner
from .project import Project


class ProjectBudgetLine(TimeStampedModel):
    """The approved budget per cost category (and partner). The cost option and its parameters are copied
    from the call's category so that a later change to the call does not change an approved project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.ForeignKey(
        CostCategory, verbose_name=_("voce di spesa"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        ProjectPartner,
        verbose_name=_("soggetto che sostiene la spesa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    cost_option = models.CharField(_("opzione di costo"), max_length=20, choices=CostOption.choices)
    flat_rate_percent = PercentField(_("tasso forfettario %"), null=True, blank=True)
    unit_rate = MoneyField(_("costo unitario"), null=True, blank=True)
    requested_amount = MoneyField(_("importo richiesto"), default=ZERO)
    approved_amount = MoneyField(_("importo approvato"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce del budget approvato")
        verbose_name_plural = _("budget approvato")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0) & Q(requested_amount__gte=0),
                name="project_budget_line_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}: {self.approved_amount}"


class ProjectPhase(TimeStampedModel):
    """A phase of the project, from the call's project phases (FSE1: progettazione, sperimentazione) laid
    end to end from the project's start; never from the measure's timeline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    call_phase = models.ForeignKey(
        CallProjectPhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("fase"), max_length=255)
    planned_start_date = models.DateField(_("inizio previsto"))
    planned_end_date = models.DateField(_("fine prevista"))
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fase del progetto")
        verbose_name_plural = _("fasi del progetto")
        ordering = ["project", "order", "planned_start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("planned_start_date")),
                name="project_phase_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectMilestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(
        ProjectPhase, on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("traguardo"), max_length=255)
    due_date = models.DateField(_("scadenza"))
    achieved_on = models.DateField(_("raggiunto il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("traguardo")
        verbose_name_plural = _("traguardi")
        ordering = ["project", "due_date", "order"]

    def __str__(self) -> str:
        return self.title

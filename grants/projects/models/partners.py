"""The partners of a project."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.applications.models import ApplicationPartner
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.registry.models import Organisation

from ..states import (
    PartnerRole,
)
from .project import Project


class ProjectPartner(TimeStampedModel):
    """The lead (capofila) and each partner of the project, with its share of the approved budget."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    application_partner = models.ForeignKey(
        ApplicationPartner,
        verbose_name=_("partner della domanda"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_partnerships",
    )
    name = models.CharField(_("denominazione"), max_length=255)
    role = models.CharField(
        _("ruolo"), max_length=10, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    budget_share = MoneyField(_("quota di budget"), default=ZERO)
    joined_on = models.DateField(_("ingresso il"), null=True, blank=True)
    withdrawn_on = models.DateField(_("uscita il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner del progetto")
        verbose_name_plural = _("partner del progetto")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(role="lead"), name="project_partner_one_lead"
            ),
            models.UniqueConstraint(
                fields=["project", "organisation"],
                condition=Q(organisation__isnull=False, withdrawn_on__isnull=True),
                name="project_partner_organisation_once",
            ),
            models.CheckConstraint(
                condition=Q(budget_share__gte=0), name="project_partner_share_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

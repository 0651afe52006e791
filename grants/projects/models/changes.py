"""Change requests (variations, extensions) with their decisions and budget variation items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.registry.models import Organisation

from ..states import (
    ChangeKind,
    ChangeStatus,
    PartnerAction,
)
from .partners import ProjectPartner
from .plan import ProjectBudgetLine
from .project import Project


class ProjectChange(TimeStampedModel):
    """A change asked for or decided on a project: each with its reason, decision and history.

    Budget variations carry their lines in ``BudgetVariationItem``; a partner change, an extension and a
    revocation their own fields below. Suspension, resumption, renunciation and revocation are recorded
    already decided (the one who asks is the one who decides).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("tipo"), max_length=20, choices=ChangeKind.choices)
    status = FSMField(
        _("esito"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.PENDING, protected=False
    )
    reason = models.TextField(_("motivazione"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesta da"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decisa da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_note = models.TextField(_("motivazione della decisione"), blank=True)

    # Budget variation: the share of the total cost moved between lines.
    moved_amount = MoneyField(_("importo spostato"), null=True, blank=True)
    moved_percent = PercentField(_("quota spostata %"), null=True, blank=True)
    # Extension (proroga).
    previous_end_date = models.DateField(_("fine prevista precedente"), null=True, blank=True)
    new_end_date = models.DateField(_("nuova fine prevista"), null=True, blank=True)
    # Revocation.
    previous_grant = MoneyField(_("contributo precedente"), null=True, blank=True)
    new_grant = MoneyField(_("nuovo contributo"), null=True, blank=True)
    # Partner change.
    partner_action = models.CharField(
        _("modifica del partenariato"), max_length=10, choices=PartnerAction.choices, blank=True
    )
    partner = models.ForeignKey(
        ProjectPartner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione che entra"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modifica del progetto")
        verbose_name_plural = _("modifiche del progetto")
        ordering = ["project", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.EXTENSION) | Q(new_end_date__isnull=False),
                name="project_change_extension_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.REVOCATION) | Q(new_grant__isnull=False),
                name="project_change_revocation_has_grant",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.PARTNER_CHANGE) | ~Q(partner_action=""),
                name="project_change_partner_has_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.APPROVED)
    def approve(self):
        """An officer approves (the service applies the change in the same transaction)."""

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.AUTO_APPROVED)
    def approve_automatically(self):
        """A budget variation within the call's tolerance."""

    @transition(field=status, source=ChangeStatus.PENDING, target=ChangeStatus.REJECTED)
    def reject(self):
        """An officer rejects; nothing changes on the project."""


class BudgetVariationItem(TimeStampedModel):
    """One line of a budget variation: its approved amount before and the amount asked."""

    change = models.ForeignKey(ProjectChange, on_delete=models.CASCADE, related_name="variation_items")
    budget_line = models.ForeignKey(ProjectBudgetLine, on_delete=models.PROTECT, related_name="+")
    previous_amount = MoneyField(_("importo precedente"))
    new_amount = MoneyField(_("nuovo importo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce della variazione")
        verbose_name_plural = _("voci della variazione")
        ordering = ["change", "budget_line__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["change", "budget_line"], name="variation_item_line_once"),
            models.CheckConstraint(
                condition=Q(previous_amount__gte=0) & Q(new_amount__gte=0),
                name="variation_item_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.previous_amount} → {self.new_amount}"

"""Recoveries of amounts unduly paid."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.projects.models import Project

from ..states import RecoveryStatus


class Recovery(TimeStampedModel):
    """Recupero: what was paid above the new grant after a revocation."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="recoveries")
    amount = MoneyField(_("importo da recuperare"))
    recovered_amount = MoneyField(_("importo recuperato"), default=ZERO)
    status = FSMField(
        _("stato"),
        max_length=20,
        choices=RecoveryStatus.choices,
        default=RecoveryStatus.OPEN,
        protected=False,
    )
    reason = models.TextField(_("motivazione"))
    paid_at_opening = MoneyField(_("pagato all'apertura"))
    new_grant = MoneyField(_("nuovo contributo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recupero")
        verbose_name_plural = _("recuperi")
        ordering = ["project", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
            models.CheckConstraint(
                condition=Q(recovered_amount__lte=F("amount")), name="recovery_not_above_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.amount} €"

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.recovered_amount

    @transition(
        field=status,
        source=[RecoveryStatus.OPEN, RecoveryStatus.PARTLY_RECOVERED],
        target=RecoveryStatus.PARTLY_RECOVERED,
    )
    def record_part(self):
        """Part of the amount came back."""

    @transition(
        field=status,
        source=[RecoveryStatus.OPEN, RecoveryStatus.PARTLY_RECOVERED],
        target=RecoveryStatus.RECOVERED,
    )
    def close(self):
        """Everything came back: payments may resume."""

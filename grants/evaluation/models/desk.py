"""The grant decisions of the sportello valutativo (first-come calls): one determinazione dirigenziale
(number, date) funds one or several booked applications, each with its amount and, where the call mixes
them, its grant and loan parts (grants.evaluation.desk states the order rule)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import Call


class GrantDecision(TimeStampedModel):
    """Determinazione di concessione of a first-come call."""

    call = models.ForeignKey(
        Call, verbose_name=_("bando"), on_delete=models.PROTECT, related_name="grant_decisions"
    )
    number = models.CharField(_("numero della determinazione"), max_length=40)
    date = models.DateField(_("data della determinazione"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrata da"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("registrata il"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("determinazione di concessione (sportello)")
        verbose_name_plural = _("determinazioni di concessione (sportello)")
        ordering = ["call", "-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="grant_decision_number_unique_per_call")
        ]

    def __str__(self) -> str:
        return str(_("Determinazione n. %(n)s del %(d)s") % {"n": self.number, "d": self.date})

    @property
    def approved_by(self):
        """Who granted (the name the projects context reads on a ranking too)."""
        return self.decided_by


class DecisionGrant(TimeStampedModel):
    """One application funded by a determination: the aid (``amount``) is the grant part plus the loan
    part, never more than the application had booked."""

    decision = models.ForeignKey(
        GrantDecision, verbose_name=_("determinazione"), on_delete=models.PROTECT, related_name="grants"
    )
    application = models.OneToOneField(
        Application, verbose_name=_("domanda"), on_delete=models.PROTECT, related_name="desk_grant"
    )
    amount = MoneyField(_("agevolazione concessa"))
    grant_amount = MoneyField(_("quota a fondo perduto"), default=ZERO)
    loan_amount = MoneyField(_("quota di finanziamento agevolato"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("concessione a sportello")
        verbose_name_plural = _("concessioni a sportello")
        ordering = ["decision", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="decision_grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount=F("grant_amount") + F("loan_amount")), name="decision_grant_parts_add_up"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} – {self.application}"

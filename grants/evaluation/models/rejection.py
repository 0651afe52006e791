"""Notices of intended rejection (preavviso di rigetto, art. 10-bis L. 241/1990).

Before a negative decision on an application, the office tells the applicant the reasons that stand in the
way; the applicant has a term (ten days, counted from the delivery of the PEC) to answer with written
observations, possibly with documents. The final decision must then say why observations, if any, were not
accepted. The law leaves competitive procedures (procedure concorsuali: ranking calls) out; on first-come
calls the notice is required before a formal check fails, and before a score below the minimum makes the
application not eligible (``stage``; grants.evaluation.services.rejection and .below_minimum).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel

from ..states import RejectionNoticeStatus, RejectionOutcome, RejectionStage
from .reading import FirstReading

# Art. 10-bis: "entro il termine di dieci giorni dal ricevimento della comunicazione".
OBSERVATION_DAYS = 10


class RejectionNotice(FirstReading, TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="rejection_notices")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inviato da"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("motivi ostativi"))
    term_days = models.PositiveSmallIntegerField(_("termine in giorni"), default=OBSERVATION_DAYS)
    # Empty while the PEC is not delivered: the term counts from the delivery (grants.evaluation.receivers);
    # without a PEC, from the first reading in the reserved area (``term_from_reading``).
    deadline = models.DateTimeField(_("scadenza per le osservazioni"), null=True, blank=True)
    status = FSMField(
        _("stato"),
        max_length=10,
        choices=RejectionNoticeStatus.choices,
        default=RejectionNoticeStatus.OPEN,
        protected=False,
    )
    observations = models.TextField(_("osservazioni"), blank=True)
    observations_document = models.FileField(
        _("documento allegato alle osservazioni"), upload_to="observations/%Y/", blank=True
    )
    observed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("osservazioni di"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    observed_at = models.DateTimeField(_("osservazioni ricevute il"), null=True, blank=True)
    # What the notice precedes: the formal check's decision (kept on the AdmissibilityReview) or, on the
    # sportello valutativo, the decision on a score below the minimum (kept here).
    stage = models.CharField(
        _("fase"), max_length=15, choices=RejectionStage.choices, default=RejectionStage.ADMISSIBILITY
    )
    outcome = models.CharField(
        _("esito"), max_length=15, choices=RejectionOutcome.choices, default=RejectionOutcome.NONE, blank=True
    )
    outcome_reasons = models.TextField(_("motivazione dell'esito"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deciso da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preavviso di rigetto")
        verbose_name_plural = _("preavvisi di rigetto")
        ordering = ["application", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="open"), name="rejection_one_open_per_application"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_status_display()}"

    @property
    def awaits_delivery(self) -> bool:
        """The term runs from the PEC's delivery (or the first reading), not yet happened: no deadline, the
        decision waits."""
        return self.deadline is None

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=RejectionNoticeStatus.OPEN, target=RejectionNoticeStatus.OBSERVED)
    def mark_observed(self):
        """The applicant sent observations within the term."""

    @transition(field=status, source=RejectionNoticeStatus.OPEN, target=RejectionNoticeStatus.LAPSED)
    def mark_lapsed(self):
        """The term passed without observations: the officer may decide."""

    @property
    def audit_organisation(self):
        return self.application.applicant

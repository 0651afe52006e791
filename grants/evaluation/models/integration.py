"""Integration requests (soccorso istruttorio) and the items they ask for."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel

from ..states import (
    IntegrationStatus,
)
from .reading import FirstReading

DEFAULT_INTEGRATION_DAYS = 10


# --- integration requests (soccorso istruttorio) ------------------------------------------------------------
class IntegrationRequest(FirstReading, TimeStampedModel):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="integration_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesta da"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("comunicazione"), blank=True)
    # Empty while the PEC notice is not delivered: the term (``term_days``) counts from its delivery
    # (grants.evaluation.receivers); without a PEC, from the first reading in the reserved area.
    deadline = models.DateTimeField(_("scadenza per la risposta"), null=True, blank=True)
    term_days = models.PositiveSmallIntegerField(_("termine in giorni"), null=True, blank=True)
    # Every item is answered with a document signed digitally by the applicant's legal representative or an
    # active delegate (grants.registry.signing), e.g. a declaration to complete.
    signature_required = models.BooleanField(_("documenti firmati digitalmente"), default=False)
    status = FSMField(
        _("stato"),
        max_length=10,
        choices=IntegrationStatus.choices,
        default=IntegrationStatus.OPEN,
        protected=False,
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("risposta di"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("richiesta di integrazione")
        verbose_name_plural = _("richieste di integrazione")
        ordering = ["application", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="integration_one_open_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_status_display()}"

    @property
    def awaits_delivery(self) -> bool:
        """The term runs from the PEC delivery (or the first reading), not yet happened: no deadline, nothing
        expires."""
        return self.deadline is None

    # --- state machine (services check the state first, then call these and save with audit) -------------
    @transition(field=status, source=IntegrationStatus.OPEN, target=IntegrationStatus.ANSWERED)
    def mark_answered(self):
        """The applicant answered every requested item before the deadline."""

    @transition(field=status, source=IntegrationStatus.OPEN, target=IntegrationStatus.EXPIRED)
    def mark_expired(self):
        """The deadline passed without an answer: the application is not admissible."""

    @property
    def audit_organisation(self):
        return self.application.applicant


class IntegrationItem(TimeStampedModel):
    """One thing the officer asks for; the applicant answers exactly these items, nothing else."""

    request = models.ForeignKey(IntegrationRequest, on_delete=models.CASCADE, related_name="items")
    description = models.CharField(_("elemento richiesto"), max_length=500)
    response = models.TextField(_("risposta"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    # The document answering the item (a PDF, or a signed PDF / .p7m), judged by content at upload; a signed
    # one is verified (grants.registry.signing) and its signer kept.
    document = models.FileField(_("documento"), upload_to="integrations/%Y/", blank=True, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255, blank=True)
    signature_format = models.CharField(_("formato della firma"), max_length=10, blank=True)
    signer_name = models.CharField(_("firmatario"), max_length=255, blank=True)
    signer_fiscal_code = models.CharField(_("codice fiscale del firmatario"), max_length=16, blank=True)
    signed_at = models.DateTimeField(_("firmato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("elemento da integrare")
        verbose_name_plural = _("elementi da integrare")
        ordering = ["request", "order", "pk"]

    def __str__(self) -> str:
        return self.description

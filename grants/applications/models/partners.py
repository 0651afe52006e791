"""The partnership of an application: its partners, their role and their confirmation."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import PercentField
from grants.core.vocabulary import LegalForm
from grants.registry.models import Organisation

from ..states import PartnerRole
from .application import Application


class ApplicationPartner(TimeStampedModel):
    """The lead applicant (capofila) and each partner, registered or still to be registered."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partnerships",
    )
    name = models.CharField(_("denominazione (soggetto non ancora registrato)"), max_length=255, blank=True)
    legal_form = models.CharField(
        _("categoria giuridica dichiarata"), max_length=30, choices=LegalForm.choices, blank=True
    )
    role = models.CharField(
        _("ruolo"), max_length=10, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    share_percent = PercentField(_("quota di partecipazione %"), default=Decimal(0))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adesione confermata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("adesione confermata il"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    # A body not registered yet: where to invite it to register and confirm, and the last invitation sent.
    email = models.EmailField(_("e-mail o PEC per l'invito"), blank=True)
    invitation_sent_to = models.EmailField(_("invito inviato a"), blank=True)
    invitation_sent_at = models.DateTimeField(_("invito inviato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partner")
        ordering = ["application", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(name=""), name="partner_organisation_or_name"
            ),
            models.UniqueConstraint(
                fields=["application", "organisation"],
                condition=Q(organisation__isnull=False),
                name="partner_organisation_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["application"], condition=Q(role="lead"), name="partner_one_lead_per_application"
            ),
            models.CheckConstraint(
                condition=(Q(confirmed_at__isnull=True) & Q(confirmed_by__isnull=True))
                | (Q(confirmed_at__isnull=False) & Q(confirmed_by__isnull=False)),
                name="partner_confirmation_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name

    @property
    def effective_legal_form(self) -> str:
        return self.organisation.legal_form if self.organisation_id else self.legal_form

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

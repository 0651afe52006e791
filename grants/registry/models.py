"""Organisations that apply for and receive grants, and the people who act for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.vocabulary import CompanySize, LegalForm
from grants.territory.models import Municipality, SocialServiceBody


class Organisation(TimeStampedModel):
    name = models.CharField(_("denominazione"), max_length=255)
    legal_form = models.CharField(_("categoria giuridica"), max_length=30, choices=LegalForm.choices)
    company_size = models.CharField(
        _("dimensione d'impresa"), max_length=10, choices=CompanySize.choices, blank=True
    )
    runts_number = models.CharField(_("numero di iscrizione RUNTS"), max_length=30, blank=True)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, unique=True)
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True)
    seat = models.ForeignKey(
        Municipality, verbose_name=_("sede legale (comune)"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("indirizzo"), max_length=255, blank=True)
    pec = models.EmailField(_("PEC"), blank=True)
    legal_representative_first_name = models.CharField(_("nome del legale rappresentante"), max_length=150)
    legal_representative_last_name = models.CharField(_("cognome del legale rappresentante"), max_length=150)
    legal_representative_fiscal_code = models.CharField(
        _("codice fiscale del legale rappresentante"), max_length=16
    )
    social_service_body = models.OneToOneField(
        SocialServiceBody,
        verbose_name=_("ente gestore corrispondente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
        help_text=_("Per gli enti gestori: il record del territorio che questa organizzazione rappresenta."),
    )
    is_demo = models.BooleanField(_("dato dimostrativo"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_form="company") | ~Q(company_size=""),
                name="organisation_company_has_size",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legale rappresentante")
    DELEGATE = "delegate", _("Delegato")


class Membership(TimeStampedModel):
    """A user may act for an organisation: as its legal representative or as a delegate they granted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("ruolo"), max_length=30, choices=MembershipRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revocata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("abilitazione")
        verbose_name_plural = _("abilitazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="membership_one_active_per_user_and_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

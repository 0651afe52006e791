"""Vocabulary shared by several contexts (DOMAIN.md).

Kept here so that calls (programme) can name the kinds of
applicant they admit without importing the registry that holds the organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    """Categories that calls use to say who may apply (as lead or partner)."""

    PUBLIC_BODY = "public_body", _("Comune / ente pubblico")
    SOCIAL_SERVICE_BODY = "social_service_body", _("Ente gestore delle funzioni socio-assistenziali")
    THIRD_SECTOR = "third_sector", _("Ente del terzo settore (ETS)")
    SOCIAL_COOPERATIVE = "social_cooperative", _("Cooperativa sociale")
    VOLUNTEER_ASSOCIATION = "volunteer_association", _("Associazione di volontariato")
    COMPANY = "company", _("Impresa")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro impresa")
    SMALL = "small", _("Piccola impresa")
    MEDIUM = "medium", _("Media impresa")
    LARGE = "large", _("Grande impresa")

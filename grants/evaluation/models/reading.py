"""What a notice to the applicant records of its first reading (presa visione): without a PEC the term of an
integration request or of a notice of intended rejection runs from it (grants.evaluation.services.reading)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FirstReading(models.Model):
    # Without a PEC the communication is the notice in the reserved area, and the term runs from its first
    # reading by a member of the organisation.
    term_from_reading = models.BooleanField(_("termine dalla presa visione"), default=False)
    seen_at = models.DateTimeField(_("presa visione il"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presa visione da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

"""Click day: the arrival of a submission, durably recorded before it has a protocol number.

The intake (``services.submission.submit``) writes one row per submission and commits, locking nothing that
another submission needs; the sequencer (``services.sequencer``) then numbers the arrivals in the order of
this table's primary key, which a database sequence hands out at insert: that order is the legal order of
arrival. The row is never deleted and keeps, once sequenced, the protocol number it led to.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.programme.models import Call

from .application import Application, format_protocol


class Arrival(models.Model):
    """One submission received: who sent which application when, with which key and which fingerprint."""

    id = models.BigAutoField(_("numero di arrivo"), primary_key=True)
    application = models.OneToOneField(
        Application, verbose_name=_("domanda"), on_delete=models.PROTECT, related_name="arrival"
    )
    call = models.ForeignKey(Call, verbose_name=_("bando"), on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("ricevuta il"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inviata da"), on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(_("chiave di idempotenza"), max_length=100)
    fingerprint = models.CharField(_("impronta SHA-256"), max_length=64)
    # Set by the sequencer, in the same transaction as the application's number and booking.
    sequenced_at = models.DateTimeField(_("protocollata il"), null=True, blank=True)
    protocol_year = models.PositiveSmallIntegerField(_("anno di protocollo"), null=True, blank=True)
    protocol_number = models.PositiveIntegerField(_("numero di protocollo"), null=True, blank=True)

    class Meta:
        verbose_name = _("arrivo di una domanda")
        verbose_name_plural = _("arrivi delle domande")
        ordering = ["id"]
        indexes = [
            # The sequencer's queue: the arrivals still without a number, in order (small, partial).
            models.Index(fields=["id"], condition=Q(sequenced_at__isnull=True), name="arrival_pending"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol_year", "protocol_number"], name="arrival_protocol_unique"
            ),
            models.CheckConstraint(
                condition=(Q(sequenced_at__isnull=True) & Q(protocol_number__isnull=True))
                | (Q(sequenced_at__isnull=False) & Q(protocol_number__isnull=False)),
                name="arrival_sequenced_has_protocol",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {format_protocol(self.protocol_year, self.protocol_number) or '…'}"

    @property
    def protocol(self) -> str:
        return format_protocol(self.protocol_year, self.protocol_number)

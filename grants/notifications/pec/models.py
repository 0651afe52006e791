"""Formal notices sent by PEC and the receipts the providers return for them.

A ``PecNotice`` is one certified message to one PEC address (integration request, notice of intended
rejection under art. 10-bis L. 241/1990, grant decision, revocation). Its ``message_id`` is what the
providers' receipts refer to (``msgid`` of ``daticert.xml``); its deadline counts from the delivery receipt
(``delivered_at`` + ``term_days``). Each ``PecReceipt`` keeps the received message as evidence.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from grants.core.models import TimeStampedModel


class PecKind(models.TextChoices):
    INTEGRATION_REQUEST = "integration_request", _("Richiesta di integrazione")
    REJECTION_NOTICE = "rejection_notice", _("Preavviso di rigetto (art. 10-bis L. 241/1990)")
    GRANT_DECISION = "grant_decision", _("Provvedimento di concessione")
    REVOCATION = "revocation", _("Revoca")


class PecStatus(models.TextChoices):
    QUEUED = "queued", _("In coda di invio")
    SENT = "sent", _("Inviata al gestore")
    ACCEPTED = "accepted", _("Accettata dal gestore")
    DELIVERED = "delivered", _("Consegnata")
    NOT_ACCEPTED = "not_accepted", _("Non accettata")
    DELIVERY_ERROR = "delivery_error", _("Errore di consegna")
    UNDELIVERABLE = "undeliverable", _("Non inviabile")


# What the officer must look at: anything not (yet) delivered.
UNDELIVERED_STATUSES = frozenset(
    {
        PecStatus.QUEUED,
        PecStatus.SENT,
        PecStatus.ACCEPTED,
        PecStatus.NOT_ACCEPTED,
        PecStatus.DELIVERY_ERROR,
        PecStatus.UNDELIVERABLE,
    }
)


class PecNotice(TimeStampedModel):
    kind = models.CharField(_("tipo di comunicazione"), max_length=32, choices=PecKind.choices)
    call = models.ForeignKey(
        "programme.Call",
        verbose_name=_("bando"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("destinatario"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.EmailField(_("indirizzo PEC del destinatario"), blank=True)
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(_("id dell'oggetto"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    term_days = models.PositiveSmallIntegerField(_("termine in giorni dalla consegna"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("stato"), max_length=16, choices=PecStatus.choices, default=PecStatus.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accettata il"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("consegnata il"), null=True, blank=True)
    deadline = models.DateTimeField(_("scadenza"), null=True, blank=True)
    error = models.TextField(_("errore"), blank=True)

    class Meta:
        verbose_name = _("comunicazione PEC")
        verbose_name_plural = _("comunicazioni PEC")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.recipient}"


class PecReceipt(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", _("Caricata dal funzionario")
        IMAP = "imap", _("Scaricata dalla casella PEC")

    notice = models.ForeignKey(PecNotice, on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(_("tipo di ricevuta"), max_length=32)
    moment = models.DateTimeField(_("data e ora certificate"))
    recipient = models.CharField(_("destinatario"), max_length=500, blank=True)
    provider_id = models.CharField(_("identificativo del gestore"), max_length=255, blank=True)
    error = models.CharField(_("errore"), max_length=500, blank=True)
    source = models.CharField(_("provenienza"), max_length=8, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrata il"), auto_now_add=True)
    raw = models.BinaryField(_("messaggio ricevuto"), editable=False)

    class Meta:
        verbose_name = _("ricevuta PEC")
        verbose_name_plural = _("ricevute PEC")
        ordering = ["notice", "moment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=("notice", "kind", "recipient", "provider_id"), name="notifications_pecreceipt_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} – {self.notice}"

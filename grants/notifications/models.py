"""In-app notifications, each user's e-mail preferences per event, and the reminders already sent."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel

from .events import label_of


class Notification(TimeStampedModel):
    """One message to one person; also sent by e-mail when their preference for the event allows it.

    ``event`` is one of ``grants.notifications.events`` (no ``choices``: a new event needs no migration).
    ``link`` is a path inside the platform (``/domande/12/``); ``target`` optionally names the object the
    notification is about. ``email_sent_at`` makes the sending task idempotent: it sends only while empty.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinatario"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organizzazione"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.CharField(_("evento"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("generata da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Chi ha compiuto l'azione notificata (vuoto per gli avvisi automatici)."),
    )
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    link = models.CharField(_("collegamento"), max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(_("id dell'oggetto"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    attachments = models.JSONField(_("allegati"), default=list, blank=True)
    email_wanted = models.BooleanField(_("da inviare per e-mail"), default=False)
    email_queued_at = models.DateTimeField(_("e-mail messa in coda il"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail inviata il"), null=True, blank=True)
    read_at = models.DateTimeField(_("letta il"), null=True, blank=True)

    # Reading and sending change only bookkeeping columns: the history keeps what was said to whom.
    history = HistoricalRecords(excluded_fields=["read_at", "email_queued_at", "email_sent_at"])

    class Meta:
        verbose_name = _("notifica")
        verbose_name_plural = _("notifiche")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the "unread" filter of the list.
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def event_label(self) -> str:
        return label_of(self.event)


class NotificationPreference(TimeStampedModel):
    """Whether a user wants the e-mail of one event (no row: yes). In-app notifications are always on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(_("evento"), max_length=64)
    email = models.BooleanField(_("ricevi per e-mail"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preferenza di notifica")
        verbose_name_plural = _("preferenze di notifica")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_one_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {label_of(self.event)}: {'e-mail' if self.email else 'solo in app'}"


class SentReminder(models.Model):
    """A reminder already sent, by key (object and threshold), so that a scheduled run never repeats it."""

    key = models.CharField(_("chiave"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("inviato il"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("destinatari"), default=0)

    class Meta:
        verbose_name = _("promemoria inviato")
        verbose_name_plural = _("promemoria inviati")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key


class ExternalEmail(TimeStampedModel):
    """An e-mail to an address that is nobody's account yet (e.g. the invitation of a partner still to be
    registered): no in-app notification, no preference to follow. Written in the caller's transaction and sent
    by an idempotent task when it commits, like a notification's e-mail (``email_sent_at`` while empty)."""

    event = models.CharField(_("evento"), max_length=50)
    to = models.EmailField(_("destinatario"))
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mittente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("tipo di oggetto"), on_delete=models.CASCADE, null=True, blank=True
    )
    target_id = models.CharField(_("oggetto"), max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    email_queued_at = models.DateTimeField(_("e-mail in coda il"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail inviata il"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail a un indirizzo esterno")
        verbose_name_plural = _("e-mail a indirizzi esterni")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


# Formal notices by PEC live in their own module; imported here so that Django finds them.
from .pec.models import PecNotice, PecReceipt  # noqa: E402, F401

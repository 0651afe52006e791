"""Building blocks shared by every bounded context."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """An audit event, once written, is never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Gli eventi di audit non si modificano.")

    def delete(self):
        raise AppendOnlyError("Gli eventi di audit non si cancellano.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Gli eventi di audit non si modificano.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError("Gli eventi di audit non si modificano.")


class AuditEvent(models.Model):
    """One thing someone did, append-only: who, acting for which organisation, on which object, before/after.

    Written by ``grants.core.audit.record_event`` (and by every ``save_audited``). The ORM refuses updates and
    deletions; on PostgreSQL a trigger refuses them in the database as well (migration 0002).
    The actor is a plain reference (no database constraint) so that the trail outlives the account, and its
    label is kept as text; the organisation is kept as id + name because core cannot import the registry.
    """

    timestamp = models.DateTimeField(_("data e ora"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("autore (come registrato)"), max_length=255, blank=True)
    organisation_id = models.BigIntegerField(_("organizzazione (id)"), null=True, blank=True)
    organisation_name = models.CharField(_("organizzazione"), max_length=255, blank=True)
    action = models.CharField(_("azione"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("tipo di oggetto"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("id dell'oggetto"), max_length=64, blank=True)
    object_repr = models.CharField(_("oggetto"), max_length=255, blank=True)
    before = models.JSONField(_("prima"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("dopo"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    reason = models.CharField(_("motivazione"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    request_id = models.CharField(_("id della richiesta"), max_length=64, blank=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "timestamp"], name="core_audit_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Gli eventi di audit non si modificano.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Gli eventi di audit non si cancellano.")

    @property
    def object_type(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}" if self.content_type_id else ""

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field named in either side, in a stable order."""
        names = list(dict.fromkeys([*self.before, *self.after]))
        return [(name, self.before.get(name), self.after.get(name)) for name in names]

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A background task that failed after all its retries; staff can inspect it and run it again."""

    task_name = models.CharField(_("attività"), max_length=200, db_index=True)
    task_id = models.CharField(_("id dell'ultima esecuzione"), max_length=64, blank=True)
    args = models.JSONField(_("argomenti"), default=list, blank=True, encoder=DjangoJSONEncoder)
    kwargs = models.JSONField(_("argomenti con nome"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("errore"))
    traceback = models.TextField(_("traceback"), blank=True)
    attempts = models.PositiveIntegerField(_("tentativi"), default=1)
    reruns = models.PositiveIntegerField(_("riesecuzioni manuali"), default=0)
    request_id = models.CharField(_("id della richiesta"), max_length=128, blank=True)
    first_failed_at = models.DateTimeField(_("primo fallimento"))
    last_failed_at = models.DateTimeField(_("ultimo fallimento"))
    resolved_at = models.DateTimeField(_("risolta il"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rieseguita da"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attività fallita")
        verbose_name_plural = _("attività fallite")
        ordering = ["-last_failed_at", "-pk"]
        indexes = [models.Index(fields=["resolved_at", "-last_failed_at"], name="ops_failed_open_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.last_failed_at:%Y-%m-%d %H:%M})"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None

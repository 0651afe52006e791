"""The documents attached to an application and the call's document archives, with their upload paths."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.programme.models import Call, RequiredDocument

from .application import Application
from .partners import ApplicationPartner


def document_upload_to(instance: "ApplicationDocument", filename: str) -> str:
    return f"applications/{instance.application_id}/{instance.sha256}/{filename}"


class ApplicationDocument(TimeStampedModel):
    """A file attached to an application for one of the call's required documents; its SHA-256 enters the
    submission fingerprint."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        RequiredDocument, verbose_name=_("documento richiesto"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        ApplicationPartner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo (MIME)"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("caricato da"), on_delete=models.PROTECT, related_name="+"
    )
    # A document the call wants signed: the signature verified at upload (grants/core/signatures.py).
    signature_format = models.CharField(_("formato della firma"), max_length=10, blank=True)
    signer_name = models.CharField(_("firmatario"), max_length=255, blank=True)
    signer_fiscal_code = models.CharField(_("codice fiscale del firmatario"), max_length=16, blank=True)
    signed_at = models.DateTimeField(_("firmato il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documento allegato")
        verbose_name_plural = _("documenti allegati")
        ordering = ["application", "required_document", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DocumentArchiveStatus(models.TextChoices):
    PENDING = "pending", _("In coda")
    RUNNING = "running", _("In preparazione")
    DONE = "done", _("Pronto")
    FAILED = "failed", _("Non riuscito")
    EXPIRED = "expired", _("Scaduto (eliminato)")


def document_archive_upload_to(instance: "DocumentArchive", filename: str) -> str:
    return f"archives/{instance.call_id}/{instance.pk}/{filename}"


class DocumentArchive(TimeStampedModel):
    """A zip of the current documents of a call's submitted applications, made in the background for an
    officer (grants.applications.bulk_download): its progress, its file once ready, or why it failed."""

    call = models.ForeignKey(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, related_name="document_archives"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("richiesto da"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=DocumentArchiveStatus.choices,
        default=DocumentArchiveStatus.PENDING,
    )
    done = models.PositiveIntegerField(_("documenti elaborati"), default=0)
    total = models.PositiveIntegerField(_("documenti da elaborare"), default=0)
    applications = models.PositiveIntegerField(_("domande comprese"), default=0)
    file = models.FileField(_("archivio"), upload_to=document_archive_upload_to, max_length=500, blank=True)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"), default=0)
    sha256 = models.CharField(_("impronta SHA-256 dell'archivio"), max_length=64, blank=True)
    error = models.TextField(_("errore"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    started_at = models.DateTimeField(_("avviato il"), null=True, blank=True)
    finished_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    class Meta:
        verbose_name = _("archivio dei documenti")
        verbose_name_plural = _("archivi dei documenti")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="document_archive_progress"),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="document_archive_done_has_file"
            ),
        ]
        indexes = [
            models.Index(fields=["call", "requested_by", "-created_at"], name="document_archive_by_user")
        ]

    def __str__(self) -> str:
        return f"{self.call.code} #{self.pk}" if self.call_id else f"#{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            DocumentArchiveStatus.DONE,
            DocumentArchiveStatus.FAILED,
            DocumentArchiveStatus.EXPIRED,
        )

    @property
    def percent(self) -> int:
        if self.status == DocumentArchiveStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

"""The formal check (istruttoria di ammissibilità): the call's checklist, the review of an application with
its answers, and the notice sent to the applicant."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.applications.models import Application
from grants.core.models import TimeStampedModel
from grants.programme.models import Call


# --- admissibility ------------------------------------------------------------------------------------------
class AdmissibilityItem(TimeStampedModel):
    """A point of the call's formal checklist, checked by the officer on every application."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="admissibility_items")
    code = models.SlugField(_("codice"), max_length=40)
    title = models.CharField(_("verifica"), max_length=255)
    description = models.TextField(_("descrizione"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce della lista di controllo")
        verbose_name_plural = _("lista di controllo dell'ammissibilità")
        ordering = ["call", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="admissibility_item_code_unique")
        ]

    def __str__(self) -> str:
        return self.title


class AdmissibilityOutcome(models.TextChoices):
    PENDING = "pending", _("In istruttoria")
    ADMISSIBLE = "admissible", _("Ammissibile")
    NOT_ADMISSIBLE = "not_admissible", _("Non ammissibile")


class AdmissibilityReview(TimeStampedModel):
    """The formal check of one application: the officer's answers to the checklist and the outcome."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="admissibility_review"
    )
    outcome = models.CharField(
        _("esito"), max_length=20, choices=AdmissibilityOutcome.choices, default=AdmissibilityOutcome.PENDING
    )
    reasons = models.TextField(_("motivazione"), blank=True)
    automatic_violations = models.JSONField(
        _("esito delle verifiche automatiche"), default=list, blank=True, editable=False
    )
    decided_by = models.ForeignKey(  # empty: decided by the platform (integration deadline passed)
        settings.AUTH_USER_MODEL,
        verbose_name=_("deciso da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("deciso il"), null=True, blank=True)
    # Codes of the call's project-type reserves (linee) the officer recognised the project in: unlike a
    # territory or a kind of applicant, the type of a project is a judgement of the formal check.
    project_lines = models.JSONField(_("linee di progetto riconosciute"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("istruttoria di ammissibilità")
        verbose_name_plural = _("istruttorie di ammissibilità")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_at__isnull=False),
                name="admissibility_decision_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="not_admissible") | ~Q(reasons=""),
                name="admissibility_refusal_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def audit_organisation(self):
        return self.application.applicant


class AdmissibilityAnswer(TimeStampedModel):
    review = models.ForeignKey(AdmissibilityReview, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(AdmissibilityItem, on_delete=models.PROTECT, related_name="+")
    satisfied = models.BooleanField(_("verificato"), null=True)
    note = models.CharField(_("nota"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verifica di ammissibilità")
        verbose_name_plural = _("verifiche di ammissibilità")
        ordering = ["review", "item__order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="admissibility_answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.satisfied}"


class Notice(TimeStampedModel):
    """A communication to the applicant, kept in the platform (outcome of the formal check, integration
    requests, ranking outcome): the applicant reads it on their pages."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices")
    subject = models.CharField(_("oggetto"), max_length=255)
    body = models.TextField(_("testo"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inviata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comunicazione al proponente")
        verbose_name_plural = _("comunicazioni ai proponenti")
        ordering = ["application", "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

"""RNA records: what is (to be) sent to the Registro Nazionale Aiuti for each concession, variation and
revocation of a project's aid (grants.finance.rna)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.projects.models import Project

from ..states import RnaInstrument, RnaKind, RnaRegime, RnaStatus


class RnaRecord(TimeStampedModel):
    """One message to the RNA: the data of the concession as it stands at the record's date."""

    project = models.ForeignKey(
        Project, verbose_name=_("progetto"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=RnaKind.choices)
    status = models.CharField(_("stato"), max_length=20, choices=RnaStatus.choices, default=RnaStatus.TO_SEND)
    car = models.CharField(_("codice CAR della misura"), max_length=10, blank=True)
    regime = models.CharField(_("regime"), max_length=20, choices=RnaRegime.choices)
    instrument = models.CharField(_("strumento"), max_length=20, choices=RnaInstrument.choices)
    beneficiary_fiscal_code = models.CharField(_("codice fiscale del beneficiario"), max_length=16)
    beneficiary_name = models.CharField(_("beneficiario"), max_length=255)
    cup = models.CharField(_("CUP"), max_length=15, blank=True)
    nominal_amount = MoneyField(_("importo nominale concesso"))
    aid_amount = MoneyField(_("elemento di aiuto (ESL)"))
    previous_aid_amount = MoneyField(_("elemento di aiuto precedente"), default=ZERO)
    concession_date = models.DateField(_("data di concessione"))
    act_date = models.DateField(_("data dell'atto"))
    reason = models.CharField(_("motivazione"), max_length=255, blank=True)
    cor = models.CharField(_("codice COR"), max_length=20, blank=True)
    refusal_reason = models.CharField(_("motivo del rifiuto"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("trasmesso il"), null=True, blank=True)
    answered_at = models.DateTimeField(_("esito del"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registrazione RNA")
        verbose_name_plural = _("registrazioni RNA")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(kind="registration"), name="rna_one_registration_per_project"
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | ~Q(cor=""), name="rna_registered_has_cor"
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="rna_status_kind")]

    def __str__(self) -> str:
        return f"RNA {self.get_kind_display()} – {self.project}"

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @property
    def request_id(self) -> str:
        """Our identifier of the message (IdRichiesta): unique per installation and record."""
        return f"WECARE-{self.pk}"

    @property
    def original_cor(self) -> str:
        """The COR of the concession a variation or revocation refers to."""
        return self.project.rna_cor

"""Loans: the loan granted to a project, its instalments and its repayments."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.projects.models import Project

from ..gge import Collateral, RatingCategory


class Loan(TimeStampedModel):
    """Finanziamento agevolato (FESR) with its French amortisation schedule."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="loan")
    principal = MoneyField(_("capitale"))
    annual_rate_percent = models.DecimalField(_("tasso annuo %"), max_digits=6, decimal_places=3)
    term_months = models.PositiveSmallIntegerField(_("durata (mesi, preammortamento compreso)"))
    pre_amortisation_months = models.PositiveSmallIntegerField(_("preammortamento (mesi)"), default=0)
    frequency_months = models.PositiveSmallIntegerField(
        _("periodicità delle rate (mesi)"),
        choices=[(1, _("mensile")), (3, _("trimestrale")), (6, _("semestrale")), (12, _("annuale"))],
        default=6,
    )
    first_due_date = models.DateField(_("scadenza della prima rata"))
    # The aid in the loan (grants.finance.gge, Communication 2008/C 14/02): it counts for de minimis and RNA.
    rating_category = models.CharField(
        _("categoria di rating"),
        max_length=20,
        choices=RatingCategory.CHOICES,
        default=RatingCategory.SATISFACTORY,
    )
    collateral_level = models.CharField(
        _("livello di garanzie"), max_length=10, choices=Collateral.CHOICES, default=Collateral.NORMAL
    )
    base_rate_percent = models.DecimalField(_("tasso base UE %"), max_digits=6, decimal_places=3, default=0)
    reference_rate_percent = models.DecimalField(
        _("tasso di riferimento %"), max_digits=6, decimal_places=3, default=0
    )
    gross_grant_equivalent = MoneyField(_("equivalente sovvenzione lordo (ESL)"), default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finanziamento agevolato")
        verbose_name_plural = _("finanziamenti agevolati")
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(condition=Q(annual_rate_percent__gte=0), name="loan_rate_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project} – {self.principal} €"

    @property
    def audit_organisation(self):
        return self.project.beneficiary


class LoanInstalment(TimeStampedModel):
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("rata n."))
    due_date = models.DateField(_("scadenza"))
    is_pre_amortisation = models.BooleanField(_("preammortamento"), default=False)
    principal = MoneyField(_("quota capitale"))
    interest = MoneyField(_("quota interessi"))
    amount = MoneyField(_("importo della rata"))
    outstanding_after = MoneyField(_("debito residuo"))
    paid_amount = MoneyField(_("importo rimborsato"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rata")
        verbose_name_plural = _("piano di ammortamento")
        ordering = ["loan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="loan_instalment_number_unique"),
            models.CheckConstraint(condition=Q(paid_amount__lte=F("amount")), name="instalment_not_overpaid"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.amount} €"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid_amount


class LoanRepayment(TimeStampedModel):
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="repayments")
    paid_on = models.DateField(_("data del rimborso"))
    amount = MoneyField(_("importo"))
    reference = models.CharField(_("riferimento (CRO/TRN)"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rimborso del finanziamento")
        verbose_name_plural = _("rimborsi del finanziamento")
        ordering = ["loan", "paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.paid_on}: {self.amount} €"

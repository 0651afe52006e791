"""The payment plan of a call (advance, interim thresholds, retention), guarantees and payments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import MoneyField, PercentField
from grants.programme.models import Call
from grants.projects.models import Project

from ..ceilings import PlanTerms
from ..states import PaymentKind, PaymentStatus

DEFAULT_ADVANCE_PERCENT = Decimal("30.00")
DEFAULT_INTERIM_THRESHOLDS = ["40", "70"]
DEFAULT_RETENTION_PERCENT = Decimal("10.00")


class PaymentPlan(TimeStampedModel):
    """The payment plan of a call; a call without one uses the defaults (``plan_for``)."""

    call = models.OneToOneField(
        Call, verbose_name=_("bando"), on_delete=models.CASCADE, related_name="payment_plan"
    )
    advance_percent = PercentField(_("anticipo % del contributo"), default=DEFAULT_ADVANCE_PERCENT)
    guarantee_required = models.BooleanField(
        _("anticipo solo contro fideiussione"),
        default=True,
        help_text=_("Se attivo, l'anticipo si eroga solo a fronte di una fideiussione valida."),
    )
    interim_thresholds = models.JSONField(
        _("soglie dei pagamenti intermedi (SAL) % del contributo"),
        default=list,
        blank=True,
        help_text=_(
            "Percentuali crescenti, per esempio [40, 70]: l'n-esimo pagamento intermedio è possibile quando "
            "il contributo riconosciuto sulla spesa ammessa raggiunge l'n-esima soglia."
        ),
    )
    retention_percent = PercentField(_("quota trattenuta fino al saldo %"), default=DEFAULT_RETENTION_PERCENT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("piano dei pagamenti")
        verbose_name_plural = _("piani dei pagamenti")

    def __str__(self) -> str:
        return str(self.call)

    def clean(self):
        try:
            values = [Decimal(str(value)) for value in self.interim_thresholds or []]
        except (ArithmeticError, ValueError, TypeError):
            raise ValidationError(
                {"interim_thresholds": _("Le soglie devono essere numeri tra 0 e 100.")}
            ) from None
        if any(not value.is_finite() or value <= 0 or value > 100 for value in values):
            raise ValidationError({"interim_thresholds": _("Ogni soglia deve essere tra 0 (escluso) e 100.")})
        if values != sorted(set(values)):
            raise ValidationError({"interim_thresholds": _("Le soglie devono essere crescenti e distinte.")})
        percents = (self.advance_percent, self.retention_percent)
        if None not in percents and sum(percents) > 100:
            raise ValidationError(
                {"retention_percent": _("Anticipo e quota trattenuta insieme non possono superare il 100%.")}
            )
        self.interim_thresholds = [str(value) for value in values]

    @property
    def terms(self) -> PlanTerms:
        return PlanTerms(
            advance_percent=Decimal(self.advance_percent),
            interim_thresholds=tuple(Decimal(str(v)) for v in self.interim_thresholds or []),
            retention_percent=Decimal(self.retention_percent),
        )


def plan_for(call: Call) -> PaymentPlan:
    """The call's payment plan, or an unsaved one with the defaults."""
    try:
        return call.payment_plan
    except PaymentPlan.DoesNotExist:
        return PaymentPlan(call=call, interim_thresholds=list(DEFAULT_INTERIM_THRESHOLDS))


class Guarantee(TimeStampedModel):
    """Fideiussione bancaria o assicurativa a garanzia dell'anticipo."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="guarantees")
    issuer = models.CharField(_("garante (banca o assicurazione)"), max_length=255)
    number = models.CharField(_("numero della polizza"), max_length=80)
    amount = MoneyField(_("importo garantito"))
    issued_on = models.DateField(_("emessa il"))
    expires_on = models.DateField(_("scadenza"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrata da"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fideiussione")
        verbose_name_plural = _("fideiussioni")
        ordering = ["project", "-expires_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_amount_positive"),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")), name="guarantee_expires_after_issue"
            ),
            models.UniqueConstraint(fields=["issuer", "number"], name="guarantee_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} n. {self.number}"

    @property
    def audit_organisation(self):
        return self.project.beneficiary


class DedicatedAccount(TimeStampedModel):
    """The bank account dedicated to the project's public money (conto dedicato, L. 136/2010, art. 3),
    declared by the beneficiary with the people authorised to operate on it; payments go only there."""

    project = models.OneToOneField(
        Project, verbose_name=_("progetto"), on_delete=models.PROTECT, related_name="dedicated_account"
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    holder = models.CharField(_("intestatario del conto"), max_length=70)
    bank_name = models.CharField(_("banca o Poste Italiane"), max_length=140, blank=True)
    # [{"name": "Mario Rossi", "fiscal_code": "RSSMRA80A01L219X"}, ...], validated by the service.
    operators = models.JSONField(_("persone delegate a operare sul conto"), default=list)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dichiarato da"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conto corrente dedicato")
        verbose_name_plural = _("conti correnti dedicati")

    def __str__(self) -> str:
        return f"{self.holder} – {self.iban}"

    @property
    def audit_organisation(self):
        return self.project.beneficiary


class Payment(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("tipo"), max_length=10, choices=PaymentKind.choices)
    status = FSMField(
        _("stato"),
        max_length=10,
        choices=PaymentStatus.choices,
        default=PaymentStatus.PROPOSED,
        protected=False,
    )
    amount = MoneyField(_("importo"))
    guarantee = models.ForeignKey(
        Guarantee, verbose_name=_("fideiussione"), on_delete=models.PROTECT, null=True, blank=True
    )
    claim = models.ForeignKey(
        "ExpenseClaim",
        verbose_name=_("domanda di rimborso"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposto da"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approvato da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True)
    paid_on = models.DateField(_("pagato il"), null=True, blank=True)
    payment_reference = models.CharField(_("estremi del mandato di pagamento"), max_length=80, blank=True)
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    # The payment order (L. 136/2010, art. 3): CUP, CIG if any, the dedicated account, the causale.
    cup = models.CharField(_("CUP"), max_length=15, blank=True)
    cig = models.CharField(
        _("CIG"), max_length=10, blank=True, help_text=_("Codice Identificativo Gara, se la spesa ne ha uno.")
    )
    causale = models.CharField(_("causale"), max_length=140, blank=True)
    iban = models.CharField(_("IBAN del conto dedicato"), max_length=34, blank=True)
    account_holder = models.CharField(_("intestatario del conto"), max_length=70, blank=True)
    exported_at = models.DateTimeField(_("esportato nel flusso SEPA il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["project", "created_at", "pk"]
        permissions = [("approve_payment", _("Approvare i pagamenti proposti"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One advance and one balance per project, whatever the race (rejected ones do not count).
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(kind__in=[PaymentKind.ADVANCE, PaymentKind.BALANCE]) & ~Q(status="rejected"),
                name="payment_one_advance_one_balance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} € ({self.get_status_display()})"

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @transition(field=status, source=PaymentStatus.PROPOSED, target=PaymentStatus.APPROVED)
    def approve(self):
        """A manager other than the proposer approves (segregation of duties)."""

    @transition(field=status, source=PaymentStatus.APPROVED, target=PaymentStatus.PAID)
    def mark_paid(self):
        """The treasury paid: the date and the payment order are recorded."""

    @transition(field=status, source=PaymentStatus.PROPOSED, target=PaymentStatus.REJECTED)
    def reject(self):
        """A proposal refused with its reason: its amount no longer counts against the ceilings."""

"""Money after the grant: payment plans, guarantees, payments, loans, expense claims with their first-level
control, recoveries.

Every write goes through grants.finance.services (rules, ceilings, audit); the states are declared in
grants.finance.states and the transitions here. Amounts are Decimal (grants.core.money), never negative.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField, PercentField
from grants.programme.models import Call, CostCategory
from grants.projects.models import Project, ProjectPartner

from .ceilings import PlanTerms
from .states import ClaimStatus, ItemOutcome, PaymentKind, PaymentStatus, RecoveryStatus

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


class ExpenseClaim(TimeStampedModel):
    """Domanda di rimborso (rendicontazione): items per partner and category, checked by a controller."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expense_claims")
    number = models.PositiveSmallIntegerField(_("numero"))
    is_final = models.BooleanField(_("rendicontazione finale"), default=False)
    status = FSMField(
        _("stato"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, protected=False
    )
    period_end = models.DateField(_("spese sostenute fino al"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("controllore"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    sample_note = models.TextField(
        _("metodo di campionamento"),
        blank=True,
        help_text=_("Se il controllo è a campione: come sono state estratte le voci controllate."),
    )
    outcome_note = models.TextField(_("esito del controllo"), blank=True)
    checked_at = models.DateTimeField(_("controllata il"), null=True, blank=True)
    counter_arguments = models.TextField(_("controdeduzioni del beneficiario"), blank=True)
    counter_arguments_at = models.DateTimeField(_("controdeduzioni inviate il"), null=True, blank=True)
    final_note = models.TextField(_("decisione sulle controdeduzioni"), blank=True)
    finalised_at = models.DateTimeField(_("esito definitivo il"), null=True, blank=True)
    claimed_total = MoneyField(_("importo richiesto"), default=ZERO)
    admitted_total = MoneyField(_("importo ammesso"), default=ZERO)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("domanda di rimborso")
        verbose_name_plural = _("domande di rimborso")
        ordering = ["project", "number"]
        permissions = [
            ("check_claim", _("Controllare le domande di rimborso assegnate (controllo di I livello)")),
            ("assign_claim", _("Assegnare le domande di rimborso ai controllori")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="expense_claim_number_unique"),
            models.CheckConstraint(
                condition=Q(admitted_total__lte=F("claimed_total")),
                name="expense_claim_admitted_within_claimed",
            ),
        ]

    def __str__(self) -> str:
        return _("Domanda di rimborso n. %(number)s") % {"number": self.number}

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @transition(field=status, source=ClaimStatus.DRAFT, target=ClaimStatus.SUBMITTED)
    def submit(self):
        """The beneficiary sends the claim; it is frozen from now on."""

    @transition(field=status, source=ClaimStatus.SUBMITTED, target=ClaimStatus.UNDER_CHECK)
    def start_check(self):
        """An officer assigns it to a controller."""

    @transition(field=status, source=ClaimStatus.UNDER_CHECK, target=ClaimStatus.CHECKED)
    def close_check(self):
        """The controller records an outcome for every item and the checklist."""

    @transition(field=status, source=ClaimStatus.CHECKED, target=ClaimStatus.COUNTER_ARGUMENTS)
    def answer(self):
        """The beneficiary answers the outcome once (controdeduzioni)."""

    @transition(field=status, source=ClaimStatus.COUNTER_ARGUMENTS, target=ClaimStatus.FINAL)
    def finalise(self):
        """The controller decides on the counter-arguments: the outcome is final."""


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Fattura")
    RECEIPT = "receipt", _("Ricevuta / quietanza")
    PAYSLIP = "payslip", _("Cedolino paga")
    TIMESHEET = "timesheet", _("Registro presenze / timesheet (costi unitari)")
    OTHER = "other", _("Altro documento contabile")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bonifico bancario")
    CARD = "card", _("Carta di pagamento")
    F24 = "f24", _("Modello F24")
    DIRECT_DEBIT = "direct_debit", _("Addebito diretto")
    NOT_APPLICABLE = "", _("Non applicabile (costi unitari)")


class ExpenseItem(TimeStampedModel):
    """One expense: a document (real costs) or a quantity with its evidence (unit costs). Flat-rate
    categories have no items: they are computed from their base (grants.finance.costs)."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="items")
    partner = models.ForeignKey(
        ProjectPartner, verbose_name=_("soggetto"), on_delete=models.PROTECT, related_name="expense_items"
    )
    category = models.ForeignKey(
        CostCategory, verbose_name=_("voce di spesa"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("descrizione"), max_length=255)
    document_type = models.CharField(_("tipo di documento"), max_length=20, choices=DocumentType.choices)
    document_number = models.CharField(_("numero del documento"), max_length=60, blank=True)
    document_date = models.DateField(_("data del documento"), null=True, blank=True)
    supplier_name = models.CharField(_("fornitore / percipiente"), max_length=255, blank=True)
    supplier_tax_id = models.CharField(
        _("partita IVA o codice fiscale del fornitore"), max_length=16, blank=True
    )
    taxable_amount = MoneyField(_("imponibile"), default=ZERO)
    vat_amount = MoneyField(_("IVA"), default=ZERO)
    vat_eligible = models.BooleanField(_("IVA ammissibile (non recuperabile)"), default=False)
    quantity = models.DecimalField(_("quantità"), max_digits=12, decimal_places=2, null=True, blank=True)
    quantity_evidence = models.CharField(_("evidenza della quantità"), max_length=255, blank=True)
    amount_claimed = MoneyField(_("importo richiesto"))
    payment_date = models.DateField(_("data del pagamento"), null=True, blank=True)
    payment_method = models.CharField(
        _("modalità di pagamento"), max_length=20, choices=PaymentMethod.choices, blank=True
    )
    # First-level control.
    in_sample = models.BooleanField(_("estratta nel campione"), default=True)
    outcome = models.CharField(_("esito"), max_length=20, choices=ItemOutcome.choices, blank=True)
    admitted_quantity = models.DecimalField(
        _("quantità ammessa"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    admitted_amount = MoneyField(_("importo ammesso"), default=ZERO)
    control_reason = models.TextField(_("motivazione del controllore"), blank=True)
    counter_argument = models.TextField(_("controdeduzione"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("controllata il"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voce di spesa rendicontata")
        verbose_name_plural = _("voci di spesa rendicontate")
        ordering = ["claim", "partner__order", "category__order", "pk"]
        constraints = [
            # The same invoice (supplier + number + date) is claimed once, in this project or any other.
            models.UniqueConstraint(
                fields=["supplier_tax_id", "document_number", "document_date"],
                condition=~Q(document_number=""),
                name="expense_item_document_claimed_once",
            ),
            models.CheckConstraint(
                condition=Q(admitted_amount__lte=F("amount_claimed")),
                name="expense_item_admitted_within_claimed",
            ),
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="expense_item_claimed_positive"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def audit_organisation(self):
        return self.claim.project.beneficiary

    @property
    def is_unit_cost(self) -> bool:
        return self.quantity is not None


def attachment_upload_to(instance: "ExpenseAttachment", filename: str) -> str:
    return f"finance/claims/{instance.item.claim_id}/{instance.sha256}/{filename}"


class ExpenseAttachment(TimeStampedModel):
    item = models.ForeignKey(ExpenseItem, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=500)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("formato"), max_length=100)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allegato della spesa")
        verbose_name_plural = _("allegati della spesa")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DuplicateAttempt(TimeStampedModel):
    """An attempt to claim a document already claimed: refused, and kept for the controller to see."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="duplicate_attempts")
    existing_item = models.ForeignKey(ExpenseItem, on_delete=models.SET_NULL, null=True, related_name="+")
    supplier_tax_id = models.CharField(_("fornitore"), max_length=16)
    document_number = models.CharField(_("numero del documento"), max_length=60)
    document_date = models.DateField(_("data del documento"))
    attempted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tentativo di doppia rendicontazione")
        verbose_name_plural = _("tentativi di doppia rendicontazione")
        ordering = ["claim", "-created_at"]

    def __str__(self) -> str:
        return f"{self.supplier_tax_id} {self.document_number} {self.document_date}"


class ChecklistAnswer(TimeStampedModel):
    """One question of the first-level control checklist of a claim (see services.CHECKLIST)."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="checklist")
    code = models.SlugField(_("codice"), max_length=40)
    question = models.CharField(_("verifica"), max_length=255)
    satisfied = models.BooleanField(_("esito positivo"), null=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verifica della checklist")
        verbose_name_plural = _("checklist del controllo")
        ordering = ["claim", "pk"]
        constraints = [models.UniqueConstraint(fields=["claim", "code"], name="checklist_answer_once")]

    def __str__(self) -> str:
        return self.question


class Recovery(TimeStampedModel):
    """Recupero: what was paid above the new grant after a revocation."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="recoveries")
    amount = MoneyField(_("importo da recuperare"))
    recovered_amount = MoneyField(_("importo recuperato"), default=ZERO)
    status = FSMField(
        _("stato"),
        max_length=20,
        choices=RecoveryStatus.choices,
        default=RecoveryStatus.OPEN,
        protected=False,
    )
    reason = models.TextField(_("motivazione"))
    paid_at_opening = MoneyField(_("pagato all'apertura"))
    new_grant = MoneyField(_("nuovo contributo"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recupero")
        verbose_name_plural = _("recuperi")
        ordering = ["project", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
            models.CheckConstraint(
                condition=Q(recovered_amount__lte=F("amount")), name="recovery_not_above_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.amount} €"

    @property
    def audit_organisation(self):
        return self.project.beneficiary

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.recovered_amount

    @transition(
        field=status,
        source=[RecoveryStatus.OPEN, RecoveryStatus.PARTLY_RECOVERED],
        target=RecoveryStatus.PARTLY_RECOVERED,
    )
    def record_part(self):
        """Part of the amount came back."""

    @transition(
        field=status,
        source=[RecoveryStatus.OPEN, RecoveryStatus.PARTLY_RECOVERED],
        target=RecoveryStatus.RECOVERED,
    )
    def close(self):
        """Everything came back: payments may resume."""

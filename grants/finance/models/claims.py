"""Expense claims (rendicontazione) and their first-level control: items, attachments with their upload
path, duplicate attempts and checklist answers."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from grants.core.models import TimeStampedModel
from grants.core.money import ZERO, MoneyField
from grants.programme.models import CostCategory
from grants.projects.models import Project, ProjectPartner

from ..states import ClaimStatus, ItemOutcome


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

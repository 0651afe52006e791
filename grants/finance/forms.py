"""Forms of the finance pages: one per action.

They check the shape of the input only (a date is a date, the chosen payment is one of the project's); the
rules stay in ``services``, whose refusals ``grants.core.forms.refusal_to_form`` puts next to the fields. The
field names are the names of the page's inputs, so a refused form is shown again with what was typed.

Amounts are lenient on purpose: an Italian ``1.234,56`` becomes a Decimal, anything else that is not a
number reaches the service as typed, so the service's message names the field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.core.money import parse_amount
from grants.projects.models import Project

from .gge import Collateral, RatingCategory
from .models import ExpenseClaim, Loan, Recovery

INTEGER_MESSAGE = gettext_lazy("Indicare un numero intero.")


def _as_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class AmountField(forms.CharField):
    """An amount in euro: a Decimal (Italian comma accepted), None when empty, the raw text when it is not
    a number (the service refuses it with its own message)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return parse_amount(text)  # 1.234,56 (Italian) or 1234.56
        except ValueError:
            return text


class OptionalDateField(forms.CharField):
    """A date input (AAAA-MM-GG); None when empty or not a date (the service says what is missing)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return _as_date((super().to_python(value) or "").strip())


class RequiredDateField(forms.CharField):
    """A date input that must hold a date: «Indicare <label> (gg/mm/aaaa).» otherwise."""

    def __init__(self, label: str, **kwargs):
        self.what = label
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return _as_date((super().to_python(value) or "").strip())

    def validate(self, value):
        if value is None:
            raise forms.ValidationError(
                _("Indicare %(label)s (gg/mm/aaaa).") % {"label": self.what}, code="required"
            )


class CheckboxField(forms.BooleanField):
    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)


def _choice_of(queryset, message: str, *, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=queryset,
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


# --- a project's money ---------------------------------------------------------------------------------
class ProjectForm(forms.Form):
    """A form about one project: its choices are limited to the project's objects."""

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)


class ProposePaymentForm(ProjectForm):
    kind = forms.CharField(required=False)
    amount = AmountField()
    guarantee_id = forms.CharField(required=False)
    note = forms.CharField(required=False)
    cig = forms.CharField(required=False)
    causale = forms.CharField(required=False)

    def clean_guarantee_id(self):
        # An unknown guarantee is no guarantee: the service says when the advance needs one.
        value = self.cleaned_data["guarantee_id"]
        if not value or not value.isdigit():
            return None
        return self.project.guarantees.filter(pk=value).first()


OPERATOR_ROWS = 3


class DedicatedAccountForm(ProjectForm):
    """The dedicated account (L. 136/2010): IBAN, holder, bank and up to three people who operate on it."""

    iban = forms.CharField(required=False)
    holder = forms.CharField(required=False)
    bank_name = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping = {"operators": "operator_name_0"}
        for row in range(OPERATOR_ROWS):
            self.fields[f"operator_name_{row}"] = forms.CharField(required=False)
            self.fields[f"operator_fiscal_code_{row}"] = forms.CharField(required=False)
            self.mapping[f"operators.{row}.name"] = f"operator_name_{row}"
            self.mapping[f"operators.{row}.fiscal_code"] = f"operator_fiscal_code_{row}"


class SepaExportForm(forms.Form):
    """The approved payments chosen on the payments list (their scope is checked by the view)."""

    payment_ids = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Pagamento non trovato.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_ids"].choices = [(pk, pk) for pk in choices]


class PaymentForm(ProjectForm):
    """A decision on one of the project's payments."""

    payment_id = forms.IntegerField(required=False)

    def clean_payment_id(self):
        payment = self.project.payments.filter(pk=self.cleaned_data["payment_id"] or 0).first()
        if payment is None:
            raise forms.ValidationError(_("Pagamento non trovato."), code="not_found")
        return payment


class RejectPaymentForm(PaymentForm):
    reason = forms.CharField(required=False)


class MarkPaidForm(PaymentForm):
    paid_on = OptionalDateField()
    reference = forms.CharField(required=False)


class GuaranteeForm(ProjectForm):
    issuer = forms.CharField(required=False)
    number = forms.CharField(required=False)
    guarantee_amount = AmountField()
    issued_on = RequiredDateField(gettext_lazy("la data di emissione"))
    expires_on = RequiredDateField(gettext_lazy("la scadenza"))

    mapping = {"amount": "guarantee_amount"}


class LoanForm(ProjectForm):
    principal = AmountField()
    annual_rate_percent = AmountField()
    term_months = forms.IntegerField(error_messages={"required": INTEGER_MESSAGE, "invalid": INTEGER_MESSAGE})
    pre_amortisation_months = forms.IntegerField(
        error_messages={"required": INTEGER_MESSAGE, "invalid": INTEGER_MESSAGE}
    )
    frequency_months = forms.IntegerField(required=False, error_messages={"invalid": INTEGER_MESSAGE})
    first_due_date = RequiredDateField(gettext_lazy("la scadenza della prima rata"))
    rating_category = forms.ChoiceField(
        label=gettext_lazy("Categoria di rating (Comunicazione 2008/C 14/02)"),
        choices=RatingCategory.CHOICES,
        initial=RatingCategory.SATISFACTORY,
        required=False,
    )
    collateral_level = forms.ChoiceField(
        label=gettext_lazy("Livello di garanzie"),
        choices=Collateral.CHOICES,
        initial=Collateral.NORMAL,
        required=False,
    )

    def clean_rating_category(self):
        return self.cleaned_data["rating_category"] or RatingCategory.SATISFACTORY

    def clean_collateral_level(self):
        return self.cleaned_data["collateral_level"] or Collateral.NORMAL

    def clean_annual_rate_percent(self):
        return self.cleaned_data["annual_rate_percent"] or Decimal(0)

    def clean_frequency_months(self):
        value = self.cleaned_data["frequency_months"]
        return 6 if value is None else value


class RepaymentForm(ProjectForm):
    repaid_on = RequiredDateField(gettext_lazy("la data del rimborso"))
    repayment_amount = AmountField()
    repayment_reference = forms.CharField(required=False)

    mapping = {"amount": "repayment_amount", "paid_on": "repaid_on", "reference": "repayment_reference"}

    def clean(self):
        if not Loan.objects.filter(project=self.project).exists():
            self.add_error("repayment_amount", _("Il progetto non ha un finanziamento."))
        return super().clean()


class RecoveryForm(ProjectForm):
    recovery_id = forms.IntegerField(required=False)
    recovered_amount = AmountField()

    mapping = {"amount": "recovered_amount"}

    def clean(self):
        data = super().clean()
        recovery = Recovery.objects.filter(project=self.project, pk=data.get("recovery_id") or 0).first()
        if recovery is None:
            self.add_error("recovered_amount", _("Recupero non trovato."))
        data["recovery"] = recovery
        return data


class NewClaimForm(ProjectForm):
    is_final = CheckboxField()
    period_end = OptionalDateField()


# --- an expense claim ------------------------------------------------------------------------------------
class ClaimForm(forms.Form):
    """A form about one claim: the items it names are the claim's."""

    def __init__(self, *args, claim: ExpenseClaim, **kwargs):
        self.claim = claim
        super().__init__(*args, **kwargs)


class ItemForm(ClaimForm):
    """An action on one of the claim's items."""

    item_id = forms.IntegerField(required=False)

    def clean_item_id(self):
        item = (
            self.claim.items.select_related("category").filter(pk=self.cleaned_data["item_id"] or 0).first()
        )
        if item is None:
            raise forms.ValidationError(_("Voce di spesa non trovata."), code="not_found")
        return item


class AttachForm(ItemForm):
    file = forms.FileField(
        required=True, error_messages={"required": gettext_lazy("Scegliere il file da allegare.")}
    )


class EInvoiceForm(ClaimForm):
    """A FatturaPA file (.xml or .xml.p7m) and what the file does not say: who paid it, on which category,
    when and how."""

    einvoice_file = forms.FileField(
        required=True,
        error_messages={"required": gettext_lazy("Scegliere il file della fattura elettronica.")},
    )
    einvoice_partner_id = forms.IntegerField(required=False)
    einvoice_category_id = forms.IntegerField(required=False)
    einvoice_payment_date = OptionalDateField()
    einvoice_payment_method = forms.CharField(required=False)
    einvoice_vat_eligible = CheckboxField()
    mapping = {
        "file": "einvoice_file",
        "partner_id": "einvoice_partner_id",
        "category_id": "einvoice_category_id",
        "payment_date": "einvoice_payment_date",
        "payment_method": "einvoice_payment_method",
        "amount_claimed": "einvoice_file",
        "document_number": "einvoice_file",
    }

    def clean_einvoice_partner_id(self):
        partner = self.claim.project.partners.filter(pk=self.cleaned_data["einvoice_partner_id"] or 0).first()
        if partner is None:
            raise forms.ValidationError(
                _("Scegliere il soggetto che ha sostenuto la spesa."), code="required"
            )
        return partner

    def clean_einvoice_category_id(self):
        categories = self.claim.project.call.cost_categories
        category = categories.filter(pk=self.cleaned_data["einvoice_category_id"] or 0).first()
        if category is None:
            raise forms.ValidationError(_("Scegliere la voce di spesa."), code="required")
        return category


class CheckItemForm(ItemForm):
    outcome = forms.CharField(required=False)
    admitted_amount = AmountField()
    admitted_quantity = AmountField()
    reason = forms.CharField(required=False)


class AddItemForm(ClaimForm):
    partner_id = forms.IntegerField(required=False)
    category_id = forms.IntegerField(required=False)
    description = forms.CharField(required=False)
    document_type = forms.CharField(required=False)
    document_number = forms.CharField(required=False)
    document_date = OptionalDateField()
    supplier_name = forms.CharField(required=False)
    supplier_tax_id = forms.CharField(required=False)
    taxable_amount = AmountField()
    vat_amount = AmountField()
    vat_eligible = CheckboxField()
    amount_claimed = AmountField()
    quantity = AmountField()
    quantity_evidence = forms.CharField(required=False)
    payment_date = OptionalDateField()
    payment_method = forms.CharField(required=False)
    file = forms.FileField(required=False)

    def clean_partner_id(self):
        partner = self.claim.project.partners.filter(pk=self.cleaned_data["partner_id"] or 0).first()
        if partner is None:
            message = _("Scegliere il soggetto che ha sostenuto la spesa.")
            raise forms.ValidationError(message, code="required")
        return partner

    def clean_category_id(self):
        cost_categories = self.claim.project.call.cost_categories
        category = cost_categories.filter(pk=self.cleaned_data["category_id"] or 0).first()
        if category is None:
            raise forms.ValidationError(_("Scegliere la voce di spesa."), code="required")
        return category

    def clean_taxable_amount(self):
        return self.cleaned_data["taxable_amount"] or Decimal(0)

    def clean_vat_amount(self):
        return self.cleaned_data["vat_amount"] or Decimal(0)


class CounterArgumentsForm(ClaimForm):
    """General counter-arguments and one per cut item (inputs ``counter-<item id>``)."""

    counter_text = forms.CharField(required=False)

    mapping = {"text": "counter_text"}

    def clean(self):
        data = super().clean()
        data["per_item"] = {
            key.removeprefix("counter-"): value
            for key, value in self.data.items()
            if key.startswith("counter-")
        }
        return data


class AssignForm(ClaimForm):
    controller_id = forms.IntegerField(required=False)

    def clean_controller_id(self):
        # An unknown or inactive user is no controller: the service refuses it next to the field.
        value = self.cleaned_data["controller_id"]
        return get_user_model().objects.filter(pk=value or 0, is_active=True).first()


class ChecklistForm(ClaimForm):
    """One yes/no answer and one note per row of the claim's checklist (``check-<code>``, ``note-<code>``)."""

    sample_note = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in self.claim.checklist.all():
            self.fields[f"check-{row.code}"] = forms.ChoiceField(
                choices=[("", ""), ("yes", _("Sì")), ("no", _("No"))], required=False
            )
            self.fields[f"note-{row.code}"] = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        data["answers"] = {
            row.code: (
                {"yes": True, "no": False}.get(data.get(f"check-{row.code}", "")),
                data.get(f"note-{row.code}", ""),
            )
            for row in self.claim.checklist.all()
        }
        return data


class CloseCheckForm(ClaimForm):
    outcome_note = forms.CharField(required=False)


class FinaliseForm(ClaimForm):
    final_note = forms.CharField(required=False)


class SubmitClaimForm(ClaimForm):
    """Sending the claim: nothing to type, the service checks items and attachments."""


# --- the controllers of a project ---------------------------------------------------------------------------
class ProjectControllerForm(forms.Form):
    """Add a controller to the project: the service refuses whoever is no controller, next to the field."""

    user_id = forms.IntegerField(
        label=gettext_lazy("Controllore"),
        error_messages={
            "required": gettext_lazy("Scegli il controllore da assegnare."),
            "invalid": gettext_lazy("Scegli il controllore da assegnare."),
        },
    )

    def clean_user_id(self):
        return get_user_model().objects.filter(pk=self.cleaned_data["user_id"], is_active=True).first()


class ProjectControllerRemoveForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Confermo la rimozione del controllore dal progetto"),
        error_messages={"required": gettext_lazy("Spunta la conferma per rimuovere il controllore.")},
    )

"""Forms of the project pages: they collect the data; the services decide and their field-level errors are
shown next to the field (``apply_service_errors``)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.applications.forms import SectionFormMixin
from grants.core.forms import AmountField
from grants.programme.models import Call, Measure
from grants.registry.models import Organisation
from grants.territory.models import Province

from .models import Project, ProjectBudgetLine
from .states import PartnerAction, PartnerRole, ProjectStatus

REASON_WIDGET = forms.Textarea(attrs={"rows": 3})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CupForm(SectionFormMixin, forms.Form):
    cup = forms.CharField(
        label=_("CUP"),
        max_length=20,
        help_text=_("15 caratteri, ad esempio J11B17000030007 (gli spazi sono ignorati)."),
    )


class AgreementUploadForm(SectionFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Atto di adesione firmato (PDF)"),
        help_text=_(
            "PDF firmato digitalmente (o .p7m, se il bando verifica la firma), al massimo 10 MB. "
            "Il formato si riconosce dal contenuto."
        ),
    )


class StartForm(SectionFormMixin, forms.Form):
    start_date = forms.DateField(label=_("Data di avvio effettiva"), widget=DateInput())


class MilestoneForm(SectionFormMixin, forms.Form):
    achieved_on = forms.DateField(label=_("Raggiunto il"), widget=DateInput())

    def __init__(self, *args, milestone_id: int, **kwargs):
        super().__init__(*args, prefix=f"milestone-{milestone_id}", **kwargs)


class ReasonForm(SectionFormMixin, forms.Form):
    reason = forms.CharField(label=_("Motivazione"), widget=REASON_WIDGET, max_length=2000)


class ExtensionForm(SectionFormMixin, forms.Form):
    prefix = "extension"  # several forms share a page: ids stay unique
    new_end_date = forms.DateField(label=_("Nuova data di fine"), widget=DateInput())
    reason = forms.CharField(label=_("Motivazione"), widget=REASON_WIDGET, max_length=2000)


class RevocationForm(SectionFormMixin, forms.Form):
    prefix = "revoke"  # several forms share a page: ids stay unique
    new_grant = AmountField(
        label=_("Nuovo contributo (€)"),
        min_value=Decimal(0),
        help_text=_("0 per la revoca totale; un importo inferiore all'attuale per la revoca parziale."),
    )
    reason = forms.CharField(label=_("Motivazione"), widget=REASON_WIDGET, max_length=2000)


class ConcludeForm(SectionFormMixin, forms.Form):
    prefix = "conclude"  # several forms share a page: ids stay unique
    end_date = forms.DateField(label=_("Data di conclusione delle attività"), widget=DateInput())
    reason = forms.CharField(label=_("Note"), widget=REASON_WIDGET, max_length=2000, required=False)


class DecisionForm(SectionFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[("approve", _("Approva")), ("reject", _("Respingi"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Motivazione della decisione"),
        widget=REASON_WIDGET,
        max_length=2000,
        required=False,
        help_text=_("Obbligatoria se respingi."),
    )

    def __init__(self, *args, change_id: int | None = None, **kwargs):
        super().__init__(*args, prefix=f"change-{change_id}" if change_id else None, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"


class PartnerChangeForm(SectionFormMixin, forms.Form):
    prefix = "partner"  # several forms share a page: ids stay unique
    action = forms.ChoiceField(label=_("Modifica"), choices=PartnerAction.choices)
    organisation = forms.CharField(
        label=_("Codice fiscale dell'organizzazione che entra"),
        max_length=16,
        required=False,
        help_text=_("L'organizzazione deve essere registrata sulla piattaforma."),
    )
    partner = forms.ModelChoiceField(
        label=_("Partner che esce"), queryset=None, required=False, empty_label=_("Nessuno")
    )
    reason = forms.CharField(label=_("Motivazione"), widget=REASON_WIDGET, max_length=2000)

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = project.partners.filter(
            withdrawn_on__isnull=True, role=PartnerRole.PARTNER
        ).order_by("order", "pk")

    def clean_organisation(self):
        code = (self.cleaned_data.get("organisation") or "").strip().upper()
        if not code:
            return None
        organisation = Organisation.objects.filter(fiscal_code=code).first()
        if organisation is None:
            raise forms.ValidationError(_("Nessuna organizzazione registrata con questo codice fiscale."))
        return organisation


class VariationForm(SectionFormMixin, forms.Form):
    """One amount per budget line (flat-rate lines are shown, not editable) and the reason."""

    prefix = "variation"  # several forms share a page: ids stay unique

    reason = forms.CharField(label=_("Motivazione della variazione"), widget=REASON_WIDGET, max_length=2000)

    def __init__(self, *args, lines: list[ProjectBudgetLine], **kwargs):
        self.lines = lines
        super().__init__(*args, **kwargs)
        for line in lines:
            partner = f" – {line.partner.name}" if line.partner_id else ""
            self.fields[self.field_name(line)] = AmountField(
                label=f"{line.category.title}{partner}",
                min_value=Decimal(0),
                initial=line.approved_amount,
                disabled=line.cost_option == "flat_rate",
                help_text=_("Tasso forfettario: non modificabile.")
                if line.cost_option == "flat_rate"
                else "",
            )
        self.order_fields([*(self.field_name(line) for line in lines), "reason"])
        self.describe_fields()

    @staticmethod
    def field_name(line: ProjectBudgetLine) -> str:
        return f"line_{line.pk}"

    def amounts(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data[self.field_name(line)] for line in self.lines}

    def error_mapping(self) -> dict[str, str]:
        return {f"amounts.{line.pk}": self.field_name(line) for line in self.lines}


class OfficerFilterForm(SectionFormMixin, forms.Form):
    bando = forms.ModelChoiceField(
        label=_("Bando"),
        queryset=Call.objects.order_by("-opens_at", "code"),
        required=False,
        empty_label=_("Tutti"),
        to_field_name="code",
    )
    misura = forms.ModelChoiceField(
        label=_("Misura"),
        queryset=Measure.objects.order_by("programme", "order", "code"),
        required=False,
        empty_label=_("Tutte"),
    )
    stato = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti")), *ProjectStatus.choices]
    )
    provincia = forms.ModelChoiceField(
        label=_("Provincia della sede del beneficiario"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("Tutte"),
        to_field_name="istat_code",
    )
    q = forms.CharField(
        label=_("Cerca"),
        required=False,
        max_length=100,
        help_text=_("Titolo, CUP, beneficiario o codice fiscale."),
    )

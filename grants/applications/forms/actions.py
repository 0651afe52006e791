"""Documents, stamp duty, submission and withdrawal of an application; the officers' filter."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.core.vocabulary import LegalForm
from grants.territory.models import Province

from ..stamp_duty import StampDutyExemption
from ..states import ApplicationStatus
from .common import SectionFormMixin


class DocumentForm(SectionFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), error_messages={"required": _("Scegliere il file da caricare.")})


class WithdrawForm(SectionFormMixin, forms.Form):
    """The confirmation of a withdrawal: why the applicant withdraws (kept in the audit trail)."""

    reason = forms.CharField(
        label=_("Motivo del ritiro"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatorio, al massimo 200 caratteri: resta nella cronologia della domanda."),
        error_messages={
            "required": _("Indicare il motivo del ritiro."),
            "max_length": _("Al massimo %(limit_value)d caratteri (ora %(show_value)d)."),
        },
    )


class SubmitForm(SectionFormMixin, forms.Form):
    declarations_accepted = forms.BooleanField(
        label=_(
            "Dichiaro, ai sensi degli articoli 46 e 47 del DPR 445/2000 e consapevole delle sanzioni "
            "penali previste dall'articolo 76 per le dichiarazioni mendaci, che i dati e i documenti della "
            "domanda sono veritieri e che il soggetto proponente possiede i requisiti previsti dal bando."
        ),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class StampDutyForm(SectionFormMixin, forms.Form):
    """The marca da bollo (identifier and date) or the exemption; the service checks which applies."""

    stamp_duty_number = forms.CharField(
        label=_("Identificativo della marca da bollo"),
        max_length=20,
        required=False,
        help_text=_("Le 14 cifre stampate sulla marca da bollo (da annullare e conservare)."),
    )
    stamp_duty_issued_on = forms.DateField(
        label=_("Data di emissione"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    stamp_duty_exemption = forms.ChoiceField(
        label=_("Oppure: esenzione dall'imposta di bollo"), choices=StampDutyExemption.choices, required=False
    )
    stamp_duty_legal_basis = forms.CharField(
        label=_("Base giuridica dell'esenzione"),
        max_length=255,
        required=False,
        help_text=_(
            "Per gli ETS e le pubbliche amministrazioni è indicata automaticamente se lasciata vuota."
        ),
    )

    FIELDS = ("stamp_duty_number", "stamp_duty_issued_on", "stamp_duty_exemption", "stamp_duty_legal_basis")

    @classmethod
    def initial_for(cls, application) -> dict:
        return {name: getattr(application, name) for name in cls.FIELDS}


# --- officers' list -----------------------------------------------------------------------------------------
class OfficerFilterForm(SectionFormMixin, forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[
            ("", _("Inviate (non ritirate)")),
            *[(v, label) for v, label in ApplicationStatus.choices if v != ApplicationStatus.DRAFT],
        ],
    )
    provincia = forms.ModelChoiceField(
        label=_("Provincia della sede del proponente"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("Tutte"),
        to_field_name="istat_code",
    )
    tipologia = forms.ChoiceField(
        label=_("Tipologia di proponente"),
        required=False,
        choices=[("", _("Tutte")), *LegalForm.choices],
    )
    q = forms.CharField(
        label=_("Cerca"),
        required=False,
        max_length=100,
        help_text=_("Titolo, denominazione, codice fiscale o numero di protocollo (es. 2026/0000042)."),
    )

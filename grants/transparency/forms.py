"""Forms of the transparency pages: they collect the data; the services decide, and their field errors are
shown next to the fields (``add_service_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grants.applications.forms import SectionFormMixin
from grants.core.vocabulary import LegalForm
from grants.projects.models import Project
from grants.territory.models import CohesionDistrict, Province

from .states import ActivityKind, TargetGroup, Theme

TEXT_WIDGET = forms.Textarea(attrs={"rows": 4})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProjectFilterForm(forms.Form):
    """The public list's filters (GET): unknown values are ignored, never an error."""

    q = forms.CharField(label=_("Cerca"), required=False, max_length=100)
    misura = forms.CharField(required=False, max_length=20)
    provincia = forms.CharField(required=False, max_length=3)
    comune = forms.CharField(required=False, max_length=6)
    tipo = forms.ChoiceField(required=False, choices=[("", ""), *LegalForm.choices])


class ActivityForm(SectionFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Tipo di attività"), choices=[("", "—"), *ActivityKind.choices])
    title = forms.CharField(label=_("Titolo"), max_length=255)
    description = forms.CharField(label=_("Descrizione"), widget=TEXT_WIDGET, required=False, max_length=5000)
    topics = forms.CharField(
        label=_("Temi trattati"),
        max_length=500,
        help_text=_("Separati da virgole, es. «coprogettazione, budget»"),
    )
    organiser = forms.CharField(
        label=_("Soggetto che la realizza"),
        max_length=255,
        help_text=_("La Regione o il soggetto affidatario dell'accompagnamento."),
    )
    district = forms.ModelChoiceField(
        label=_("Distretto della Coesione Sociale"), queryset=CohesionDistrict.objects.none(), required=False
    )
    province = forms.ModelChoiceField(label=_("Provincia"), queryset=Province.objects.none(), required=False)
    project = forms.ModelChoiceField(
        label=_("Progetto accompagnato"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("Facoltativo: l'attività è dedicata a un progetto finanziato."),
    )
    starts_on = forms.DateField(label=_("Data di inizio"), widget=DateInput())
    ends_on = forms.DateField(label=_("Data di fine"), widget=DateInput())
    hours = forms.DecimalField(label=_("Ore"), max_digits=6, decimal_places=1, localize=True)
    participants_count = forms.IntegerField(
        label=_("Numero di partecipanti"),
        min_value=0,
        initial=0,
        help_text=_("Solo il numero: i nominativi dei partecipanti non si registrano qui."),
    )
    is_published = forms.BooleanField(label=_("Visibile nell'elenco pubblico"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .public_projects import public_projects

        self.fields["district"].queryset = CohesionDistrict.objects.order_by("name")
        self.fields["province"].queryset = Province.objects.order_by("name")
        self.fields["project"].queryset = public_projects().order_by("title")
        self.fields["project"].label_from_instance = lambda p: f"{p.cup or '—'} – {p.title}"


class MaterialForm(SectionFormMixin, forms.Form):
    title = forms.CharField(label=_("Titolo del materiale"), max_length=255, required=False)
    file = forms.FileField(
        label=_("File (PDF, PNG o JPEG)"),
        help_text=_("Al massimo 20 MB. Il formato si riconosce dal contenuto, non dal nome."),
    )


class SheetForm(SectionFormMixin, forms.Form):
    need = forms.CharField(label=_("Bisogno affrontato"), widget=TEXT_WIDGET, required=False, max_length=5000)
    solution = forms.CharField(
        label=_("Soluzione sperimentata"), widget=TEXT_WIDGET, required=False, max_length=5000
    )
    themes = forms.MultipleChoiceField(
        label=_("Temi"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Destinatari"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    results = forms.CharField(
        label=_("Risultati e indicatori"),
        widget=TEXT_WIDGET,
        required=False,
        max_length=5000,
        help_text=_("Dati aggregati: nessun nome o dato di singoli destinatari."),
    )
    costs = forms.CharField(label=_("Costi"), widget=TEXT_WIDGET, required=False, max_length=5000)
    replication_requirements = forms.CharField(
        label=_("Cosa serve per replicarla in un altro territorio"),
        widget=TEXT_WIDGET,
        required=False,
        max_length=5000,
    )
    sustainability = forms.CharField(
        label=_("Sostenibilità dopo il finanziamento"), widget=TEXT_WIDGET, required=False, max_length=5000
    )


class ReviewForm(SectionFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Esito della revisione"),
        choices=[("publish", _("Pubblica la scheda")), ("return", _("Rimanda al beneficiario"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note per il beneficiario"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=3000,
        help_text=_("Obbligatorie se la scheda è rimandata: che cosa rivedere."),
    )


class InterestForm(SectionFormMixin, forms.Form):
    organisation = forms.ChoiceField(label=_("Organizzazione interessata"))
    message = forms.CharField(
        label=_("Messaggio ai titolari dell'esperienza"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text=_("Perché vi interessa e in quale territorio vorreste replicarla."),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]

"""The draft's sections: general data and territory, partnership, budget lines."""

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from grants.core.forms import AmountField
from grants.core.vocabulary import LegalForm
from grants.programme.models import CostOption, TerritorialScope
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Municipality, Province

from .common import SectionFormMixin

MUNICIPALITY_WITH_PROVINCE = re.compile(r"^(?P<name>.+?)\s*\((?P<abbreviation>[A-Za-z]{2})\)$")


def resolve_municipalities(text: str) -> tuple[list[Municipality], list[str]]:
    """Comuni named in ``text`` (comma or new line between them; «Nome (TO)» when a name is ambiguous).

    Returns (found, problems): each problem is an Italian sentence about one name."""
    found: list[Municipality] = []
    problems: list[str] = []
    for token in re.split(r"[,;\n]+", text or ""):
        token = " ".join(token.split())
        if not token:
            continue
        match = MUNICIPALITY_WITH_PROVINCE.match(token)
        queryset = Municipality.objects.select_related("province")
        if match:
            queryset = queryset.filter(
                name__iexact=match["name"], province__abbreviation__iexact=match["abbreviation"]
            )
        else:
            queryset = queryset.filter(name__iexact=token)
        candidates = list(queryset[:2])
        if not candidates:
            problems.append(_("«%(name)s» non è un comune del Piemonte.") % {"name": token})
        elif len(candidates) > 1:
            problems.append(
                _("«%(name)s»: più comuni con questo nome, indicare la provincia, es. «%(name)s (TO)».")
                % {"name": token}
            )
        elif candidates[0] not in found:
            found.append(candidates[0])
    return found, problems


# --- general data, abstract, territory ----------------------------------------------------------------------
class GeneralForm(SectionFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Titolo del progetto"),
        max_length=255,
        error_messages={"required": _("Indicare il titolo del progetto.")},
    )
    abstract = forms.CharField(
        label=_("Sintesi del progetto"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Obiettivi, destinatari, attività e risultati attesi (al massimo 5.000 caratteri)."),
    )
    partnership_name = forms.CharField(
        label=_("Denominazione dell'ATS costituenda"),
        max_length=255,
        required=False,
        help_text=_("Solo se i soggetti si impegnano a costituire un'associazione temporanea di scopo."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Distretti della Coesione Sociale di intervento"),
        queryset=CohesionDistrict.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("Province di intervento"),
        queryset=Province.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = forms.CharField(
        label=_("Comuni di intervento"),
        required=False,
        max_length=5000,
        help_text=_("Facoltativo. Nomi dei comuni separati da virgola, es. «Pinerolo, Torre Pellice»."),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        if call.territorial_scope == TerritorialScope.DISTRICT:
            self.fields["districts"].queryset = CohesionDistrict.objects.order_by("name")
            self.fields["districts"].help_text = _("Il bando è per Distretto: indicarne almeno uno.")
        else:
            del self.fields["districts"]
        if call.territorial_scope == TerritorialScope.PROVINCE:
            self.fields["provinces"].queryset = Province.objects.order_by("name")
            self.fields["provinces"].help_text = _("Il bando è per provincia: indicarne almeno una.")
        else:
            del self.fields["provinces"]

    @staticmethod
    def initial_for(application) -> dict:
        return {
            "title": application.title,
            "abstract": application.abstract,
            "partnership_name": application.partnership_name,
            "districts": list(application.districts.all()),
            "provinces": list(application.provinces.all()),
            "municipalities": ", ".join(
                application.municipalities.order_by("name").values_list("name", flat=True)
            ),
        }

    def clean_municipalities(self):
        found, problems = resolve_municipalities(self.cleaned_data["municipalities"])
        if problems:
            raise forms.ValidationError(" ".join(problems))
        return found

    def territory(self) -> dict:
        """The territory lists for ``services.update_general`` (None for a list this call does not ask)."""
        data = self.cleaned_data
        return {
            "districts": list(data["districts"]) if "districts" in self.fields else None,
            "provinces": list(data["provinces"]) if "provinces" in self.fields else None,
            "municipalities": data["municipalities"],
        }


# --- partnership --------------------------------------------------------------------------------------------
class PartnerForm(SectionFormMixin, forms.Form):
    """A partner: a registered organisation (by codice fiscale) or a body not registered yet."""

    fiscal_code = forms.CharField(
        label=_("Codice fiscale dell'organizzazione registrata"),
        max_length=16,
        required=False,
        help_text=_("Se il partner è registrato sulla piattaforma; altrimenti denominazione e categoria."),
    )
    name = forms.CharField(label=_("Denominazione (soggetto non registrato)"), max_length=255, required=False)
    email = forms.EmailField(
        label=_("E-mail o PEC (soggetto non registrato)"),
        required=False,
        help_text=_(
            "Facoltativa: la piattaforma invita il soggetto a registrarsi e a confermare l'adesione."
        ),
        error_messages={"invalid": _("Indicare un indirizzo e-mail valido, ad esempio nome@ente.it.")},
    )
    legal_form = forms.ChoiceField(
        label=_("Categoria giuridica (soggetto non registrato)"),
        choices=[("", _("Seleziona la categoria")), *LegalForm.choices],
        required=False,
    )
    share_percent = forms.DecimalField(
        label=_("Quota di partecipazione %"),
        max_digits=5,
        decimal_places=2,
        required=False,
        localize=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        error_messages={"invalid": _("Indicare un numero, ad esempio 25 o 12,5.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_code"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["share_percent"].widget = forms.TextInput(
            attrs={**self.fields["share_percent"].widget.attrs, "inputmode": "decimal"}
        )
        self._describe("share_percent")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not (data.get("fiscal_code") or data.get("name"))

    def clean(self):
        data = super().clean()
        if self.is_blank() or data.get("DELETE"):
            return data
        code = (data.get("fiscal_code") or "").strip().upper()
        data["organisation"] = None
        if code:
            organisation = Organisation.objects.filter(fiscal_code=code).first()
            if organisation is None:
                self.add_error(
                    "fiscal_code",
                    _(
                        "Nessuna organizzazione registrata con questo codice fiscale: per un soggetto non "
                        "registrato lasciare vuoto il campo e indicare denominazione e categoria giuridica."
                    ),
                )
            data["organisation"] = organisation
        if data.get("share_percent") is None:
            self.add_error("share_percent", _("Indicare la quota di partecipazione."))
        return data


class BasePartnerFormSet(forms.BaseFormSet):
    def partner_rows(self) -> list[tuple[int, dict]]:
        """(index of the form, cleaned data) of the rows that name a partner, in page order."""
        return [
            (index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if not form.is_blank() and not form.cleaned_data.get("DELETE")
        ]


PartnerFormSet = forms.formset_factory(
    PartnerForm, formset=BasePartnerFormSet, extra=2, can_delete=True, max_num=50, absolute_max=50
)


class LeadShareForm(SectionFormMixin, forms.Form):
    lead_share_percent = forms.DecimalField(
        label=_("Quota di partecipazione del capofila %"),
        max_digits=5,
        decimal_places=2,
        required=False,
        localize=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Lasciare vuoto per attribuire al capofila la quota che resta (100 meno i partner)."),
        error_messages={"invalid": _("Indicare un numero, ad esempio 40 o 12,5.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_share_percent"].widget = forms.TextInput(
            attrs={**self.fields["lead_share_percent"].widget.attrs, "inputmode": "decimal"}
        )
        self._describe("lead_share_percent")


def partner_initial(partners) -> list[dict]:
    return [
        {
            "fiscal_code": p.organisation.fiscal_code if p.organisation_id else "",
            "name": "" if p.organisation_id else p.name,
            "legal_form": "" if p.organisation_id else p.legal_form,
            "email": "" if p.organisation_id else p.email,
            "share_percent": p.share_percent,
        }
        for p in partners
    ]


# --- budget -------------------------------------------------------------------------------------------------
class CategorySelect(forms.Select):
    """Each option carries its cost option and unit rate, for the live preview (static/js/applications.js)."""

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        category = self.categories.get(str(value))
        if category is not None:
            option["attrs"]["data-cost-option"] = category.cost_option
            if category.unit_rate is not None:
                option["attrs"]["data-unit-rate"] = str(category.unit_rate)
        return option


class BudgetLineForm(SectionFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Voce di spesa"), required=False)
    description = forms.CharField(label=_("Descrizione"), max_length=255, required=False)
    quantity = forms.DecimalField(
        label=_("Quantità (solo voci a costo unitario)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        localize=True,
        min_value=0,
        error_messages={
            "invalid": _("Indicare un numero, ad esempio 120 o 12,5."),
            "min_value": _("La quantità non può essere negativa."),
        },
    )
    amount = AmountField(
        label=_("Importo in euro (solo voci a costi reali)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        localize=True,
        min_value=0,
        error_messages={
            "invalid": _("Indicare un importo, ad esempio 1.234,56 o 1234,56."),
            "min_value": _("L'importo non può essere negativo."),
            "max_decimal_places": _("Al massimo due decimali (i centesimi)."),
        },
    )
    partner = forms.ChoiceField(label=_("Soggetto che sostiene la spesa"), required=False)

    def __init__(self, *args, categories=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        typed = [c for c in categories if c.cost_option != CostOption.FLAT_RATE]
        choices = [("", _("Seleziona la voce"))]
        for category in typed:
            label = category.title
            if category.cost_option == CostOption.UNIT_COST:
                label = _("%(title)s – %(rate)s € per %(unit)s") % {
                    "title": category.title,
                    "rate": f"{category.unit_rate:.2f}".replace(".", ","),
                    "unit": category.unit_label or _("unità"),
                }
            choices.append((category.code, label))
        self.fields["category"].choices = choices
        self.fields["category"].widget = CategorySelect(
            choices=choices, categories={c.code: c for c in typed}, attrs={"data-budget-category": ""}
        )
        self.fields["partner"].choices = [("", _("Capofila / intero partenariato"))] + [
            (str(p.pk), p.display_name) for p in partners if p.role != "lead"
        ]
        for name in ("quantity", "amount"):
            self.fields[name].widget = forms.TextInput(
                attrs={**self.fields[name].widget.attrs, "inputmode": "decimal", f"data-budget-{name}": ""}
            )
        for name in self.fields:
            self._describe(name)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not data.get("category") and data.get("amount") is None and data.get("quantity") is None

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("category"):
            self.add_error("category", _("Scegliere la voce di spesa."))
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    def __init__(self, *args, categories=(), partners=(), **kwargs):
        self.categories = categories
        self.partners = partners
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"categories": self.categories, "partners": self.partners}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            categories=self.categories,
            partners=self.partners,
        )
        self.add_fields(form, None)
        return form

    def line_rows(self) -> list[tuple[int, dict]]:
        return [
            (index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if not form.is_blank() and not form.cleaned_data.get("DELETE")
        ]


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=3, can_delete=True, max_num=200, absolute_max=200
)


def budget_initial(lines) -> list[dict]:
    return [
        {
            "category": line.category.code,
            "description": line.description,
            "quantity": line.quantity,
            "amount": None if line.quantity is not None else line.amount,
            "partner": str(line.partner_id) if line.partner_id else "",
        }
        for line in lines
        if not line.is_computed
    ]


# --- documents, declarations --------------------------------------------------------------------------------

"""Forms of the registry pages. They collect plain data; the rules live in ``services`` (and the model)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from grants.core.vocabulary import CompanySize, LegalForm
from grants.territory.models import Municipality

from .ateco import validate_ateco_code
from .validators import validate_body_fiscal_code, validate_person_fiscal_code, validate_vat_number


class ItaliaFormMixin:
    """Bootstrap Italia markup: ``form-control`` on inputs; on a field with errors ``is-invalid``,
    ``aria-invalid`` and ``aria-describedby`` pointing at the message shown under it (and its help text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-control")
            self._describe(name)

    def help_id(self, name: str) -> str:
        return f"{self[name].auto_id}_helptext"

    def error_id(self, name: str) -> str:
        return f"{self[name].auto_id}_error"

    def _describe(self, name: str) -> None:
        field = self.fields[name]
        ids = []
        if field.help_text:
            ids.append(self.help_id(name))
        if self._errors is not None and name in self._errors:  # never trigger validation from here
            ids.append(self.error_id(name))
            classes = field.widget.attrs.get("class", "").split()
            if "is-invalid" not in classes:
                field.widget.attrs["class"] = " ".join([*classes, "is-invalid"])
            field.widget.attrs["aria-invalid"] = "true"
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        for name in self.fields:
            self._describe(name)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError next to the fields it names (others above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
        else:
            for name, messages in error.message_dict.items():
                target = name if name in self.fields else None
                for message in messages:
                    if target is None and name != NON_FIELD_ERRORS:
                        self.add_error(None, message)
                    else:
                        self.add_error(target, message)
        for name in self.fields:
            self._describe(name)


def _seat_choices():
    """Comuni grouped by province, valued by ISTAT code (read when the form is built, not at import)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name, province in (
        Municipality.objects.select_related("province")
        .order_by("province__name", "name")
        .values_list("istat_code", "name", "province__name")
    ):
        groups.setdefault(province, []).append((code, name))
    return [("", _("Seleziona il comune")), *groups.items()]


class OrganisationForm(ItaliaFormMixin, forms.Form):
    name = forms.CharField(label=_("Denominazione"), max_length=255)
    legal_form = forms.ChoiceField(
        label=_("Categoria giuridica"), choices=[("", _("Seleziona la categoria")), *LegalForm.choices]
    )
    company_size = forms.ChoiceField(
        label=_("Dimensione d'impresa"),
        choices=[("", _("Non indicata")), *CompanySize.choices],
        required=False,
        help_text=_("Obbligatoria per le imprese; non si indica per Comuni, enti pubblici ed enti gestori."),
    )
    runts_number = forms.CharField(
        label=_("Numero di iscrizione al RUNTS"),
        max_length=30,
        required=False,
        help_text=_("Obbligatorio per gli enti del terzo settore (ETS)."),
    )
    ateco_code = forms.CharField(
        label=_("Codice ATECO 2025"),
        max_length=12,
        required=False,
        validators=[validate_ateco_code],
        help_text=_(
            "Attività prevalente secondo la classificazione ATECO 2025 dell'ISTAT, per esempio 88.99."
        ),
    )
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=30,
        validators=[validate_body_fiscal_code],
        help_text=_("11 cifre per gli enti, 16 caratteri per le ditte individuali."),
    )
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=30,
        required=False,
        validators=[validate_vat_number],
        help_text=_("11 cifre, se l'organizzazione ne ha una."),
    )
    seat = forms.ChoiceField(label=_("Comune della sede legale"))
    address = forms.CharField(label=_("Indirizzo della sede legale"), max_length=255, required=False)
    pec = forms.EmailField(label=_("PEC"), required=False)
    # Not required here: left empty, the service fills them with the data of who registers.
    legal_representative_first_name = forms.CharField(
        label=_("Nome del legale rappresentante"), max_length=150, required=False
    )
    legal_representative_last_name = forms.CharField(
        label=_("Cognome del legale rappresentante"), max_length=150, required=False
    )
    legal_representative_fiscal_code = forms.CharField(
        label=_("Codice fiscale del legale rappresentante"),
        max_length=30,
        required=False,
        validators=[validate_person_fiscal_code],
        help_text=_("16 caratteri. Chi registra l'organizzazione ne è il legale rappresentante."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].choices = _seat_choices()
        self.fields["fiscal_code"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["legal_representative_fiscal_code"].widget.attrs.update(
            autocomplete="off", spellcheck="false"
        )
        self.fields["pec"].widget.attrs.update(autocomplete="email")


class OrganisationUpdateForm(OrganisationForm):
    """The same data except the codice fiscale, which identifies the organisation and is not changed here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["fiscal_code"]


def organisation_initial(organisation) -> dict:
    return {
        "name": organisation.name,
        "legal_form": organisation.legal_form,
        "company_size": organisation.company_size,
        "runts_number": organisation.runts_number,
        "ateco_code": organisation.ateco_code,
        "vat_number": organisation.vat_number,
        "seat": organisation.seat.istat_code,
        "address": organisation.address,
        "pec": organisation.pec,
        "legal_representative_first_name": organisation.legal_representative_first_name,
        "legal_representative_last_name": organisation.legal_representative_last_name,
        "legal_representative_fiscal_code": organisation.legal_representative_fiscal_code,
    }


class DelegateForm(ItaliaFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail della persona da abilitare"),
        help_text=_("La persona deve avere già un account sulla piattaforma."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off")


class DeclaredAidForm(ItaliaFormMixin, forms.Form):
    """De minimis aid received from another body, declared by the applicant."""

    granted_on = forms.DateField(
        label=_("Data di concessione"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    granting_body = forms.CharField(label=_("Soggetto concedente"), max_length=255)
    amount = forms.DecimalField(
        label=_("Importo (equivalente sovvenzione lordo, €)"), max_digits=14, decimal_places=2
    )
    regulation = forms.ModelChoiceField(
        label=_("Regolamento"),
        queryset=None,
        required=False,
        empty_label=_("Quello in vigore alla data di concessione"),
    )
    legal_basis = forms.CharField(
        label=_("Atto di concessione o base giuridica"), max_length=255, required=False
    )

    def __init__(self, *args, **kwargs):
        from .models import DeMinimisRegulation

        super().__init__(*args, **kwargs)
        self.fields["regulation"].queryset = DeMinimisRegulation.objects.order_by("-valid_from")


class UndertakingLinkForm(ItaliaFormMixin, forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale dell'impresa collegata"),
        max_length=30,
        help_text=_(
            "L'impresa deve essere registrata sulla piattaforma e confermare il collegamento: fino ad "
            "allora i suoi aiuti si sommano solo ai tuoi."
        ),
    )
    relationship = forms.ChoiceField(label=_("Tipo di collegamento"))

    def __init__(self, *args, **kwargs):
        from .models import UndertakingRelationship

        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = [("", _("Seleziona")), *UndertakingRelationship.choices]


class VisuraForm(ItaliaFormMixin, forms.Form):
    """The de minimis visura the RNA returned for the organisation (CSV or XML)."""

    file = forms.FileField(
        label=_("Visura de minimis RNA (CSV o XML)"),
        help_text=_(
            "Il file scaricato dal Registro Nazionale Aiuti con gli aiuti degli ultimi tre esercizi: "
            "ogni concessione si importa una sola volta (per codice COR)."
        ),
    )

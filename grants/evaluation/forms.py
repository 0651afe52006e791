"""Forms of the evaluation pages: one per action.

They check the shape of the input (a number is a number, a date a date) and gather the inputs named after
the call's objects (``item-<id>``, ``party-<id>``, ``points-<code>``...); the rules stay in ``services``,
whose refusals ``grants.core.forms.refusal_to_form`` puts on the form.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.core.money import ZERO, parse_amount
from grants.programme.models import CallStaffRole
from grants.programme.selectors import assignable_staff

from .services import ChecklistAnswer, GrantInput

INVALID_VALUES = gettext_lazy("Valori non validi.")
YES_NO = {"yes": True, "no": False}


def _parse_day(value: str):
    """A date input (AAAA-MM-GG): the date, None when empty, "invalid" otherwise."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return "invalid"


# --- officers: the call's panel ---------------------------------------------------------------------
class PanelForm(forms.Form):
    evaluators_per_application = forms.IntegerField(
        required=False, error_messages={"invalid": INVALID_VALUES}
    )
    disagreement_threshold = forms.CharField(required=False)

    def clean_evaluators_per_application(self):
        value = self.cleaned_data["evaluators_per_application"]
        return 2 if value is None else value

    def clean_disagreement_threshold(self):
        return self.cleaned_data["disagreement_threshold"] or "10"


class PanelMemberForm(forms.Form):
    user = forms.IntegerField(required=False, error_messages={"invalid": INVALID_VALUES})
    is_president = forms.BooleanField(required=False)


class EmptyForm(forms.Form):
    """An action with nothing to type (a button)."""


# --- officers: the formal check of one application ------------------------------------------------------
class IntegrationRequestForm(forms.Form):
    items = forms.CharField(required=False, strip=False)
    message = forms.CharField(required=False)
    deadline = forms.CharField(required=False)
    signature_required = forms.BooleanField(required=False)

    def clean_items(self):
        return self.cleaned_data["items"].splitlines()

    def clean_deadline(self):
        day = _parse_day(self.cleaned_data["deadline"])
        if day == "invalid":
            raise forms.ValidationError(_("Data di scadenza non valida."), code="invalid")
        return day  # a date: the service makes it the end of that day in Rome (none: the default days)


class AdmissibilityForm(forms.Form):
    """One answer (``item-<id>``: yes/no) and one note (``note-<id>``) per checklist row, the outcome and
    its reasons, the lines of projects recognised (only when the call has them)."""

    outcome = forms.CharField(required=False)
    reasons = forms.CharField(required=False, strip=False)

    def __init__(self, *args, rows, project_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        self.has_lines = bool(project_lines)
        for row in self.rows:
            pk = row.item.pk
            self.fields[f"item-{pk}"] = forms.CharField(required=False)
            self.fields[f"note-{pk}"] = forms.CharField(required=False, strip=False)

    def clean(self):
        data = super().clean()
        data["outcome"] = data.get("outcome") or None
        data["answers"] = {
            row.item.pk: ChecklistAnswer(
                satisfied=YES_NO.get(data.get(f"item-{row.item.pk}", "")),
                note=data.get(f"note-{row.item.pk}", ""),
            )
            for row in self.rows
        }
        # The checkbox group (``project_lines``) is on the form only when the call has lines of projects;
        # the service checks the codes.
        data["project_lines"] = self.data.getlist("project_lines") if self.has_lines else None
        return data


# --- evaluators and the panel's president -------------------------------------------------------------
class DeclarationForm(forms.Form):
    """A conflict of interest or not (``party-<id>``: yes/no) and a note (``note-<id>``) per party."""

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for party in self.parties:
            self.fields[f"party-{party.pk}"] = forms.CharField(required=False)
            self.fields[f"note-{party.pk}"] = forms.CharField(required=False, strip=False)

    def clean(self):
        data = super().clean()
        data["conflicts"] = {p.pk: data.get(f"party-{p.pk}") == "yes" for p in self.parties}
        data["notes"] = {p.pk: data.get(f"note-{p.pk}", "") for p in self.parties}
        return data


class ScoreSheetForm(forms.Form):
    """Points (``points-<code>``, decimal comma accepted) and justification (``justification-<code>``) per
    sub-criterion of the call's tree; the service checks the ranges."""

    def __init__(self, *args, tree, **kwargs):
        super().__init__(*args, **kwargs)
        self.leaves = list(tree.leaves)
        for leaf in self.leaves:
            self.fields[f"points-{leaf.code}"] = forms.CharField(required=False)
            self.fields[f"justification-{leaf.code}"] = forms.CharField(required=False, strip=False)

    def clean(self):
        data = super().clean()
        data["points"] = {
            leaf.code: data.get(f"points-{leaf.code}", "").strip().replace(",", ".") for leaf in self.leaves
        }
        data["justifications"] = {
            leaf.code: data.get(f"justification-{leaf.code}", "") for leaf in self.leaves
        }
        return data


class ConsensusForm(ScoreSheetForm):
    note = forms.CharField(required=False, strip=False)


# --- ranking -------------------------------------------------------------------------------------------
class StageForm(forms.Form):
    """A ranking action: the stage it is about (preliminary or final; the call's last when unknown)."""

    stage = forms.CharField(required=False)


class RankingApprovalForm(StageForm):
    determination_number = forms.CharField(required=False)
    determination_date = forms.CharField(required=False)

    def clean_determination_date(self):
        day = _parse_day(self.cleaned_data["determination_date"])
        if day == "invalid":
            raise forms.ValidationError(_("Data non valida (gg/mm/aaaa)."), code="invalid")
        return day


class RenunciationForm(StageForm):
    application = forms.IntegerField(required=False, error_messages={"invalid": INVALID_VALUES})
    reason = forms.CharField(required=False)


# --- applicants ------------------------------------------------------------------------------------------
class IntegrationAnswerForm(forms.Form):
    """One answer (``item-<id>``) per item of the integration request, with its document (``document-<id>``)
    where the applicant attaches one."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item-{item.pk}"] = forms.CharField(required=False, strip=False)
            self.fields[f"document-{item.pk}"] = forms.FileField(required=False)

    def clean(self):
        data = super().clean()
        data["responses"] = {item.pk: data.get(f"item-{item.pk}", "") for item in self.items}
        data["documents"] = {
            item.pk: data[f"document-{item.pk}"] for item in self.items if data.get(f"document-{item.pk}")
        }
        return data


# --- the head of measure: the call's RUP and officers ---------------------------------------------------
class StaffUserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} – {obj.email}" if name else obj.email


class CallStaffForm(forms.Form):
    """Add a person to the call's staff: one of the Region's active staff, as RUP or officer."""

    user = StaffUserChoiceField(
        queryset=None,
        label=gettext_lazy("Persona"),
        empty_label=gettext_lazy("Scegli una persona"),
        error_messages={
            "required": gettext_lazy("Scegli la persona da assegnare."),
            "invalid_choice": gettext_lazy("Questa persona non può lavorare sul bando."),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Ruolo"),
        error_messages={
            "required": gettext_lazy("Scegli il ruolo."),
            "invalid_choice": gettext_lazy("Ruolo non valido."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = assignable_staff()
        self.fields["role"].choices = CallStaffRole.choices


class CallStaffRemoveForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Confermo la rimozione dal bando"),
        error_messages={"required": gettext_lazy("Spunta la conferma per rimuovere la persona dal bando.")},
    )


# --- sportello: the grant decision ------------------------------------------------------------------------
class GrantDecisionForm(forms.Form):
    """A determinazione di concessione of a first-come call: number, date and, for each application that
    may be funded now (``rows``, grants.evaluation.queue.decidable), whether it is included, the aid and,
    where the call mixes them, the loan part. ``confirm`` is set by the confirmation step."""

    determination_number = forms.CharField(required=False, max_length=40)
    determination_date = forms.CharField(required=False)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            pk = row.application.pk
            self.fields[f"include_{pk}"] = forms.BooleanField(required=False)
            self.fields[f"amount_{pk}"] = forms.CharField(required=False)
            self.fields[f"loan_{pk}"] = forms.CharField(required=False)

    def clean_determination_date(self):
        day = _parse_day(self.cleaned_data["determination_date"])
        if day == "invalid":
            raise forms.ValidationError(_("Data non valida (gg/mm/aaaa)."), code="invalid")
        return day

    def clean(self):
        data = super().clean()
        grants = []
        for row in self.rows:
            pk = row.application.pk
            if not data.get(f"include_{pk}"):
                continue
            try:
                amount = parse_amount(data.get(f"amount_{pk}") or "")
            except ValueError:
                self.add_error(f"amount_{pk}", _("Importo non valido."))
                continue
            try:
                loan = parse_amount(data.get(f"loan_{pk}")) if data.get(f"loan_{pk}") else ZERO
            except ValueError:
                self.add_error(f"loan_{pk}", _("Importo non valido."))
                continue
            grants.append(GrantInput(pk, amount, loan))
        if not grants and not self.errors:
            raise forms.ValidationError(_("Selezionare almeno una domanda da finanziare."), code="required")
        data["grants"] = grants
        return data

    def selected(self) -> list:
        """The rows included, with the amounts typed (for the confirmation step)."""
        chosen = {g.application_id: g for g in self.cleaned_data.get("grants", [])}
        return [(row, chosen[row.application.pk]) for row in self.rows if row.application.pk in chosen]


# --- art. 10-bis: the notice of intended rejection and the applicant's observations -----------------------
class RejectionNoticeForm(forms.Form):
    reasons = forms.CharField(required=False, strip=False)
    term_days = forms.IntegerField(
        required=False, error_messages={"invalid": gettext_lazy("Indicare il numero di giorni.")}
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Confermo l'invio del preavviso di rigetto via PEC"),
        error_messages={"required": gettext_lazy("Spunta la conferma: il preavviso parte subito via PEC.")},
    )


class ObservationsForm(forms.Form):
    observations = forms.CharField(required=False, strip=False)
    document = forms.FileField(required=False)


class BelowMinimumDecisionForm(forms.Form):
    """Sportello, after the notice on a score below the minimum: not eligible or observations accepted. Not
    eligible is irreversible: the page asks for a confirmation first (``confirm``)."""

    outcome = forms.ChoiceField(
        choices=[
            ("not_eligible", gettext_lazy("Non idonea: le osservazioni non superano i motivi")),
            ("accepted", gettext_lazy("Osservazioni accolte: il nucleo fissa un nuovo punteggio")),
        ],
        error_messages={
            "required": gettext_lazy("Scegliere l'esito."),
            "invalid_choice": gettext_lazy("Scegliere l'esito."),
        },
    )
    reasons = forms.CharField(required=False, strip=False)
    confirm = forms.BooleanField(required=False)

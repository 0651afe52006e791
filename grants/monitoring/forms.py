"""Forms of the monitoring pages: one per action.

They check the shape of the input only (a date is a date); the rules stay in ``services``, whose refusals
``grants.core.forms.refusal_to_form`` puts next to the fields. The field names are the names of the page's
inputs (the participant's are the CSV columns), so a refused form is shown again with what was typed.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from .participant_data import COLUMNS, RESULT_COLUMNS
from .rules import REPORTED
from .services import ReportedValue


def parse_date(value) -> tuple[date | None, str]:
    """(date, "") or (None, an Italian message); accepts AAAA-MM-GG (date inputs) and GG/MM/AAAA."""
    text = (value or "").strip()
    if not text:
        return None, _("Indicare la data.")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date(), ""
        except ValueError:
            continue
    return None, _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA.")


def errors_by_input(form: forms.BaseForm | None) -> dict[str, list[str]]:
    """The bound form's messages by input name, those above the form under ``general`` (the templates'
    names)."""
    if form is None:
        return {}
    return {
        ("general" if name == NON_FIELD_ERRORS else name): list(messages)
        for name, messages in form.errors.items()
    }


def _text(**kwargs) -> forms.CharField:
    return forms.CharField(required=False, **kwargs)


# --- a project ---------------------------------------------------------------------------------------------
class NewReportForm(forms.Form):
    """A new monitoring report: the date its data refer to and the SAL it goes with."""

    period_end = _text()
    sal_reference = _text(max_length=80)

    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def clean_period_end(self):
        value, message = parse_date(self.cleaned_data["period_end"])
        if message:
            raise forms.ValidationError(message, code="invalid")
        return value


class TargetsForm(forms.Form):
    """One target per indicator (``target-<pk>``); only the inputs the page sent are saved."""

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"target-{indicator.pk}"] = _text()

    def submitted(self) -> list[tuple]:
        """(indicator, typed target) for each input that was sent."""
        return [
            (indicator, self.cleaned_data[f"target-{indicator.pk}"])
            for indicator in self.indicators
            if f"target-{indicator.pk}" in self.data
        ]


# --- participants ------------------------------------------------------------------------------------------
class ParticipantForm(forms.Form):
    """One person, with the columns of the import file (the service checks each of them)."""

    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        for column in COLUMNS:
            self.fields[column] = _text()


class ParticipantExitForm(forms.Form):
    """The exit date and the situation at exit."""

    data_uscita = _text()

    def __init__(self, *args, participant, **kwargs):
        self.participant = participant
        super().__init__(*args, **kwargs)
        for column in RESULT_COLUMNS:
            self.fields[column] = _text()


class ParticipantRemoveForm(forms.Form):
    """Removing a person registered by mistake: nothing to type."""

    def __init__(self, *args, participant, **kwargs):
        self.participant = participant
        super().__init__(*args, **kwargs)


class ImportForm(forms.Form):
    """A CSV or XLSX file of participants (the service checks its type and size)."""

    file = forms.FileField(required=False)

    def __init__(self, *args, project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            raise forms.ValidationError(_("Scegliere un file CSV o XLSX."), code="required")
        return upload


# --- a report ----------------------------------------------------------------------------------------------
class ReportValuesForm(forms.Form):
    """The values of the indicators the beneficiary declares (``indicator-<pk>``, ``note-<pk>``)."""

    def __init__(self, *args, report, **kwargs):
        from . import selectors

        self.report = report
        super().__init__(*args, **kwargs)
        self.reported = [i for i in selectors.applicable_indicators(report.project) if i.rule == REPORTED]
        for indicator in self.reported:
            self.fields[f"indicator-{indicator.pk}"] = _text()
            self.fields[f"note-{indicator.pk}"] = _text()

    def clean(self):
        data = super().clean()
        # The values sent (an indicator whose input was not sent is left as it is).
        data["values"] = [
            ReportedValue(i.pk, data.get(f"indicator-{i.pk}", ""), data.get(f"note-{i.pk}", ""))
            for i in self.reported
            if f"indicator-{i.pk}" in self.data
        ]
        return data


class ReviewForm(forms.Form):
    """The officer's note on a submitted report (required to send it back: the service says so)."""

    note = _text()

    def __init__(self, *args, report, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)

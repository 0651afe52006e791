from django import forms

from .events import EVENTS


class PreferencesForm(forms.Form):
    """One "also by e-mail" checkbox per event; in-app notifications cannot be switched off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for event, info in EVENTS.items():
            self.fields[event] = forms.BooleanField(
                label=info.label, help_text=info.description, required=False
            )

    def email_by_event(self) -> dict[str, bool]:
        return {event: bool(self.cleaned_data.get(event)) for event in EVENTS}

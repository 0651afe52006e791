"""Back-office for the catalogue of indicators (Monitoraggio → Indicatori) and the call targets.

Participants are not in the back-office: they are personal data, reached only through the project's pages
and API, with their permission checks and audit trail.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CallIndicatorTarget, Indicator
from .states import IndicatorSubject


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "title",
            "title_en",
            "description",
            "kind",
            "subject",
            "unit",
            "rule",
            "measure",
            "fund_codes",
            "is_sensitive",
            "is_active",
            "order",
        ]

    def clean(self):
        data = super().clean()
        funds = data.get("fund_codes") or []
        if not isinstance(funds, list) or not all(isinstance(code, str) for code in funds):
            self.add_error("fund_codes", _('Un elenco di codici di fondo, per esempio ["FSE"].'))
        rule = data.get("rule") or ""
        subject = data.get("subject")
        if rule.startswith("participants_") and subject != IndicatorSubject.PARTICIPANTS:
            self.add_error(
                "subject", _("Un indicatore calcolato sui partecipanti è riferito ai partecipanti.")
            )
        if rule.startswith("entities_") and subject != IndicatorSubject.ENTITIES:
            self.add_error("subject", _("Un indicatore calcolato sul partenariato è riferito ai soggetti."))
        return data


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorForm
    list_display = ("code", "title", "kind", "subject", "rule", "measure", "is_sensitive", "is_active")
    list_filter = ("kind", "subject", "is_sensitive", "is_active", "measure__programme", "measure")
    search_fields = ("code", "title", "title_en")
    ordering = ("order", "code")


@admin.register(CallIndicatorTarget)
class CallIndicatorTargetAdmin(SimpleHistoryAdmin):
    list_display = ("call", "indicator", "target")
    list_filter = ("call",)
    autocomplete_fields = ("indicator",)

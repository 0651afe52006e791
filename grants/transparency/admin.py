"""Back-office: what each measure's publications say (category of intervention, office, official).

The accompaniment and the knowledge base have their own pages (/gestione/accompagnamento/,
/gestione/esperienze/)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MeasurePublication


@admin.register(MeasurePublication)
class MeasurePublicationAdmin(SimpleHistoryAdmin):
    list_display = ("measure", "intervention_code", "intervention_label", "office", "responsible_official")
    list_select_related = ("measure",)
    search_fields = ("measure__code", "measure__title", "intervention_code", "office")

"""Back-office of the projects context: each call's project rules are edited here (acceptance days,
variation tolerance, maximum extension, duration, specific obligations). Projects are read-only here:
every change to a project goes through its page (grants.projects.services), with reason and audit."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from grants.core.admin_columns import EuroAmountsMixin

from .models import CallProjectRules, Project


@admin.register(CallProjectRules)
class CallProjectRulesAdmin(SimpleHistoryAdmin):
    list_display = (
        "call",
        "acceptance_days",
        "variation_tolerance_percent",
        "max_extension_months",
        "default_duration_months",
    )
    search_fields = ("call__code", "call__title")
    autocomplete_fields = ("call",)


@admin.register(Project)
class ProjectAdmin(EuroAmountsMixin, SimpleHistoryAdmin):
    list_display = ("title", "cup", "beneficiary", "call", "status", "grant")
    list_filter = ("status", "call__measure")
    search_fields = ("title", "cup", "beneficiary__name", "beneficiary__fiscal_code")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

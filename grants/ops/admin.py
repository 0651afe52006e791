from django.contrib import admin

from .models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = ("task_name", "error", "attempts", "last_failed_at", "resolved_at")
    list_filter = ("task_name", "resolved_at")
    search_fields = ("task_name", "error", "request_id")
    readonly_fields = [field.name for field in FailedTask._meta.fields]

    def has_add_permission(self, request):
        return False

from django.contrib import admin

from .models import AuditEvent
from .selectors import VIEW_AUDIT_PERMISSION


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone: nobody adds, changes or deletes an event here."""

    list_display = ("timestamp", "action", "actor_label", "organisation_name", "object_repr", "ip_address")
    list_filter = ("action", "content_type")
    search_fields = ("action", "actor_label", "organisation_name", "object_repr", "object_id", "request_id")
    date_hierarchy = "timestamp"
    list_select_related = ("content_type",)
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW_AUDIT_PERMISSION)

"""Back-office of the territory: ISTAT rows are read-only (they come from load_territory); bodies and
districts are edited by programme officers."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CohesionDistrict, Municipality, Province, Region, SocialServiceBody


class IstatReadOnlyAdmin(SimpleHistoryAdmin):
    """Rows loaded from the ISTAT list: only a superuser may add, change or delete them by hand."""

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Region)
class RegionAdmin(IstatReadOnlyAdmin):
    list_display = ["name", "istat_code"]
    search_fields = ["name", "istat_code"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Province)
class ProvinceAdmin(IstatReadOnlyAdmin):
    list_display = ["name", "abbreviation", "istat_code", "region", "municipality_count"]
    list_filter = ["region"]
    search_fields = ["name", "abbreviation", "istat_code"]
    list_select_related = ["region"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_municipality_count=Count("municipalities"))

    @admin.display(description=_("comuni"), ordering="_municipality_count")
    def municipality_count(self, obj):
        return obj._municipality_count


@admin.register(Municipality)
class MunicipalityAdmin(IstatReadOnlyAdmin):
    list_display = ["name", "istat_code", "province", "cadastral_code"]
    list_filter = ["province"]
    search_fields = ["name", "istat_code", "cadastral_code"]
    list_select_related = ["province"]
    ordering = ["name", "istat_code"]
    readonly_fields = ["created_at", "updated_at"]
    show_full_result_count = False


@admin.register(SocialServiceBody)
class SocialServiceBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "legal_form", "province", "seat", "is_demo"]
    list_filter = ["legal_form", "province", "is_demo", "districts"]
    search_fields = ["name", "short_name", "seat__name"]
    list_select_related = ["province", "seat__province"]
    autocomplete_fields = ["seat", "municipalities"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "legal_form", "province", "seat"]}),
        (_("Territorio servito"), {"fields": ["municipalities"]}),
        (_("Fonti e note"), {"fields": ["notes", "source_url", "is_demo", "created_at", "updated_at"]}),
    ]


@admin.register(CohesionDistrict)
class CohesionDistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "province_list", "body_count", "is_demo"]
    list_filter = ["provinces", "is_demo"]
    search_fields = ["name", "code", "bodies__name", "bodies__short_name"]
    filter_horizontal = ["provinces", "bodies"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("provinces")
            .annotate(_body_count=Count("bodies", distinct=True))
        )

    @admin.display(description=_("province"))
    def province_list(self, obj):
        return ", ".join(p.abbreviation for p in obj.provinces.all())

    @admin.display(description=_("enti gestori"), ordering="_body_count")
    def body_count(self, obj):
        return obj._body_count

"""Back-office of the finance context: the payment plan of each call (advance, guarantee, SAL thresholds,
retention). Saving goes through grants.finance.services.save_payment_plan, so the same rules and audit apply
as in the API. Payments, claims and loans are managed in their own pages, where the rules are enforced."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import PaymentPlan


@admin.register(PaymentPlan)
class PaymentPlanAdmin(SimpleHistoryAdmin):
    list_display = (
        "call",
        "advance_percent",
        "guarantee_required",
        "interim_thresholds",
        "retention_percent",
    )
    search_fields = ("call__code", "call__title")
    autocomplete_fields = ()
    raw_id_fields = ("call",)

    def save_model(self, request, obj, form, change):
        try:
            services.save_payment_plan(
                actor=request.user,
                call=obj.call,
                advance_percent=obj.advance_percent,
                guarantee_required=obj.guarantee_required,
                interim_thresholds=obj.interim_thresholds,
                retention_percent=obj.retention_percent,
            )
        except (services.FinanceError, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))

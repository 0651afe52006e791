"""Back-office for programmes, funds, measures and calls.

Standard Django model permissions decide who sees and changes what. Saving a call runs the same consistency
rules as publishing it and as the programme loader (grants.programme.services): the call form checks the
call's own fields, each inline checks its rows against the call being saved, and state changes go through the
services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from grants.core.admin_columns import EuroAmountsMixin
from grants.core.money import ZERO, format_eur

from . import selectors, services
from .models import (
    Call,
    CallPhase,
    CallReserve,
    CallStaff,
    CostCategory,
    Criterion,
    Fund,
    Measure,
    MeasurePhase,
    Programme,
    RequiredDocument,
)
from .permissions import can_assign_call_staff


def _apply_errors(form: forms.ModelForm, errors: dict[str, list[str]]) -> None:
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


# --- programme and funds ----------------------------------------------------------------------------------


class FundInline(admin.TabularInline):
    model = Fund
    extra = 0
    fields = ("code", "title", "operational_programme", "eu_share", "national_share", "regional_share")


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "region", "is_demo", "total_budget_display")
    list_filter = ("is_demo",)
    search_fields = ("code", "title")
    inlines = [FundInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").annotate(_total=Sum("measures__budget"))

    @admin.display(description=_("dotazione totale (somma delle misure)"))
    def total_budget_display(self, obj):
        return format_eur(obj._total or ZERO)


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "programme", "operational_programme", "eu_share", "national_share")
    list_filter = ("programme",)
    search_fields = ("code", "title")


# --- measures ---------------------------------------------------------------------------------------------


class MeasurePhaseInline(admin.TabularInline):
    model = MeasurePhase
    extra = 0
    fields = ("order", "title", "title_en", "start_date", "end_date")


class MeasureAdminForm(forms.ModelForm):
    """The admin builds the fields; this adds the budget rule of the services."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            _apply_errors(self, services.measure_budget_errors(self.instance))


@admin.register(Measure)
class MeasureAdmin(EuroAmountsMixin, SimpleHistoryAdmin):
    form = MeasureAdminForm
    list_display = ("code", "title", "programme", "fund", "budget", "has_public_calls")
    list_filter = ("programme", "fund__code", "has_public_calls")
    search_fields = ("code", "title")
    inlines = [MeasurePhaseInline]

    def save_model(self, request, obj, form, change):
        services.save_measure(actor=request.user, measure=obj)


# --- calls ------------------------------------------------------------------------------------------------


class CallChildFormSet(BaseInlineFormSet):
    """Checks the rows of an inline against the call being saved with a rule function of the services."""

    rule = None  # set by each inline: services.<rule>(call, rows) -> {field: [messages]}

    def rows(self):
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            if not form.has_changed() and form.instance.pk is None:
                continue
            rows.append(form.instance)
        return rows

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        errors = type(self).rule(self.instance, self.rows())
        if errors:
            raise ValidationError([message for messages_ in errors.values() for message in messages_])


def _formset(rule):
    return type(f"{rule.__name__.title()}FormSet", (CallChildFormSet,), {"rule": staticmethod(rule)})


class CallPhaseInline(admin.TabularInline):
    model = CallPhase
    formset = _formset(services.phase_errors)
    extra = 0
    fields = ("order", "code", "title", "title_en", "opens_at", "closes_at")


class CallReserveInline(admin.TabularInline):
    model = CallReserve
    formset = _formset(services.reserve_errors)
    extra = 0
    fields = (
        "code",
        "label",
        "kind",
        "province",
        "district",
        "legal_forms",
        "company_sizes",
        "amount",
        "unused_returns_to_pool",
    )
    autocomplete_fields = ()


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    formset = _formset(services.cost_category_errors)
    extra = 0
    fields = (
        "order",
        "code",
        "title",
        "cost_option",
        "cap_percent",
        "flat_rate_percent",
        "flat_rate_base",
        "unit_rate",
        "unit_label",
    )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = _formset(services.criteria_errors)
    extra = 0
    fk_name = "call"
    fields = ("order", "code", "parent", "title", "max_points", "min_points", "weight", "is_bonus")

    def get_formset(self, request, obj=None, **kwargs):
        self._call = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            call = getattr(self, "_call", None)
            kwargs["queryset"] = Criterion.objects.filter(call=call) if call else Criterion.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ("order", "code", "title", "is_mandatory", "per_partner", "allowed_types", "max_size_mb")


class CallAdminForm(forms.ModelForm):
    """Fields come from the admin; status and published_at are read-only (they change through actions)."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            _apply_errors(self, services.call_field_errors(self.instance))


def _failure(call, message) -> str:
    return _("Bando %(code)s: %(message)s") % {"code": call.code, "message": message}


def _run_service(modeladmin, request, queryset, service, done_message):
    done = 0
    for call in queryset:
        try:
            service(actor=request.user, call=call)
        except ValidationError as exc:
            for message in exc.messages:
                modeladmin.message_user(request, _failure(call, message), level=messages.ERROR)
        except PermissionDenied as exc:
            modeladmin.message_user(request, _failure(call, exc), level=messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), level=messages.SUCCESS)


class CallStaffInline(admin.TabularInline):
    """The call's RUP and officers. Additions and removals go through the services (audited, head of
    measure only); an existing row is not edited in place: remove it and add the new one."""

    model = CallStaff
    extra = 0
    fields = ("user", "role", "assigned_by", "assigned_at")
    readonly_fields = ("assigned_by", "assigned_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = selectors.assignable_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return can_assign_call_staff(request.user) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_assign_call_staff(request.user) and super().has_delete_permission(request, obj)


@admin.register(Call)
class CallAdmin(EuroAmountsMixin, SimpleHistoryAdmin):
    form = CallAdminForm
    list_display = ("code", "title", "measure", "mode", "status", "opens_at", "closes_at", "budget")
    list_filter = ("mode", "status", "measure__programme", "measure")
    search_fields = ("code", "title")
    date_hierarchy = "opens_at"
    readonly_fields = ("status", "published_at")
    list_select_related = ("measure",)
    inlines = [
        CallPhaseInline,
        CallReserveInline,
        CostCategoryInline,
        CriterionInline,
        RequiredDocumentInline,
        CallStaffInline,
    ]
    actions = ["publish", "approve_ranking", "archive"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallStaff:
            return super().save_formset(request, form, formset, change)
        rows = formset.save(commit=False)
        for staff in formset.deleted_objects:
            services.remove_call_staff(actor=request.user, staff=staff)
        for staff in rows:
            if staff.pk is None:
                services.assign_call_staff(
                    actor=request.user, call=form.instance, user=staff.user, role=staff.role
                )
        return None

    def save_model(self, request, obj, form, change):
        services.save_call(actor=request.user, call=obj, check_children=False)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # Raised by the final check in save_related: the whole save was rolled back. This happens when the
            # user may not edit an inline (e.g. reserves) and the call's new values clash with stored rows.
            for message in exc.messages:
                self.message_user(request, message, level=messages.ERROR)
            self.message_user(request, _("Nessuna modifica è stata salvata."), level=messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The inlines were checked one by one; this checks them together as saved, in the same transaction.
        services.ensure_call_consistency(form.instance)

    @admin.action(description=_("Pubblica"), permissions=["change"])
    def publish(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.publish_call,
            lambda n: ngettext("%d bando pubblicato.", "%d bandi pubblicati.", n) % n,
        )

    @admin.action(description=_("Approva la graduatoria"), permissions=["change"])
    def approve_ranking(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.approve_call_ranking,
            lambda n: (
                ngettext("Graduatoria approvata per %d bando.", "Graduatoria approvata per %d bandi.", n) % n
            ),
        )

    @admin.action(description=_("Archivia"), permissions=["change"])
    def archive(self, request, queryset):
        _run_service(
            self,
            request,
            queryset,
            services.archive_call,
            lambda n: ngettext("%d bando archiviato.", "%d bandi archiviati.", n) % n,
        )

"""Back-office for the registry: organisations with their memberships, history of every change.

Saving goes through the model's full validation (codice fiscale / partita IVA validators,
``Organisation.clean``, constraints), as the services do; the membership inline also refuses to leave an
organisation without an active legal representative.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from grants.core.admin_columns import EuroAmountsMixin

from .models import (
    DeMinimisAid,
    DeMinimisRegulation,
    Membership,
    MembershipRole,
    Organisation,
    UndertakingLink,
)
from .validators import normalise_fiscal_code, normalise_vat_number


class OrganisationAdminForm(forms.ModelForm):
    """Accepts codes typed with spaces, lower case or an IT prefix, and stores them normalised."""

    fiscal_code = forms.CharField(
        label=_("codice fiscale"),
        max_length=30,
        help_text=Organisation._meta.get_field("fiscal_code").help_text,
    )
    vat_number = forms.CharField(label=_("partita IVA"), max_length=30, required=False)
    legal_representative_fiscal_code = forms.CharField(
        label=_("codice fiscale del legale rappresentante"), max_length=30
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "company_size",
            "runts_number",
            "is_demo",
            "fiscal_code",
            "vat_number",
            "seat",
            "address",
            "pec",
            "legal_representative_first_name",
            "legal_representative_last_name",
            "legal_representative_fiscal_code",
            "social_service_body",
        ]

    def clean_fiscal_code(self):
        return normalise_fiscal_code(self.cleaned_data["fiscal_code"])

    def clean_vat_number(self):
        return normalise_vat_number(self.cleaned_data["vat_number"])

    def clean_legal_representative_fiscal_code(self):
        return normalise_fiscal_code(self.cleaned_data["legal_representative_fiscal_code"])


class MembershipInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        had_representative = Membership.objects.filter(
            organisation=self.instance, role=MembershipRole.LEGAL_REPRESENTATIVE, revoked_at__isnull=True
        ).exists()
        active_representatives = sum(
            1
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == MembershipRole.LEGAL_REPRESENTATIVE
            and not form.cleaned_data.get("revoked_at")
        )
        if had_representative and active_representatives == 0:
            raise ValidationError(
                _("L'organizzazione deve avere almeno un legale rappresentante con abilitazione attiva.")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    fk_name = "organisation"
    extra = 0
    can_delete = False  # revoke (revoked_at) instead: the history keeps who could act and when
    fields = ["user", "role", "granted_by", "created_at", "revoked_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user", "granted_by"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    form = OrganisationAdminForm
    inlines = [MembershipInline]
    list_display = ["name", "fiscal_code", "legal_form", "seat", "is_demo"]
    list_filter = ["legal_form", "is_demo", ("seat__province", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["seat__province"]
    search_fields = ["name", "fiscal_code", "vat_number"]
    autocomplete_fields = ["seat", "social_service_body"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("name", "legal_form", "company_size", "runts_number", "is_demo")}),
        (_("Codici"), {"fields": ("fiscal_code", "vat_number")}),
        (_("Sede e contatti"), {"fields": ("seat", "address", "pec")}),
        (
            _("Legale rappresentante"),
            {
                "fields": (
                    "legal_representative_first_name",
                    "legal_representative_last_name",
                    "legal_representative_fiscal_code",
                )
            },
        ),
        (_("Territorio"), {"fields": ("social_service_body",)}),
        (_("Date"), {"fields": ("created_at", "updated_at")}),
    )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Read-only search across organisations; memberships are changed from their organisation's page."""

    list_display = ["user", "organisation", "role", "created_at", "revoked_at"]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__last_name", "organisation__name", "organisation__fiscal_code"]
    autocomplete_fields = ["user", "organisation", "granted_by"]
    readonly_fields = ["created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeMinimisRegulation)
class DeMinimisRegulationAdmin(EuroAmountsMixin, SimpleHistoryAdmin):
    """The ceilings and reference periods are data: a new regulation is added here, not coded."""

    list_display = ["title", "family", "ceiling", "period_kind", "period_years", "valid_from", "valid_until"]
    list_filter = ["family"]
    search_fields = ["code", "title"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(DeMinimisAid)
class DeMinimisAidAdmin(EuroAmountsMixin, SimpleHistoryAdmin):
    """Read-only: aid is recorded by the services (concessions, declarations), never typed here."""

    list_display = ["organisation", "granted_on", "granting_body", "amount", "revoked_amount", "source"]
    list_filter = ["source", "regulation"]
    list_select_related = ["organisation", "regulation"]
    search_fields = ["organisation__name", "organisation__fiscal_code", "granting_body", "source_reference"]
    date_hierarchy = "granted_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UndertakingLink)
class UndertakingLinkAdmin(SimpleHistoryAdmin):
    list_display = [
        "organisation",
        "linked_organisation",
        "relationship",
        "status",
        "declared_by",
        "confirmed_by",
        "ended_at",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation", "linked_organisation", "declared_by", "confirmed_by"]
    search_fields = ["organisation__name", "linked_organisation__name", "organisation__fiscal_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

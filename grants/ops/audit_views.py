"""/sistema/registro-operazioni/: auditors filter the audit trail (object, actor, period) and export it."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from grants.core.audit import record_event
from grants.core.audit_export import AuditFilters, csv_lines, export_filename, filtered_events, xlsx_bytes
from grants.core.selectors import can_view_audit

PREVIEW_ROWS = 50
FORMATS = {"csv", "xlsx"}


class AuditFilterForm(forms.Form):
    object_type = forms.CharField(
        label=_("Tipo di oggetto"), required=False, help_text=_("«app.modello», es. applications.application")
    )
    object_id = forms.CharField(label=_("Id dell'oggetto"), required=False, max_length=64)
    actor = forms.EmailField(label=_("Autore (e-mail)"), required=False)
    date_from = forms.DateField(
        label=_("Dal giorno"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Al giorno"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> AuditFilters:
        return AuditFilters(
            **{name: self.cleaned_data.get(name) or None for name in ("date_from", "date_to")},
            **{name: self.cleaned_data.get(name) or "" for name in ("object_type", "object_id", "actor")},
        )


def export_response(request, filters: AuditFilters, fmt: str, queryset):
    """The file for ``fmt`` (csv streamed, xlsx built), the export recorded in the trail."""
    record_event(actor=request.user, action="audit.exported", after={**filters.as_dict(), "format": fmt})
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(queryset), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx_bytes(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(fmt)}"'
    return response


@never_cache
def audit_search(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    events, total = None, None
    if form.is_bound and form.is_valid():
        filters = form.filters()
        try:
            queryset = filtered_events(filters)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field, message)
        else:
            fmt = request.GET.get("formato", "")
            if fmt in FORMATS:
                return export_response(request, filters, fmt, queryset)
            total = queryset.count()
            events = list(queryset.reverse()[:PREVIEW_ROWS])
    query = request.GET.copy()
    query.pop("formato", None)
    return render(
        request,
        "ops/audit_search.html",
        {"form": form, "events": events, "total": total, "query": query.urlencode(), "preview": PREVIEW_ROWS},
    )

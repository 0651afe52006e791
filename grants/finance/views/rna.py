"""The officers' RNA pages: the records of their calls (filter by call and status, CSV export, XML for the
manual upload), and per record the actions: send (or confirm the manual upload), type the COR, record a
refusal. Thin: selectors read, ``grants.finance.rna.services`` writes."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grants.core.errors import DomainError
from grants.core.forms import error_messages, refusal_message
from grants.programme.models import Call
from grants.programme.permissions import scope_to_staff_calls

from .. import permissions
from ..rna import selectors
from ..rna import services as rna_services
from ..rna.xml import to_xml
from ..states import RnaStatus

MAX_ID = 2**63 - 1


class CorForm(forms.Form):
    cor = forms.RegexField(
        label=gettext_lazy("Codice COR"),
        regex=r"^\d{1,20}$",
        error_messages={"invalid": gettext_lazy("Il codice COR è numerico (fino a 20 cifre).")},
    )
    registered_on = forms.DateField(label=gettext_lazy("Data di registrazione"), required=False)


class RefusalForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Motivo del rifiuto"), max_length=500)


def _filters(request) -> tuple[int | None, str]:
    raw = request.GET.get("bando", "")
    call_id = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
    return call_id, request.GET.get("stato", "")


def _records_or_404(request):
    if not permissions.can_manage_rna(request.user):
        raise Http404(_("Pagina non trovata."))
    call_id, status = _filters(request)
    return selectors.records_for(request.user, call_id=call_id, status=status), call_id, status


@login_required
def rna_list(request):
    records, call_id, status = _records_or_404(request)
    calls = scope_to_staff_calls(request.user, Call.objects.order_by("-opens_at"), call_field="pk")
    return render(
        request,
        "finance/rna_list.html",
        {
            "records": records[:500],
            "calls": calls.values_list("pk", "title"),
            "call_id": call_id,
            "status": status,
            "statuses": RnaStatus.choices,
        },
    )


@login_required
def rna_csv(request):
    records, _call, _status = _records_or_404(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registrazioni-rna.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(selectors.CSV_HEADER)
    writer.writerows(selectors.csv_rows(records))
    return response


@login_required
def rna_xml(request):
    """The XML of the records to send (filtered as the list), for the manual upload to the RNA."""
    records, _call, _status = _records_or_404(request)
    chosen = list(records.exclude(status=RnaStatus.REGISTERED)[:1000])
    if not chosen:
        messages.info(request, _("Nessuna registrazione da trasmettere."))
        return redirect("finance:rna_list")
    response = HttpResponse(to_xml(chosen), content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="registrazioni-rna.xml"'
    return response


def _record_or_404(request, pk: int):
    record = selectors.record_for(request.user, pk) if 0 < pk <= MAX_ID else None
    if record is None:
        raise Http404(_("Registrazione RNA non trovata."))
    return record


@login_required
def rna_detail(request, pk: int):
    record = _record_or_404(request, pk)
    return render(
        request,
        "finance/rna_detail.html",
        {"record": record, "cor_form": CorForm(), "refusal_form": RefusalForm()},
    )


def _act(request, pk: int, form_class, perform, done: str):
    record = _record_or_404(request, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for message in error_messages(form):
            messages.error(request, message)
        context = {"record": record, "cor_form": CorForm(), "refusal_form": RefusalForm()}
        context["cor_form" if form_class is CorForm else "refusal_form"] = form
        return render(request, "finance/rna_detail.html", context, status=422)
    try:
        perform(record, form.cleaned_data if form else {})
    except DomainError as exc:
        messages.error(request, refusal_message(exc))
        context = {"record": record, "cor_form": CorForm(), "refusal_form": RefusalForm()}
        return render(request, "finance/rna_detail.html", context, status=exc.status)
    messages.success(request, done)
    return redirect("finance:rna_detail", pk=record.pk)


@login_required
@require_POST
def rna_send(request, pk: int):
    return _act(
        request,
        pk,
        None,
        lambda record, data: rna_services.send(actor=request.user, record=record),
        _("Registrazione trasmessa."),
    )


@login_required
@require_POST
def rna_set_cor(request, pk: int):
    return _act(
        request,
        pk,
        CorForm,
        lambda record, data: rna_services.set_cor(
            actor=request.user, record=record, cor=data["cor"], registered_on=data.get("registered_on")
        ),
        _("Codice COR registrato."),
    )


@login_required
@require_POST
def rna_refuse(request, pk: int):
    return _act(
        request,
        pk,
        RefusalForm,
        lambda record, data: rna_services.refuse(actor=request.user, record=record, reason=data["reason"]),
        _("Rifiuto registrato."),
    )

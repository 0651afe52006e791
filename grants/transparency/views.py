"""Public pages: no login, reads only (through selectors), never a draft call."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from grants.programme.models import CallMode

from . import selectors
from .selectors import PublicCallFilter


def _programme_or_404():
    programme = selectors.default_programme()
    if programme is None:
        raise Http404("Nessun programma configurato.")
    return programme


@require_safe
def home(request):
    programme = selectors.default_programme()
    overview = selectors.programme_overview(programme) if programme else None
    return render(request, "transparency/home.html", {"overview": overview})


@require_safe
def programme_page(request):
    overview = selectors.programme_overview(_programme_or_404())
    return render(request, "transparency/programme.html", {"overview": overview})


@require_safe
def measure_page(request, code: str):
    measure = selectors.measure_detail(_programme_or_404(), code)
    if measure is None:
        raise Http404("Misura non trovata.")
    return render(request, "transparency/measure.html", {"measure": measure})


@require_safe
def call_list(request):
    programme = selectors.default_programme()
    state = request.GET.get("stato", PublicCallFilter.ALL)
    if state not in PublicCallFilter.VALUES:
        state = PublicCallFilter.ALL
    measure_code = request.GET.get("misura", "")
    mode = request.GET.get("modalita", "")
    if mode not in CallMode.values:
        mode = ""
    measures = selectors.programme_measures(programme) if programme else []
    if measure_code not in {m.code for m in measures}:
        measure_code = ""
    calls = selectors.filter_calls(
        selectors.public_calls(programme), state=state, measure_code=measure_code, mode=mode
    ).order_by("-opens_at", "code")
    context = {
        "calls": list(calls),
        "measures": measures,
        "modes": CallMode.choices,
        "filters": {"stato": state, "misura": measure_code, "modalita": mode},
    }
    if request.htmx and request.htmx.target == "call-results":
        return render(request, "transparency/partials/call_results.html", context)
    return render(request, "transparency/call_list.html", context)


@require_safe
def call_detail(request, code: str):
    call = selectors.call_detail(code)
    if call is None:
        raise Http404("Bando non trovato.")
    criteria = list(call.criteria.all())
    tree = selectors.criteria_tree(criteria)
    context = {
        "call": call,
        "status": call.status_at(),
        "lead_legal_forms": selectors.legal_form_labels(call.lead_legal_forms),
        "partner_legal_forms": selectors.legal_form_labels(call.partner_legal_forms),
        "lead_company_sizes": selectors.company_size_labels(call.lead_company_sizes),
        "criteria_tree": tree,
        "tie_break_rules": selectors.tie_break_labels(call.tie_break_rules),
        "criteria_total": sum((node.criterion.max_points for node in tree if not node.criterion.is_bonus), 0),
    }
    return render(request, "transparency/call_detail.html", context)


@require_safe
def privacy(request):
    return render(request, "transparency/privacy.html")


@require_safe
def accessibility(request):
    return render(request, "transparency/accessibility.html")

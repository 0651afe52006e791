"""Public pages: no login, reads only (through grants.programme.selectors), never a draft call.

The pages show what an anonymous visitor sees (``user=None``), whoever is signed in.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from grants.evaluation import selectors as evaluation_selectors
from grants.programme import selectors
from grants.programme.models import CallMode, CallPhaseStatus, CallStatus

from . import page_cache as cached
from .selectors import company_size_labels, legal_form_labels, tie_break_labels

# Values of the 'stato' filter of the public call list, and the phase statuses each one keeps.
CALL_LIST_STATES = {
    "tutti": (),
    "aperti": (CallPhaseStatus.OPEN,),
    "prossimi": (CallPhaseStatus.UPCOMING,),
    "chiusi": selectors.ENDED_PHASE_STATUSES,
}


def _programme_or_404():
    programme = selectors.default_programme()
    if programme is None:
        raise Http404("Nessun programma configurato.")
    return programme


@require_safe
@cached.programme_page
def home(request):
    """The default programme presented, and the calls open now in every programme."""
    programme = selectors.default_programme()
    overview = selectors.programme_overview(programme.code) if programme else None
    return render(
        request, "transparency/home.html", {"overview": overview, "open_calls": list(selectors.open_calls())}
    )


@require_safe
@cached.programme_page
def programme_page(request):
    overview = selectors.programme_overview(_programme_or_404().code)
    return render(request, "transparency/programme.html", {"overview": overview})


@require_safe
@cached.programme_page
def measure_page(request, code: str):
    measure = selectors.measure_detail(code, programme=_programme_or_404().code)
    return render(request, "transparency/measure.html", {"measure": measure})


def _measures_by_code() -> list:
    """The measures of every programme, one per code (the filter keeps a code's calls in all programmes)."""
    measures: dict[str, object] = {}
    for measure in selectors.measure_list():
        measures.setdefault(measure.code, measure)
    return list(measures.values())


def with_ranking_links(calls) -> list:
    """The calls, each with ``ranking_url``: its public ranking page when it has an approved ranking (or
    its status says the ranking was approved), else ''."""
    calls = list(calls)
    ranked = evaluation_selectors.calls_with_published_ranking([call.pk for call in calls])
    for call in calls:
        has_ranking = call.pk in ranked or call.status == CallStatus.RANKING_APPROVED
        call.ranking_url = reverse("transparency:ranking", args=[call.code]) if has_ranking else ""
    return calls


@require_safe
@cached.programme_page
def call_list(request):
    """The calls of every programme (never a draft), filtered by state, measure and mode."""
    state = request.GET.get("stato", "tutti")
    if state not in CALL_LIST_STATES:
        state = "tutti"
    measure_code = request.GET.get("misura", "")
    mode = request.GET.get("modalita", "")
    if mode not in CallMode.values:
        mode = ""
    measures = _measures_by_code()
    if measure_code not in {m.code for m in measures}:
        measure_code = ""
    calls = selectors.call_list(measure=measure_code, mode=mode, status=CALL_LIST_STATES[state])
    context = {
        "calls": with_ranking_links(calls),
        "measures": measures,
        "modes": CallMode.choices,
        "filters": {"stato": state, "misura": measure_code, "modalita": mode},
    }
    if request.htmx and request.htmx.target == "call-results":
        return render(request, "transparency/partials/call_results.html", context)
    return render(request, "transparency/call_list.html", context)


@require_safe
@cached.programme_page
def call_detail(request, code: str):
    call = selectors.call_detail(code)
    context = {
        "call": call,
        "status": call.status_at(),
        "lead_legal_forms": legal_form_labels(call.lead_legal_forms),
        "partner_legal_forms": legal_form_labels(call.partner_legal_forms),
        "lead_company_sizes": company_size_labels(call.lead_company_sizes),
        "criteria_tree": call.criteria_tree,
        "tie_break_rules": tie_break_labels(call.tie_break_rules),
        "criteria_total": selectors.criteria_total(call.criteria_tree),
        "published_rankings": evaluation_selectors.published_rankings(call),
    }
    return render(request, "transparency/call_detail.html", context)


@require_safe
def privacy(request):
    return render(request, "transparency/privacy.html")


@require_safe
def accessibility(request):
    return render(request, "transparency/accessibility.html")

"""Sportello valutativo, an application below the minimum (art. 10-bis L. 241/1990): its page shows the score
and what it missed, sends the notice of intended rejection (reasons prefilled from the thresholds missed) and,
once the observations are in or their term is over, records the decision: not eligible (after a
confirmation: irreversible, the booking goes to the waiting list) or observations accepted (the panel
scores it again). Rules in services.rejection and services.below_minimum."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grants.applications.models import Application
from grants.core.errors import DomainError
from grants.programme.models import CallMode

from .. import permissions, selectors, services
from ..forms import BelowMinimumDecisionForm, RejectionNoticeForm
from ..models import RejectionNoticeStatus
from .common import call_or_404, forbidden, show_refusal


def _found(request, code: str, pk: int):
    """(call, application) of a first-come call for an officer who may send notices; None when they may
    not; 404 for another call's application, or an application not sent."""
    if not permissions.can_check_admissibility(request.user):
        return None
    call = call_or_404(code, request.user)
    if call.mode != CallMode.FIRST_COME:
        raise Http404(_("Il bando non è a sportello."))
    try:
        application = selectors.call_application(call, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None
    return call, application


def _decision_ready(application) -> bool:
    notice = services.score_notice(application)
    if notice is None:
        return False
    try:
        services.ready_for_decision(application)
    except services.WrongState:
        return False
    return True


def _posted_reasons(form) -> str:
    return form.data.get("reasons", "") if form is not None and form.is_bound else ""


def _page(request, call, application, *, notice_form=None, decision_form=None, confirming=False, status=200):
    score = getattr(application, "consolidated", None)
    return render(
        request,
        "evaluation/desk_notice.html",
        {
            "call": call,
            "application": application,
            "score": score,
            "notices": selectors.rejection_notices(application),
            "can_notify": services.below_minimum(application),
            "rescore_pending": services.rescore_pending(application),
            "waiting_notice": services.score_notice(application),
            "can_decide": _decision_ready(application),
            "notice_form": notice_form or RejectionNoticeForm(),
            "notice_reasons": _posted_reasons(notice_form) or selectors.rejection_reasons_draft(application),
            "decision_form": decision_form or BelowMinimumDecisionForm(),
            "confirming": confirming,
            "open": RejectionNoticeStatus.OPEN,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_notice(request, code: str, pk: int):
    """GET: the application below the minimum. POST: send the notice of intended rejection (confirmed: it
    leaves by PEC at once)."""
    found = _found(request, code, pk)
    if found is None:
        return forbidden(request)
    call, application = found
    if request.method == "GET":
        return _page(request, call, application)
    form = RejectionNoticeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Il preavviso di rigetto non è stato inviato."))
        services.notify_intended_rejection(
            actor=request.user,
            application=application,
            reasons=form.cleaned_data["reasons"],
            term_days=form.cleaned_data["term_days"],
        )
    except (DomainError, PermissionDenied) as exc:
        show_refusal(request, form, exc if form.is_valid() else None)
        application.refresh_from_db()
        return _page(request, call, application, notice_form=form, status=422)
    messages.success(request, _("Preavviso di rigetto inviato al proponente."))
    return redirect("evaluation:desk_notice", code=call.code, pk=application.pk)


@login_required
@require_POST
def desk_notice_decision(request, code: str, pk: int):
    """After the notice and its term: observations accepted at once; not eligible after a confirmation
    page (irreversible: the booking goes to the waiting list)."""
    found = _found(request, code, pk)
    if found is None:
        return forbidden(request)
    call, application = found
    form = BelowMinimumDecisionForm(request.POST)
    if not form.is_valid():
        show_refusal(request, form)
        return _page(request, call, application, decision_form=form, status=422)
    data = form.cleaned_data
    if data["outcome"] == "not_eligible" and not data["confirm"]:
        if not data["reasons"].strip():
            form.add_error("reasons", _("Motivare la decisione, anche sulle osservazioni ricevute."))
            show_refusal(request, form)
            return _page(request, call, application, decision_form=form, status=422)
        return _page(request, call, application, decision_form=form, confirming=True)
    try:
        services.decide_below_minimum(
            actor=request.user, application=application, outcome=data["outcome"], reasons=data["reasons"]
        )
    except (DomainError, PermissionDenied) as exc:
        show_refusal(request, form, exc)
        application.refresh_from_db()
        return _page(request, call, application, decision_form=form, status=422)
    messages.success(
        request,
        _("Domanda non idonea: la prenotazione è liberata e la lista d'attesa scorre.")
        if data["outcome"] == "not_eligible"
        else _("Osservazioni accolte: la domanda torna al nucleo per il nuovo punteggio."),
    )
    return redirect("evaluation:desk_queue", code=call.code)

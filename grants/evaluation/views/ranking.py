"""The ranking of a call (by stage for two-phase calls): its page, its computation, its approval with the
determination, the renunciation of a funded application. One URL per action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants.applications.models import Application
from grants.core.errors import DomainError
from grants.core.forms import first_errors, refusal_to_form
from grants.programme.models import Call

from .. import permissions, phases, selectors, services
from ..forms import RankingApprovalForm, RenunciationForm, StageForm
from ..models import RankingStage, RankingStatus
from .common import call_or_404, forbidden, show_refusal, submit_form


def _stage(call: Call, value: str) -> str:
    stages = phases.stages(call)
    return value if value in stages else stages[-1]


def _ranking_url(call: Call, stage: str) -> str:
    url = reverse("evaluation:ranking", args=[call.code])
    return f"{url}?fase={stage}" if stage != RankingStage.FINAL else url


def _ranking_page(request, call: Call, stage: str, form=None):
    """The page; with a refused approval form, its errors next to its fields and what was typed (422)."""
    current = selectors.ranking_of(call, stage)
    return render(
        request,
        "evaluation/ranking.html",
        {
            "call": call,
            "stage": stage,
            "stages": [(value, RankingStage(value).label) for value in phases.stages(call)],
            "ranking": current,
            "entries": selectors.ranking_entries(current) if current else [],
            "totals": selectors.ranking_totals(current) if current else None,
            "can_prepare": permissions.can_prepare_ranking(request.user),
            "can_approve": permissions.can_approve_ranking(request.user)
            and current is not None
            and current.status == RankingStatus.DRAFT,
            "approved": current is not None and current.status == RankingStatus.APPROVED,
            "is_final": stage == RankingStage.FINAL,
            "field_errors": first_errors(form) if form is not None else {},
            "posted": form.data if form is not None else {},
        },
        status=422 if form is not None else 200,
    )


@login_required
@require_GET
def ranking(request, code: str):
    if not permissions.can_view_evaluation(request.user):
        return forbidden(request)
    call = call_or_404(code, request.user)
    return _ranking_page(request, call, _stage(call, request.GET.get("fase", "")))


def _ranking_action(request, code: str, form, action):
    if not permissions.can_view_evaluation(request.user):
        return forbidden(request)
    call = call_or_404(code, request.user)
    stage = _stage(call, request.POST.get("stage", ""))
    return submit_form(
        request,
        form,
        lambda data: action(call, stage, data),
        back=lambda: redirect(_ranking_url(call, stage)),
    )


@login_required
@require_POST
def ranking_compute(request, code: str):
    def compute(call, stage, data):
        services.compute_ranking(actor=request.user, call=call, stage=stage)
        messages.success(request, _("Graduatoria calcolata: in attesa di approvazione."))

    return _ranking_action(request, code, StageForm(request.POST), compute)


@login_required
@require_POST
def ranking_approve(request, code: str):
    """A refusal that names fields shows the page again with the form (422); any other goes back to it."""
    if not permissions.can_view_evaluation(request.user):
        return forbidden(request)
    call = call_or_404(code, request.user)
    form = RankingApprovalForm(request.POST)
    stage = _stage(call, request.POST.get("stage", ""))
    if not form.is_valid():
        messages.error(request, _("La determinazione di approvazione è incompleta."))
        return _ranking_page(request, call, stage, form)
    current = selectors.ranking_of(call, stage)
    if current is None:
        raise Http404
    try:
        services.approve_ranking(
            actor=request.user,
            ranking=current,
            determination_number=form.cleaned_data["determination_number"],
            determination_date=form.cleaned_data["determination_date"],
        )
    except (DomainError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied) or not exc.errors:
            show_refusal(request, form, exc)
            return redirect(_ranking_url(call, stage))
        messages.error(request, exc.message)
        refusal_to_form(form, exc)
        return _ranking_page(request, call, stage, form)
    messages.success(request, _("Graduatoria approvata e pubblicata."))
    return redirect(_ranking_url(call, stage))


@login_required
@require_POST
def ranking_renounce(request, code: str):
    def renounce(call, stage, data):
        application = Application.objects.filter(call=call, pk=data["application"] or 0).first()
        if application is None:
            raise Http404
        services.record_renunciation(actor=request.user, application=application, reason=data["reason"])
        messages.success(request, _("Rinuncia registrata: la graduatoria è scorsa."))

    return _ranking_action(request, code, RenunciationForm(request.POST), renounce)

"""Officers' pages: the overview of a call (formal check, panel, assignments, ranking) with the panel's
actions, and the formal check of one application with the integration request. One URL per action.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.programme.permissions import can_assign_call_staff

from .. import permissions, selectors, services
from ..forms import (
    AdmissibilityForm,
    EmptyForm,
    IntegrationRequestForm,
    PanelForm,
    PanelMemberForm,
    RejectionNoticeForm,
)
from .common import call_or_404, forbidden, submit_form


@login_required
def call_overview(request, code: str):
    if not permissions.can_view_evaluation(request.user):
        return forbidden(request)
    call = call_or_404(code, request.user)
    panel = selectors.panel_of(call)
    return render(
        request,
        "evaluation/call_overview.html",
        {
            "call": call,
            "applications": selectors.call_applications(call),
            "panel": panel,
            "members": selectors.panel_members(panel) if panel else [],
            "staff_users": get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .order_by("last_name", "first_name", "email"),
            "ranking": selectors.ranking_of(call),
            "can_manage_panel": permissions.can_manage_panel(request.user),
            "can_assign_call_staff": can_assign_call_staff(request.user),
        },
    )


def _panel_action(request, code: str, form, action):
    if not permissions.can_manage_panel(request.user):
        return forbidden(request)
    call = call_or_404(code, request.user)
    return submit_form(
        request,
        form,
        lambda data: action(call, data),
        back=lambda: redirect("evaluation:call_overview", code=call.code),
    )


@login_required
@require_POST
def panel_update(request, code: str):
    def save(call, data):
        services.set_panel(
            actor=request.user,
            call=call,
            evaluators_per_application=data["evaluators_per_application"],
            disagreement_threshold=data["disagreement_threshold"],
        )
        messages.success(request, _("Nucleo di valutazione salvato."))

    return _panel_action(request, code, PanelForm(request.POST), save)


@login_required
@require_POST
def panel_member_add(request, code: str):
    def add(call, data):
        panel = selectors.panel_of(call)
        user = get_user_model().objects.filter(pk=data["user"] or 0).first()
        if panel is None or user is None:
            raise Http404
        services.add_panel_member(
            actor=request.user, panel=panel, user=user, is_president=data["is_president"]
        )
        messages.success(request, _("Componente aggiunto al nucleo."))

    return _panel_action(request, code, PanelMemberForm(request.POST), add)


@login_required
@require_POST
def panel_auto_assign(request, code: str):
    def assign(call, data):
        result = services.auto_assign(actor=request.user, call=call)
        messages.success(request, _("Assegnazioni create: %(n)d.") % {"n": len(result.created)})
        if result.short:
            messages.warning(
                request,
                _("Valutatori insufficienti per %(n)d domande: aggiungere componenti al nucleo.")
                % {"n": len(result.short)},
            )

    return _panel_action(request, code, EmptyForm(request.POST), assign)


# --- the formal check of one application --------------------------------------------------------------
def _checked_application(request, code: str, pk: int):
    """(call, application) for an officer who may check admissibility; None when they may not."""
    if not permissions.can_check_admissibility(request.user):
        return None
    call = call_or_404(code, request.user)
    try:
        return call, selectors.call_application(call, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None


@login_required
def admissibility(request, code: str, pk: int):
    found = _checked_application(request, code, pk)
    if found is None:
        return forbidden(request)
    call, application = found
    if request.method == "POST":
        form = AdmissibilityForm(
            request.POST,
            rows=selectors.checklist_rows(application),
            project_lines=[reserve.code for reserve in selectors.project_lines(call)],
        )

        def record(data):
            services.record_admissibility(
                actor=request.user,
                application=application,
                answers=data["answers"],
                outcome=data["outcome"],
                reasons=data["reasons"],
                project_lines=data["project_lines"],
            )
            messages.success(
                request,
                _("Esito registrato e comunicato al proponente.")
                if data["outcome"]
                else _("Verifiche salvate."),
            )

        return submit_form(
            request,
            form,
            record,
            back=lambda: redirect("evaluation:admissibility", code=call.code, pk=application.pk),
        )
    review = selectors.review_of(application)
    recognised = set(review.project_lines or []) if review else set()
    return render(
        request,
        "evaluation/admissibility.html",
        {
            "call": call,
            "application": application,
            "rows": selectors.checklist_rows(application),
            "automatic": selectors.automatic_checks(application),
            "signed_documents": selectors.signed_documents(application),
            "review": review,
            "project_lines": [
                {"reserve": reserve, "checked": reserve.code in recognised}
                for reserve in selectors.project_lines(call)
            ],
            "requests": selectors.integration_requests(application),
            "de_minimis_partners": selectors.de_minimis_table(application),
            "rejection_notices": selectors.rejection_notices(application),
            "can_decide": services.in_formal_check(application),
            "can_notify_rejection": application.status == ApplicationStatus.SUBMITTED,
            "notice_reasons": selectors.rejection_reasons_draft(application),
            "notice_required": services.notice_required(application),
        },
    )


@login_required
@require_POST
def integration_request(request, code: str, pk: int):
    found = _checked_application(request, code, pk)
    if found is None:
        return forbidden(request)
    call, application = found

    def ask(data):
        services.request_integration(
            actor=request.user,
            application=application,
            items=data["items"],
            message=data["message"],
            deadline=data["deadline"],
            signature_required=data["signature_required"],
        )
        messages.success(request, _("Richiesta di integrazione inviata al proponente."))

    return submit_form(
        request,
        IntegrationRequestForm(request.POST),
        ask,
        back=lambda: redirect("evaluation:admissibility", code=call.code, pk=application.pk),
    )


@login_required
@require_POST
def rejection_notice(request, code: str, pk: int):
    """Art. 10-bis: send the notice of intended rejection with its reasons (confirmed: it leaves by PEC)."""
    found = _checked_application(request, code, pk)
    if found is None:
        return forbidden(request)
    call, application = found

    def send(data):
        services.notify_intended_rejection(
            actor=request.user, application=application, reasons=data["reasons"], term_days=data["term_days"]
        )
        messages.success(request, _("Preavviso di rigetto inviato al proponente via PEC."))

    return submit_form(
        request,
        RejectionNoticeForm(request.POST),
        send,
        back=lambda: redirect("evaluation:admissibility", code=call.code, pk=application.pk),
    )

"""The call's evaluation panel, its members and the assignments of applications to them."""

from django.contrib.auth import get_user_model
from django.http import Http404
from ninja import Status

from grants.applications.models import Application
from grants.evaluation import permissions, selectors, services
from grants.evaluation.models import PanelMember

from . import router
from .access import assignment_out, staff_call
from .schemas import AssignIn, AssignmentOut, AutoAssignOut, MemberIn, PanelIn, PanelOut


def _panel(panel) -> dict:
    return {
        "id": panel.pk,
        "call_id": panel.call_id,
        "evaluators_per_application": panel.evaluators_per_application,
        "disagreement_threshold": panel.disagreement_threshold,
        "members": [
            {
                "id": m.pk,
                "user_id": m.user_id,
                "name": str(m),
                "is_president": m.is_president,
                "is_active": m.is_active,
                "load": m.load,
            }
            for m in selectors.panel_members(panel)
        ],
    }


@router.put("/evaluation/calls/{call_id}/panel", response=PanelOut)
def put_panel(request, call_id: int, payload: PanelIn):
    call = staff_call(request, call_id, permissions.can_manage_panel)
    panel = services.set_panel(
        actor=request.auth,
        call=call,
        evaluators_per_application=payload.evaluators_per_application,
        disagreement_threshold=payload.disagreement_threshold,
    )
    return _panel(panel)


@router.get("/evaluation/calls/{call_id}/panel", response=PanelOut)
def get_panel(request, call_id: int):
    panel = selectors.panel_of(staff_call(request, call_id, permissions.can_view_evaluation))
    if panel is None:
        raise Http404
    return _panel(panel)


@router.post("/evaluation/calls/{call_id}/panel/members", response={201: PanelOut})
def post_panel_member(request, call_id: int, payload: MemberIn):
    call = staff_call(request, call_id, permissions.can_manage_panel)
    panel = selectors.panel_of(call)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if panel is None or user is None:
        raise Http404
    services.add_panel_member(actor=request.auth, panel=panel, user=user, is_president=payload.is_president)
    return Status(201, _panel(panel))


@router.post("/evaluation/calls/{call_id}/assignments", response={201: AssignmentOut})
def post_assignment(request, call_id: int, payload: AssignIn):
    call = staff_call(request, call_id, permissions.can_manage_panel)
    application = Application.objects.filter(call=call, pk=payload.application_id).first()
    member = PanelMember.objects.filter(panel__call=call, pk=payload.member_id).select_related("user").first()
    if application is None or member is None:
        raise Http404
    assignment = services.assign(actor=request.auth, application=application, member=member)
    return Status(201, assignment_out(assignment))


@router.post("/evaluation/calls/{call_id}/assignments/auto", response=AutoAssignOut)
def post_auto_assign(request, call_id: int):
    call = staff_call(request, call_id, permissions.can_manage_panel)
    result = services.auto_assign(actor=request.auth, call=call)
    return {
        "created": [assignment_out(a) for a in result.created],
        "short_application_ids": [a.pk for a in result.short],
    }

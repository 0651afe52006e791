"""Who may do what in the evaluation: one policy used by services, pages and the API.

Staff rights are Django permissions carried by the staff roles' groups (grants.accounts.roles):
officers run the formal check, integration requests, the panel and the ranking proposal; managers also
approve the ranking. Evaluators act only on what they are assigned, as members of the call's panel.
Staff rights reach only the calls one works on (``grants.programme.permissions.is_call_staff``: the call's
RUP and officers, the head of measure on every call): each check takes the call when the caller has one.
"""

from grants.applications.permissions import can_act_for
from grants.programme.permissions import is_call_staff

from .models import Assignment, AssignmentStatus, Panel, PanelMember


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def _on_call(user, call) -> bool:
    """No call given: the role question alone; a call: the user must also work on it."""
    return call is None or is_call_staff(user, call)


def can_check_admissibility(user, call=None) -> bool:
    """Formal check and integration requests (funzionario istruttore)."""
    return _is_staff(user) and user.has_perm("evaluation.change_admissibilityreview") and _on_call(user, call)


def can_configure_checklist(user, call=None) -> bool:
    return _is_staff(user) and user.has_perm("evaluation.change_admissibilityitem") and _on_call(user, call)


def can_manage_panel(user, call=None) -> bool:
    """Members, president, assignments."""
    return _is_staff(user) and user.has_perm("evaluation.change_panel") and _on_call(user, call)


def can_view_evaluation(user, call=None) -> bool:
    """The officers' overview of a call: admissibility, assignments, consolidated scores, ranking."""
    return (
        _is_staff(user)
        and (
            user.has_perm("evaluation.view_ranking") or user.has_perm("evaluation.change_admissibilityreview")
        )
        and _on_call(user, call)
    )


def can_prepare_ranking(user, call=None) -> bool:
    return _is_staff(user) and user.has_perm("evaluation.change_ranking") and _on_call(user, call)


def can_approve_ranking(user, call=None) -> bool:
    """Managers (responsabile di misura)."""
    return _is_staff(user) and user.has_perm("evaluation.approve_ranking") and _on_call(user, call)


def panel_member(user, panel: Panel | None) -> PanelMember | None:
    if panel is None or not _is_staff(user):
        return None
    return PanelMember.objects.filter(panel=panel, user=user, is_active=True).first()


def is_president(user, panel: Panel | None) -> bool:
    member = panel_member(user, panel)
    return bool(member and member.is_president)


def is_assigned_evaluator(user, assignment: Assignment) -> bool:
    return bool(
        _is_staff(user)
        and assignment.member.user_id == user.pk
        and assignment.member.is_active
        and assignment.status != AssignmentStatus.REVOKED
    )


def can_read_assigned_application(user, assignment: Assignment) -> bool:
    """The application's content (its documents too) for its evaluator once declared free of conflicts."""
    return is_assigned_evaluator(user, assignment) and assignment.status in (
        AssignmentStatus.ACTIVE,
        AssignmentStatus.SUBMITTED,
    )


def can_set_consensus(user, application) -> bool:
    """The president of the application's panel, unless they declared a conflict of interest on it."""
    panel = Panel.objects.filter(call_id=application.call_id).first()
    return (
        is_president(user, panel)
        and not Assignment.objects.filter(
            application=application, member__user=user, status=AssignmentStatus.CONFLICT
        ).exists()
    )


def can_see_evaluations(user, application) -> bool:
    """Who may ask for an application's evaluations: staff who oversee the evaluation and the evaluators it
    was assigned to (what each of them sees is narrowed by ``selectors.visible_evaluations``)."""
    return can_view_evaluation(user, application.call_id) or (
        _is_staff(user) and Assignment.objects.filter(application=application, member__user=user).exists()
    )


def can_answer_integration(user, application) -> bool:
    """The applicant's members answer the requests for integration."""
    return can_act_for(user, application.applicant)


def can_present_executive(user, application) -> bool:
    """The members of the applicant present the executive project of their admitted idea."""
    return can_act_for(user, application.applicant)


def can_renounce(user, application) -> bool:
    """The applicant renounces; an officer may record a renunciation received on paper."""
    return can_act_for(user, application.applicant) or can_prepare_ranking(user, application.call_id)


def can_decide_grants(user, call=None) -> bool:
    """The grant decisions of a first-come call (determinazione di concessione): who approves rankings (the
    head of measure, who signs the determination)."""
    return can_approve_ranking(user, call)

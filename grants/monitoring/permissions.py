"""Who may see and do what in monitoring: one policy used by services, pages and the API.

- the beneficiary's members (grants.projects.permissions) enter, import, correct and remove their projects'
  participants and write their monitoring reports; they never read back the sensitive categories;
- staff rights reach only the projects of the calls one works on (``grants.programme.permissions``: the
  call's RUP and officers; the head of measure and superusers every call);
- staff with ``monitoring.view_participant`` read their calls' projects' participants (without the sensitive
  categories); with ``monitoring.view_sensitive_data`` they also see those;
- ``monitoring.view_dashboard``: the dashboards; ``monitoring.set_targets``: call and project targets;
  ``monitoring.review_report``: approve or send back a monitoring report.
To anyone else a project's monitoring data does not exist (404).
"""

from grants.programme.permissions import is_call_staff
from grants.projects.models import Project
from grants.projects.permissions import is_beneficiary_member


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def _staff_with(user, permission: str) -> bool:
    return _is_staff(user) and user.has_perm(permission)


def can_view_dashboard(user) -> bool:
    return _staff_with(user, "monitoring.view_dashboard")


def can_view_sensitive(user) -> bool:
    return _staff_with(user, "monitoring.view_sensitive_data")


def _on_call(user, call) -> bool:
    """Without ``call`` (a Call or its id), the role only; with it, also working on that call."""
    return call is None or is_call_staff(user, call)


def can_set_targets(user, call=None) -> bool:
    return _staff_with(user, "monitoring.set_targets") and _on_call(user, call)


def can_review_reports(user, call=None) -> bool:
    return _staff_with(user, "monitoring.review_report") and _on_call(user, call)


def can_view_all_participants(user, call=None) -> bool:
    """The role that reads the participants of projects; with ``call``, of that call's projects."""
    return _staff_with(user, "monitoring.view_participant") and _on_call(user, call)


def can_read_monitoring(user, project: Project) -> bool:
    """The participants, targets and reports of one project: its beneficiary's members, and the staff of
    its call who hold one of the monitoring roles."""
    staff = can_view_all_participants(user) or can_review_reports(user) or can_set_targets(user)
    return (staff and is_call_staff(user, project.call_id)) or is_beneficiary_member(user, project)


def can_write_monitoring(user, project: Project) -> bool:
    """Participants and reports are the beneficiary's to write."""
    return is_beneficiary_member(user, project)

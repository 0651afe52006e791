"""Who may see and do what on a project: one policy used by services, pages and the API.

A beneficiary's members (legal representative, delegates with an active membership) see and act on their
organisation's projects only; to anyone else another organisation's project does not exist (404). Staff
rights are Django permissions on the role groups (grants.accounts.roles): ``projects.view_project`` to read
the projects, ``projects.manage_project`` to assign the CUP and decide changes, suspensions and
revocations. Staff rights reach only the projects of the calls one works on (``grants.programme.permissions``:
the call's RUP and officers; the head of measure and superusers every call); a controller reaches the projects
they are assigned to and those whose expense claims are assigned to them. To staff, a project outside their
reach does not exist (404).
"""

from django.db.models import Q, QuerySet

from grants.applications.permissions import acting_organisation_ids, can_act_for
from grants.programme.permissions import is_call_staff, sees_every_call, staff_call_ids

from .models import Project


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def can_view_all_projects(user, call=None) -> bool:
    """The officers' list of projects (role); with ``call``, also working on that call."""
    return (
        _is_staff(user)
        and (user.has_perm("projects.view_project") or user.has_perm("projects.manage_project"))
        and (call is None or is_call_staff(user, call))
    )


def can_manage_projects(user, call=None) -> bool:
    """CUP, changes, suspension, revocation (role); with ``call`` (a Call or its id), also working on it."""
    return (
        _is_staff(user)
        and user.has_perm("projects.manage_project")
        and (call is None or is_call_staff(user, call))
    )


def is_beneficiary_member(user, project: Project) -> bool:
    return can_act_for(user, project.beneficiary)


def can_read_project(user, project: Project) -> bool:
    return visible_projects(user).filter(pk=project.pk).exists()


def visible_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """For staff who read projects: those of the calls they work on (all of them for the head of measure),
    those with an expense claim assigned to them as controller and those they are assigned to as controller
    (the reverse names of ``finance.ExpenseClaim.project`` and ``finance.ProjectController.project``,
    lookups, not imports); and, for everyone, the projects of the organisations the user acts for."""
    queryset = queryset if queryset is not None else Project.objects.all()
    mine = Q(beneficiary_id__in=acting_organisation_ids(user))
    if not can_view_all_projects(user):
        return queryset.filter(mine)
    if sees_every_call(user):
        return queryset
    staff_ids = Project.objects.filter(
        Q(call_id__in=staff_call_ids(user))
        | Q(expense_claims__controller=user)
        | Q(assigned_controllers__user=user)
    ).values("pk")
    return queryset.filter(mine | Q(pk__in=staff_ids))


def beneficiary_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects of the organisations the user acts for (the beneficiary's own list, staff or not)."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.filter(beneficiary_id__in=acting_organisation_ids(user))

"""Who may see and do what on a project: one policy used by services, pages and the API.

A beneficiary's members (legal representative, delegates with an active membership) see and act on their
organisation's projects only; to anyone else another organisation's project does not exist (404). Staff
rights are Django permissions on the role groups (grants.accounts.roles): ``projects.view_project`` to read
every project, ``projects.manage_project`` to assign the CUP and decide changes, suspensions and
revocations.
"""

from django.db.models import Q, QuerySet

from grants.applications.permissions import acting_organisation_ids, can_act_for

from .models import Project


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def can_view_all_projects(user) -> bool:
    return _is_staff(user) and (user.has_perm("projects.view_project") or can_manage_projects(user))


def can_manage_projects(user) -> bool:
    return _is_staff(user) and user.has_perm("projects.manage_project")


def is_beneficiary_member(user, project: Project) -> bool:
    return can_act_for(user, project.beneficiary)


def can_read_project(user, project: Project) -> bool:
    return can_view_all_projects(user) or is_beneficiary_member(user, project)


def visible_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Every project for staff who may read them all; otherwise the user's organisations' projects."""
    queryset = queryset if queryset is not None else Project.objects.all()
    if can_view_all_projects(user):
        return queryset
    return queryset.filter(Q(beneficiary_id__in=acting_organisation_ids(user)))


def beneficiary_projects(user, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """The projects of the organisations the user acts for (the beneficiary's own list, staff or not)."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.filter(beneficiary_id__in=acting_organisation_ids(user))

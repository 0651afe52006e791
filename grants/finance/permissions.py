"""Who may see and do what with a project's money: one policy used by services, pages and the API.

- the beneficiary's members (grants.projects.permissions) see their projects' payments, loan, recoveries and
  claims, and write their claims (items, attachments, counter-arguments);
- officers (``finance.add_payment``, ``finance.add_guarantee``, ``finance.add_loan``,
  ``finance.change_recovery``, ``finance.assign_claim``) propose payments, record guarantees, loans and
  recoveries, and assign claims;
- managers (``finance.approve_payment``) approve the payments someone else proposed;
- a controller (``finance.check_claim``) reaches the projects they are assigned to (``ProjectController``,
  assigned by whoever assigns claims): their sent claims, controls, payments and report, read-only but for
  the checks of the claims assigned to them; and the claims assigned to them one by one. To them any other
  project or claim does not exist (404). Whoever sees every call (head of measure, superusers) reaches every
  project as controller too.

Staff rights reach only the projects of the calls one works on (``grants.programme.permissions``: the call's
RUP and officers; the head of measure and superusers every call): every check takes the call when the caller
has it, and a project of another call answers 404, as a missing one.
"""

from django.db.models import Q, QuerySet

from grants.programme.permissions import is_call_staff, sees_every_call
from grants.projects.models import Project
from grants.projects.permissions import is_beneficiary_member

from .models import ExpenseClaim, ProjectController
from .states import ClaimStatus


def _is_staff(user) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
    )


def _staff_with(user, permission: str, call=None) -> bool:
    """The role's permission and, when ``call`` (a Call or its id) is given, working on that call."""
    return _is_staff(user) and user.has_perm(permission) and (call is None or is_call_staff(user, call))


def can_view_all_finance(user, call=None) -> bool:
    return _staff_with(user, "finance.view_payment", call)


def can_propose_payment(user, call=None) -> bool:
    return _staff_with(user, "finance.add_payment", call)


def can_approve_payment(user, call=None) -> bool:
    return _staff_with(user, "finance.approve_payment", call)


def can_manage_guarantees(user, call=None) -> bool:
    return _staff_with(user, "finance.add_guarantee", call)


def can_manage_loans(user, call=None) -> bool:
    return _staff_with(user, "finance.add_loan", call)


def can_manage_rna(user, call=None) -> bool:
    """RNA records (send, download, type the COR): who manages the projects' decisions on the call."""
    return _staff_with(user, "projects.manage_project", call)


def can_manage_recoveries(user, call=None) -> bool:
    return _staff_with(user, "finance.change_recovery", call)


def can_configure_payment_plan(user, call=None) -> bool:
    return _staff_with(user, "finance.change_paymentplan", call)


def can_assign_claims(user, call=None) -> bool:
    return _staff_with(user, "finance.assign_claim", call)


def can_be_controller(user) -> bool:
    return _staff_with(user, "finance.check_claim")


def can_assign_project_controllers(user, call=None) -> bool:
    """Whoever assigns claims to controllers assigns the project's controllers (on the project's call)."""
    return can_assign_claims(user, call)


# --- controllers: per project, and per claim ----------------------------------------------------------------
def controller_project_ids(user):
    """Ids of the projects the user is assigned to as controller (a subquery, evaluated by the database)."""
    if not can_be_controller(user):
        return ProjectController.objects.none().values("project_id")
    return ProjectController.objects.filter(user=user).values("project_id")


def is_project_controller(user, project) -> bool:
    """Whether the user controls ``project`` (a Project or its id): assigned to it, or seeing every call."""
    project_id = getattr(project, "pk", project)
    if project_id is None or not can_be_controller(user):
        return False
    assigned = ProjectController.objects.filter(user=user, project_id=project_id)
    return sees_every_call(user) or assigned.exists()


def controller_claims_q(user) -> Q:
    """The claims a controller reaches: the sent ones of their projects, and those assigned to them (drafts
    are the beneficiary's until sent). ``Q(pk__in=[])`` for whoever is no controller."""
    if not can_be_controller(user):
        return Q(pk__in=[])
    assigned = Q(controller=user)
    if sees_every_call(user):
        return assigned | ~Q(status=ClaimStatus.DRAFT)
    return assigned | (Q(project_id__in=controller_project_ids(user)) & ~Q(status=ClaimStatus.DRAFT))


def scope_to_controller_projects(user, queryset: QuerySet, project_field: str = "project") -> QuerySet:
    """Narrow a queryset of objects of a project to the projects the controller is assigned to."""
    if sees_every_call(user):
        return queryset
    return queryset.filter(**{f"{project_field}__in": controller_project_ids(user)})


def can_read_project_finance(user, project: Project) -> bool:
    """Payments, loan, recoveries, claims and the budget report of a project."""
    return (
        can_view_all_finance(user, project.call_id)
        or is_beneficiary_member(user, project)
        or is_project_controller(user, project)
    )


def is_assigned_controller(user, claim: ExpenseClaim) -> bool:
    return can_be_controller(user) and claim.controller_id is not None and claim.controller_id == user.pk


def can_read_claim(user, claim: ExpenseClaim) -> bool:
    return (
        is_beneficiary_member(user, claim.project)
        or can_view_all_finance(user, claim.project.call_id)
        or is_assigned_controller(user, claim)
        or (claim.status != ClaimStatus.DRAFT and is_project_controller(user, claim.project_id))
    )


def visible_claims(user, queryset: QuerySet[ExpenseClaim] | None = None) -> QuerySet[ExpenseClaim]:
    """The claims the controller reaches (their list, the API's): see ``controller_claims_q``."""
    queryset = ExpenseClaim.objects.all() if queryset is None else queryset
    return queryset.filter(controller_claims_q(user))


def can_write_claim(user, claim: ExpenseClaim) -> bool:
    """Members of the beneficiary write the claim; whether it is still a draft is the service's question."""
    return is_beneficiary_member(user, claim.project)

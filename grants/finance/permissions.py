"""Who may see and do what with a project's money: one policy used by services, pages and the API.

- the beneficiary's members (grants.projects.permissions) see their projects' payments, loan, recoveries and
  claims, and write their claims (items, attachments, counter-arguments);
- officers (``finance.add_payment``, ``finance.add_guarantee``, ``finance.add_loan``,
  ``finance.change_recovery``, ``finance.assign_claim``) propose payments, record guarantees, loans and
  recoveries, and assign claims;
- managers (``finance.approve_payment``) approve the payments someone else proposed;
- a controller (``finance.check_claim``) reaches only the claims assigned to them, and nothing else of the
  project (to them another claim does not exist: 404).

Staff rights reach only the projects of the calls one works on (``grants.programme.permissions``: the call's
RUP and officers; the head of measure and superusers every call): every check takes the call when the caller
has it, and a project of another call answers 404, as a missing one.
"""

from grants.programme.permissions import is_call_staff
from grants.projects.models import Project
from grants.projects.permissions import is_beneficiary_member

from .models import ExpenseClaim


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


def can_manage_recoveries(user, call=None) -> bool:
    return _staff_with(user, "finance.change_recovery", call)


def can_configure_payment_plan(user, call=None) -> bool:
    return _staff_with(user, "finance.change_paymentplan", call)


def can_assign_claims(user, call=None) -> bool:
    return _staff_with(user, "finance.assign_claim", call)


def can_be_controller(user) -> bool:
    return _staff_with(user, "finance.check_claim")


def can_read_project_finance(user, project: Project) -> bool:
    """Payments, loan, recoveries and the budget report of a project."""
    return can_view_all_finance(user, project.call_id) or is_beneficiary_member(user, project)


def is_assigned_controller(user, claim: ExpenseClaim) -> bool:
    return can_be_controller(user) and claim.controller_id is not None and claim.controller_id == user.pk


def can_read_claim(user, claim: ExpenseClaim) -> bool:
    return (
        is_beneficiary_member(user, claim.project)
        or can_view_all_finance(user, claim.project.call_id)
        or is_assigned_controller(user, claim)
    )


def can_write_claim(user, claim: ExpenseClaim) -> bool:
    """Members of the beneficiary write the claim; whether it is still a draft is the service's question."""
    return is_beneficiary_member(user, claim.project)

"""What the evaluation endpoints find before calling a service: 403 without the permission, 404 when
nothing visible has that id (also a call, or an application of a call, the officer does not work on)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from grants.applications.models import Application
from grants.evaluation import permissions, selectors
from grants.evaluation.models import Assignment
from grants.programme.models import Call
from grants.programme.permissions import is_call_staff


def staff_call(request, call_id: int, check) -> Call:
    if not check(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    call = selectors.published_call(call_id)
    if call is None or not is_call_staff(request.auth, call):  # a call one does not work on: as a missing one
        raise Http404
    return call


def staff_application(request, application_id: int, check) -> Application:
    if not check(request.auth):
        raise PermissionDenied("Operazione non consentita.")
    application = selectors.submitted_application(application_id)
    if application is None or not is_call_staff(request.auth, application.call_id):
        raise Http404
    return application


def my_assignment(request, assignment_id: int) -> Assignment:
    assignment = selectors.assignment_for_evaluator(request.auth, assignment_id)  # DoesNotExist: 404
    if not permissions.is_assigned_evaluator(request.auth, assignment):  # e.g. no longer staff
        raise Http404
    return assignment


def assignment_out(assignment: Assignment) -> dict:
    return {
        "id": assignment.pk,
        "application_id": assignment.application_id,
        "call_code": assignment.application.call.code,
        "protocol": assignment.application.protocol,
        "member_id": assignment.member_id,
        "evaluator": str(assignment.member),
        "status": assignment.status,
        "automatic": assignment.automatic,
    }

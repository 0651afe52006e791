"""The staff's own calls ("I miei bandi"): every call the user works on, where its applications stand, and
the way into each piece of work on it (submitted applications, formal check and evaluation, ranking or
sportello, the call's staff), as far as the user's rights reach."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from grants.applications.models import Application
from grants.applications.permissions import can_view_call_applications
from grants.applications.states import ApplicationStatus
from grants.programme.models import Call, CallMode
from grants.programme.permissions import can_assign_call_staff, staff_calls

from .. import permissions
from .common import forbidden

# The columns of the page: (label key, the statuses counted).
TO_CHECK = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INTEGRATION_REQUESTED,
    ApplicationStatus.REJECTION_NOTIFIED,
)


@login_required
@require_GET
def my_calls(request):
    user = request.user
    may_see_applications = can_view_call_applications(user)
    may_evaluate = permissions.can_view_evaluation(user)
    if not (may_see_applications or may_evaluate):
        return forbidden(request)
    calls = list(staff_calls(user, Call.objects.select_related("measure")).order_by("-opens_at", "code"))
    counts = {
        row["call_id"]: row
        for row in Application.objects.filter(call__in=calls, protocol_number__isnull=False)
        .values("call_id")
        .annotate(
            sent=Count("pk"),
            to_check=Count("pk", filter=Q(status__in=TO_CHECK)),
            admissible=Count("pk", filter=Q(status=ApplicationStatus.ADMISSIBLE)),
            funded=Count("pk", filter=Q(status=ApplicationStatus.FUNDED)),
        )
    }
    rows = [
        {
            "call": call,
            "counts": counts.get(call.pk, {}),
            "first_come": call.mode == CallMode.FIRST_COME,
        }
        for call in calls
    ]
    return render(
        request,
        "evaluation/my_calls.html",
        {
            "rows": rows,
            "may_see_applications": may_see_applications,
            "may_evaluate": may_evaluate,
            "may_assign_staff": can_assign_call_staff(user),
        },
    )

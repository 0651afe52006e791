"""Reads of "I miei bandi" (the staff's own calls): every call the user works on, with where its sent
applications stand. The page (grants.evaluation.views.workspace) and the API (``GET /evaluation/my-calls``)
show the same rows."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from grants.applications.models import Application
from grants.applications.permissions import can_view_call_applications
from grants.applications.states import ApplicationStatus
from grants.programme.models import Call, CallMode
from grants.programme.permissions import can_assign_call_staff, staff_calls

from . import permissions

# Counted as "in istruttoria": waiting for the formal check's decision.
TO_CHECK = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INTEGRATION_REQUESTED,
    ApplicationStatus.REJECTION_NOTIFIED,
)


@dataclass(frozen=True)
class Rights:
    """What the user may open from the page: the call's applications, its evaluation, its staff."""

    see_applications: bool
    evaluate: bool
    assign_staff: bool

    @property
    def any(self) -> bool:
        return self.see_applications or self.evaluate


@dataclass(frozen=True)
class CallRow:
    call: Call
    counts: dict = field(default_factory=dict)  # sent, to_check, admissible, funded

    @property
    def first_come(self) -> bool:
        return self.call.mode == CallMode.FIRST_COME


def rights(user) -> Rights:
    return Rights(
        see_applications=can_view_call_applications(user),
        evaluate=permissions.can_view_evaluation(user),
        assign_staff=can_assign_call_staff(user),
    )


def my_calls(user) -> list[CallRow]:
    """The calls the user works on, the latest first, each with the counts of its sent applications."""
    calls = list(staff_calls(user, Call.objects.select_related("measure")).order_by("-opens_at", "code"))
    counts = {
        row.pop("call_id"): row
        for row in Application.objects.filter(call__in=calls, protocol_number__isnull=False)
        .values("call_id")
        .annotate(
            sent=Count("pk"),
            to_check=Count("pk", filter=Q(status__in=TO_CHECK)),
            admissible=Count("pk", filter=Q(status=ApplicationStatus.ADMISSIBLE)),
            funded=Count("pk", filter=Q(status=ApplicationStatus.FUNDED)),
        )
    }
    return [CallRow(call=call, counts=counts.get(call.pk, {})) for call in calls]

"""Every read of the applications context: querysets for pages and API (here), the inputs of the rules
(``facts``, ``inputs``) and what a submission sends (``snapshot``)."""

from django.db.models import Q, QuerySet

from grants.programme.models import Call

from ..models import Application, ApplicationPartner, Arrival
from ..permissions import acting_organisation_ids, can_view_call_applications
from ..states import ApplicationStatus, BookingOutcome, PartnerRole
from .facts import applicant_eligibility as applicant_eligibility
from .facts import application_facts as application_facts
from .facts import cached_call_reserves as cached_call_reserves
from .facts import cached_call_terms as cached_call_terms
from .facts import call_terms as call_terms
from .facts import category_rules as category_rules
from .facts import check_application as check_application
from .facts import de_minimis_facts as de_minimis_facts
from .facts import de_minimis_reasons as de_minimis_reasons
from .facts import district_facts as district_facts
from .facts import rule_inputs as rule_inputs
from .inputs import prefetch_submission_inputs as prefetch_submission_inputs
from .snapshot import submission_snapshot as submission_snapshot

# Arrival order: the protocol number is given in the order submissions are registered (for a first-come
# call, in the order they obtained the call's booking lock), so it *is* the order of arrival.
ARRIVAL_ORDER = ("protocol_year", "protocol_number")


# --- applications a person may see ---------------------------------------------------------------------
def applications_for_user(user) -> QuerySet[Application]:
    """Applications of the organisations the user acts for; nothing else exists for them."""
    return Application.objects.filter(applicant_id__in=acting_organisation_ids(user)).select_related(
        "call", "applicant"
    )


def application_for_user(user, pk) -> Application:
    """The application if the user may see it; ``Application.DoesNotExist`` otherwise (answer 404)."""
    return applications_for_user(user).get(pk=pk)


def applications_of_organisation(organisation, *, status: str | None = None) -> QuerySet[Application]:
    queryset = Application.objects.filter(applicant=organisation).select_related("call")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at")


def partnerships_to_confirm(user) -> QuerySet[ApplicationPartner]:
    """Partner rows of draft applications where the user acts for the partner organisation."""
    return ApplicationPartner.objects.filter(
        organisation_id__in=acting_organisation_ids(user),
        role=PartnerRole.PARTNER,
        application__status=ApplicationStatus.DRAFT,
    ).select_related("application", "application__applicant", "application__call", "organisation")


def partnership_for_user(user, pk) -> ApplicationPartner:
    return partnerships_to_confirm(user).get(pk=pk)


# --- applications of a call (officers, rankings, sportello) -------------------------------------------
def submitted_applications_of_call(
    call: Call,
    *,
    status: str | None = None,
    booking_outcome: str | None = None,
    legal_form: str | None = None,
    province=None,
    search: str = "",
) -> QuerySet[Application]:
    """Applications of the call that received a protocol number (withdrawn ones only when asked by status),
    in arrival order."""
    queryset = Application.objects.filter(call=call, protocol_number__isnull=False).select_related(
        "applicant", "applicant__seat"
    )
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status=ApplicationStatus.WITHDRAWN)
    if booking_outcome is not None:
        queryset = queryset.filter(booking_outcome=booking_outcome)
    if legal_form:
        queryset = queryset.filter(applicant__legal_form=legal_form)
    if province is not None:
        queryset = queryset.filter(applicant__seat__province=province)
    if search:
        term = search.strip()
        condition = Q(title__icontains=term) | Q(applicant__name__icontains=term)
        condition |= Q(applicant__fiscal_code__iexact=term)
        if "/" in term:
            year, _sep, number = term.partition("/")
            if year.isdigit() and number.isdigit():
                condition |= Q(protocol_year=int(year), protocol_number=int(number))
        queryset = queryset.filter(condition)
    return queryset.order_by(*ARRIVAL_ORDER)


def waiting_list(call: Call) -> QuerySet[Application]:
    """First-come calls: submitted applications waiting for resources, first arrived first."""
    return Application.objects.filter(
        call=call, status=ApplicationStatus.SUBMITTED, booking_outcome=BookingOutcome.WAITING
    ).order_by(*ARRIVAL_ORDER)


def arrival(application: Application) -> Arrival | None:
    """The recorded arrival of a sent application (None for a draft)."""
    return Arrival.objects.filter(application_id=application.pk).first()


def booked_applications(call: Call) -> QuerySet[Application]:
    return Application.objects.filter(call=call, booking_outcome=BookingOutcome.BOOKED).order_by(
        *ARRIVAL_ORDER
    )


def submitted_application_for_staff(user, application_id: int, call: Call | None = None) -> Application:
    """A submitted (protocolled) application, for the staff of its call (``call``: under that call only);
    anyone else's, or a draft, does not exist (DoesNotExist: 404)."""
    found = Application.objects.select_related("call", "applicant").filter(
        pk=application_id, protocol_number__isnull=False
    )
    application = (found.filter(call=call) if call is not None else found).first()
    if application is None or not can_view_call_applications(user, application.call):
        raise Application.DoesNotExist
    return application

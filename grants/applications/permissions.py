"""Who may read and write an application: the one policy used by services, pages and the API.

Only people with an *active* membership (not revoked) of the applicant organisation — its legal
representative or a delegate — read and write its applications. To anyone else another organisation's
application does not exist: the selectors filter it out, so pages and API answer 404, never 403.
A partner's participation is confirmed by an active member of the partner organisation.
"""

from django.db.models import QuerySet

from grants.programme.permissions import is_call_staff
from grants.registry.models import Membership, Organisation

from .models import Application, ApplicationPartner


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def acting_organisation_ids(user) -> QuerySet:
    """Ids of the organisations the user acts for (a subquery, evaluated by the database)."""
    if not _is_signed_in(user):
        return Organisation.objects.none().values("pk")
    return Membership.objects.filter(user=user, revoked_at__isnull=True).values("organisation_id")


def can_act_for(user, organisation: Organisation | None) -> bool:
    if organisation is None or organisation.pk is None or not _is_signed_in(user):
        return False
    return Membership.objects.filter(user=user, organisation=organisation, revoked_at__isnull=True).exists()


def can_read_application(user, application: Application) -> bool:
    return can_act_for(user, application.applicant)


def can_write_application(user, application: Application) -> bool:
    """Members write; whether the application is still editable is the service's question (it says why)."""
    return can_act_for(user, application.applicant)


def can_confirm_participation(user, partner: ApplicationPartner) -> bool:
    return partner.organisation_id is not None and can_act_for(user, partner.organisation)


def can_view_call_applications(user, call=None) -> bool:
    """Regional staff with the right over the applications submitted to calls (applications.view_application:
    officers and managers) and, when ``call`` is given, working on that call (its RUP or officers; the head of
    measure on every call: ``grants.programme.permissions.staff_calls``). Seeing the calls is not enough:
    evaluators and controllers see them too, and an evaluator may open an application only through an
    assignment free of conflicts of interest.

    The one check of the officers' list, detail, XLSX export, document downloads and document archives,
    on pages and API alike. Without ``call`` it answers the role question alone (403 for anyone else);
    with it, a call one does not work on answers False, and the callers answer 404, as for a missing call."""
    if not (_is_signed_in(user) and user.is_staff and user.has_perm("applications.view_application")):
        return False
    return call is None or is_call_staff(user, call)

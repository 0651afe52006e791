"""Officers: the applications submitted to a call and one of them."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from grants.programme.models import Call, StateAidRegime
from grants.programme.permissions import can_assign_call_staff
from grants.registry.permissions import sees_all_organisations

from .. import selectors
from ..budget import aid_intensity
from ..bulk_download import archives_of
from ..exports import filtered_applications, officer_filters
from ..models import Application
from ..permissions import can_view_call_applications
from ..states import PartnerRole
from .stepper import _budget_summary, _documents_of


def submitted_sections(application: Application) -> dict:
    """The context of a submitted application's read-only sections (``partners_table``, ``budget_table``,
    ``documents_table``): shown to its officers and to the evaluators who score it."""
    members = list(application.partners.select_related("organisation").order_by("order", "pk"))
    categories = list(application.call.cost_categories.order_by("order", "code"))
    lines = list(
        application.budget_lines.select_related("category", "partner__organisation").order_by("order", "pk")
    )
    return {
        "lead": next((p for p in members if p.role == PartnerRole.LEAD), None),
        "partners": [p for p in members if p.role == PartnerRole.PARTNER],
        "budget_summary": _budget_summary(categories, lines),
        "aid_intensity": aid_intensity(application.total_cost, application.requested_grant),
        "documents": _documents_of(application),
    }


# --- officers -----------------------------------------------------------------------------------------------
def _officer_call(request, code: str) -> Call | None:
    """The call, for staff who may see its applications; None for anyone else (answered 403). A call the
    officer does not work on is not found (404), as a missing one."""
    if not can_view_call_applications(request.user):
        return None
    call = Call.objects.select_related("measure").filter(code=code).first()
    if call is None or not can_view_call_applications(request.user, call):
        raise Http404(_("Bando non trovato."))
    return call


def _forbidden(request) -> HttpResponse:
    return render(request, "applications/forbidden.html", status=403)


@login_required
def officer_application_list(request, code: str):
    """Applications submitted to a call (withdrawn ones when filtered by that status), in arrival order."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    # The same filters as the XLSX export (exports.officer_filters), so the file holds the rows listed.
    form, filters = officer_filters(request.GET)
    applications = filtered_applications(call, filters)
    page = Paginator(applications, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "applications/officer_list.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "archive": archives_of(request.user, call).first(),
            "can_assign_call_staff": can_assign_call_staff(request.user),
        },
    )


@login_required
def officer_application_detail(request, code: str, pk: int):
    """One submitted application, read-only."""
    call = _officer_call(request, code)
    if call is None:
        return _forbidden(request)
    application = (
        Application.objects.filter(call=call, pk=pk, protocol_number__isnull=False)
        .select_related("applicant__seat__province", "submitted_by")
        .first()
    )
    if application is None:
        raise Http404(_("Domanda non trovata."))
    return render(
        request,
        "applications/officer_detail.html",
        {
            "call": call,
            "application": application,
            **submitted_sections(application),
            # Where the applicant stands under de minimis, with the link to its register (the visura RNA is
            # imported there), for the staff who may open the register.
            "de_minimis": selectors.de_minimis_facts(application.applicant)
            if call.state_aid_regime == StateAidRegime.DE_MINIMIS and sees_all_organisations(request.user)
            else None,
        },
    )

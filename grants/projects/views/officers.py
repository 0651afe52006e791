"""Officers' list of projects with filters and XLSX export, and the creation of missing projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.applications.models import Application
from grants.core.audit import record_event
from grants.core.money import format_eur
from grants.programme.permissions import scope_to_staff_calls

from .. import permissions, selectors, services
from ..export import projects_xlsx
from ..forms import (
    OfficerFilterForm,
)
from ..services import ProjectError
from .common import _detail_url, _forbidden


# --- officers' list -----------------------------------------------------------------------------------------
def _officer_filters(request) -> tuple[OfficerFilterForm, dict]:
    form = OfficerFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, {
        "call": filters.get("bando"),
        "measure": filters.get("misura"),
        "status": filters.get("stato") or None,
        "province": filters.get("provincia"),
        "search": filters.get("q") or "",
    }


@login_required
def officer_project_list(request):
    if not permissions.can_view_all_projects(request.user):
        return _forbidden(request)
    form, filters = _officer_filters(request)
    projects = selectors.filtered_projects(permissions.visible_projects(request.user), **filters)
    page = Paginator(projects, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "projects/officer_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "missing": list(
                scope_to_staff_calls(
                    request.user, selectors.funded_applications_without_project(filters["call"])
                )[:50]
            ),
            "pending": list(selectors.pending_changes(projects)[:50]),
            "is_manager": permissions.can_manage_projects(request.user),
        },
    )


@login_required
def officer_project_export(request):
    if not permissions.can_view_all_projects(request.user):
        return _forbidden(request)
    _form, filters = _officer_filters(request)
    projects = selectors.filtered_projects(permissions.visible_projects(request.user), **filters)
    record_event(actor=request.user, action="project.list_exported", after={"rows": projects.count()})
    response = HttpResponse(
        projects_xlsx(projects),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="progetti.xlsx"'
    return response


@require_POST
@login_required
def create_missing_project(request, application_pk: int):
    if not permissions.can_manage_projects(request.user):
        return _forbidden(request)
    application = Application.objects.filter(pk=application_pk).first()
    if application is None or not permissions.can_manage_projects(request.user, application.call_id):
        raise Http404(_("Domanda non trovata."))
    try:
        project = services.create_missing_projects(actor=request.user, application=application)
    except ProjectError as exc:
        messages.error(request, exc.message)
        return redirect("projects:officer_project_list")
    messages.success(
        request,
        _("Progetto «%(title)s» creato con un contributo di %(grant)s.")
        % {"title": project.title, "grant": format_eur(project.grant)},
    )
    return redirect(_detail_url(project))

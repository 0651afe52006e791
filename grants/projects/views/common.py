"""What the projects pages share: the project one may read (404 otherwise), the 403 page, links to a
section."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Project


def _project_or_404(user, pk: int) -> Project:
    project = (
        permissions.visible_projects(user)
        .select_related("call__measure__programme__region", "beneficiary__seat__province", "application")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404(_("Progetto non trovato."))
    return project


def _forbidden(request) -> HttpResponse:
    return render(request, "projects/forbidden.html", status=403)


def _detail_url(project: Project, anchor: str = "") -> str:
    url = reverse("projects:project_detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url

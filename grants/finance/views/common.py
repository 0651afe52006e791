"""What the finance pages share: the objects a user may read (404 otherwise). One action's POST is answered
by ``grants.core.forms.action_view`` (bind the action's form, call the service, show a refusal on the page
with what was typed)."""

from django.http import Http404
from django.utils.translation import gettext as _

from grants.projects.models import Project

from .. import permissions
from ..models import ExpenseClaim


def project_or_404(request, pk: int) -> Project:
    project = Project.objects.select_related("call", "beneficiary").filter(pk=pk).first()
    if project is None or not permissions.can_read_project_finance(request.user, project):
        raise Http404(_("Progetto non trovato."))
    return project


def claim_or_404(request, pk: int) -> ExpenseClaim:
    claim = (
        ExpenseClaim.objects.select_related("project", "project__call", "controller").filter(pk=pk).first()
    )
    if claim is None or not permissions.can_read_claim(request.user, claim):
        raise Http404(_("Domanda di rimborso non trovata."))
    return claim

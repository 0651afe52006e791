"""What the finance pages share: the objects a user may read (404 otherwise) and the answer to one action's
POST (bind the action's form, call the service, show a refusal on the page with what was typed)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.core.forms import run_form
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


def action_view(
    *,
    find: Callable,
    form_class: type,
    owner: str,
    perform: Callable,
    page: Callable,
):
    """A view for one action on the object ``find(request, pk)`` reads (404 when it may not): the POST binds
    ``form_class`` (``owner`` names its keyword for the object), ``perform(request, obj, cleaned_data)``
    calls the service and answers (a redirect with a success message); on invalid input or a refusal,
    ``page(request, obj, form)`` shows the page again with the bound form (422)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        obj = find(request, pk)
        form = form_class(request.POST, request.FILES, **{owner: obj})
        return run_form(
            request,
            form,
            lambda data: perform(request, obj, data),
            refused=lambda bound: page(request, obj, bound),
        )

    view.__doc__ = perform.__doc__
    view.__name__ = perform.__name__
    return view

"""The staff's own calls ("I miei bandi"): every call the user works on, where its applications stand, and
the way into each piece of work on it (submitted applications, formal check and evaluation, ranking or
sportello, the call's staff), as far as the user's rights reach. Reads in grants.evaluation.workspace
(shared with ``GET /api/v1/evaluation/my-calls``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import workspace
from .common import forbidden


@login_required
@require_GET
def my_calls(request):
    rights = workspace.rights(request.user)
    if not rights.any:
        return forbidden(request)
    return render(
        request,
        "evaluation/my_calls.html",
        {
            "rows": workspace.my_calls(request.user),
            "may_see_applications": rights.see_applications,
            "may_evaluate": rights.evaluate,
            "may_assign_staff": rights.assign_staff,
        },
    )

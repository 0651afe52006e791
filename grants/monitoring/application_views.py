"""The applicant's page of the application's indicator targets (a section of the application form): one
target per indicator of the call, checked by ``proposals.propose_targets``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.selectors import application_for_user

from . import proposals
from .services import MonitoringError


@login_required
def application_targets(request, pk: int):
    try:
        application = application_for_user(request.user, pk)
    except Application.DoesNotExist:
        raise Http404 from None
    posted, errors = {}, {}
    if request.method == "POST" and application.is_editable:
        posted = {
            key.removeprefix("target-"): value
            for key, value in request.POST.items()
            if key.startswith("target-")
        }
        try:
            proposals.propose_targets(actor=request.user, application=application, targets=posted)
        except MonitoringError as exc:
            errors = {e["field"].removeprefix("targets."): e["message"] for e in exc.errors}
        else:
            messages.success(request, _("Target degli indicatori salvati."))
            return redirect("monitoring:application_targets", pk=application.pk)
        application.refresh_from_db()
    rows = [
        (
            row,
            posted.get(row.indicator.code, "" if row.target is None else row.target),
            errors.get(row.indicator.code),
        )
        for row in proposals.proposed_targets(request.user, application)
    ]
    return render(
        request,
        "monitoring/application_targets.html",
        {"application": application, "rows": rows, "editable": application.is_editable},
        status=422 if errors else 200,
    )

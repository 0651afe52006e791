"""Staff pages: system status, failed background tasks and their re-run."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import FailedTask


@never_cache
@login_required
def system_status(request):
    if not request.user.is_staff:
        raise PermissionDenied
    return render(request, "ops/status.html", {"status": selectors.system_status()})


@never_cache
@login_required
@permission_required("ops.view_failedtask", raise_exception=True)
def failed_task_list(request):
    show_resolved = request.GET.get("tutte") == "1"
    return render(
        request,
        "ops/failed_tasks.html",
        {
            "failed_tasks": selectors.failed_tasks(include_resolved=show_resolved)[:200],
            "show_resolved": show_resolved,
            "can_rerun": request.user.has_perm(services.RERUN_PERMISSION),
        },
    )


@require_POST
@login_required
@permission_required(services.RERUN_PERMISSION, raise_exception=True)
def failed_task_rerun(request, pk: int):
    failed = get_object_or_404(FailedTask, pk=pk)
    try:
        failed, outcome = services.rerun_failed_task(user=request.user, failed_task_id=failed.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ops:failed_tasks")
    name = {"name": failed.task_name}
    if outcome == services.RerunOutcome.RESOLVED:
        messages.success(request, _("Attività %(name)s rieseguita con successo.") % name)
    elif outcome == services.RerunOutcome.FAILED:
        messages.error(request, _("La riesecuzione di %(name)s è fallita di nuovo.") % name)
    else:
        messages.info(
            request, _("Attività %(name)s rimessa in coda: risulterà risolta quando riesce.") % name
        )
    return redirect("ops:failed_tasks")

"""The officer's page of formal notices by PEC: those not (yet) delivered, the recent deliveries with their
deadline, and the upload of a receipt (.eml) when the mailbox is not read automatically."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grants.core.forms import run_form

from . import permissions, services
from .forms import ReceiptUploadForm
from .models import UNDELIVERED_STATUSES, PecStatus


def _forbidden(request):
    return render(request, "notifications/pec_forbidden.html", status=403)


def _page(request, form=None, status=200):
    notices = permissions.visible_notices(request.user).select_related("organisation", "call")
    return render(
        request,
        "notifications/pec_notices.html",
        {
            "undelivered": notices.filter(status__in=UNDELIVERED_STATUSES).order_by("created_at", "pk"),
            "delivered": notices.filter(status=PecStatus.DELIVERED).order_by("-delivered_at", "-pk")[:50],
            "form": form or ReceiptUploadForm(),
        },
        status=status,
    )


@login_required
def pec_notices(request):
    if not permissions.can_manage_pec(request.user):
        return _forbidden(request)
    if request.method != "POST":
        return _page(request)

    def upload(data):
        receipt, created = services.record_receipt(actor=request.user, raw=data["file"])
        if created:
            messages.success(
                request,
                _("Ricevuta di %(kind)s registrata per «%(subject)s».")
                % {"kind": receipt.kind, "subject": receipt.notice.subject},
            )
        else:
            messages.info(request, _("Questa ricevuta era già registrata."))
        return redirect("notifications:pec_notices")

    return run_form(
        request,
        ReceiptUploadForm(request.POST, request.FILES),
        upload,
        refused=lambda form: _page(request, form, status=400),
    )

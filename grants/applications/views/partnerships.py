"""Partner confirmations: drafts of other organisations that name one of mine as partner."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..models import ApplicationPartner
from ..services import ApplicationError


# --- partner confirmations ----------------------------------------------------------------------------------
@login_required
def partnerships(request):
    """Drafts of other organisations that name one of mine as partner: confirm participation here."""
    if request.method == "POST":
        try:
            partner = selectors.partnership_for_user(request.user, request.POST.get("partner") or 0)
        except (ApplicationPartner.DoesNotExist, ValueError):
            raise Http404(_("Partenariato non trovato.")) from None
        try:
            services.confirm_participation(actor=request.user, partner=partner)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Adesione di «%(partner)s» alla domanda «%(title)s» confermata.")
                % {"partner": partner.display_name, "title": partner.application},
            )
        return redirect("applications:partnerships")
    rows = selectors.partnerships_to_confirm(request.user).order_by(
        "confirmed_at", "-application__updated_at"
    )
    return render(request, "applications/partnerships.html", {"rows": rows})

"""Pages of the de minimis register: where the single undertaking stands, the aid received, the links.

Thin, as the other registry pages: forms collect, ``services`` decide, ``selectors`` read; an organisation the
user may not see answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.core.errors import DomainError

from . import selectors, services
from .forms import DeclaredAidForm, UndertakingLinkForm
from .models import DeMinimisAid, DeMinimisSource, Organisation
from .permissions import can_declare_de_minimis


def _organisation_or_404(user, pk: int) -> Organisation:
    try:
        return selectors.visible_organisation(user, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("Organizzazione non trovata.")) from None


@login_required
def de_minimis(request, pk: int):
    organisation = _organisation_or_404(request.user, pk)
    may_declare = can_declare_de_minimis(request.user, organisation)
    aid_form = DeclaredAidForm(prefix="aid")
    link_form = UndertakingLinkForm(prefix="link")
    if request.method == "POST":
        if not may_declare:
            raise PermissionDenied
        section = request.POST.get("section")
        try:
            if section == "aid":
                aid_form = DeclaredAidForm(request.POST, prefix="aid")
                if aid_form.is_valid():
                    services.declare_de_minimis_aid(
                        actor=request.user, organisation=organisation, **aid_form.cleaned_data
                    )
                    messages.success(request, _("Aiuto de minimis dichiarato."))
                    return redirect("registry:de_minimis", pk=organisation.pk)
            elif section == "link":
                link_form = UndertakingLinkForm(request.POST, prefix="link")
                if link_form.is_valid():
                    link = services.link_undertaking(
                        actor=request.user, organisation=organisation, **link_form.cleaned_data
                    )
                    if link.is_confirmed:
                        messages.success(request, _("Impresa collegata: i suoi aiuti si sommano ai tuoi."))
                    else:
                        messages.success(
                            request,
                            _(
                                "Collegamento dichiarato: l'altra impresa deve confermarlo. Nel frattempo "
                                "i suoi aiuti si sommano ai tuoi, non ai suoi."
                            ),
                        )
                    return redirect("registry:de_minimis", pk=organisation.pk)
            else:
                raise Http404(_("Sezione sconosciuta."))
        except ValidationError as exc:
            (aid_form if section == "aid" else link_form).add_service_errors(exc)
        messages.error(request, _("I dati non sono stati salvati: correggere i campi indicati."))
    position = selectors.de_minimis_position(organisation)
    return render(
        request,
        "registry/de_minimis.html",
        {
            "organisation": organisation,
            "position": position,
            "aid": selectors.de_minimis_aid_of(organisation),
            "links": selectors.link_views_of(organisation),
            "linked_count": len(position.organisation_ids) - 1,
            "pending_count": len(position.pending_organisation_ids),
            "may_declare": may_declare,
            "aid_form": aid_form,
            "link_form": link_form,
        },
    )


@login_required
@require_POST
def declared_aid_remove(request, pk: int, aid_pk: int):
    organisation = _organisation_or_404(request.user, pk)
    aid = DeMinimisAid.objects.filter(
        pk=aid_pk, organisation=organisation, source=DeMinimisSource.DECLARED
    ).first()
    if aid is None:
        raise Http404(_("Aiuto non trovato."))
    services.remove_declared_de_minimis_aid(actor=request.user, aid=aid)
    messages.success(request, _("Dichiarazione eliminata."))
    return redirect("registry:de_minimis", pk=organisation.pk)


@login_required
@require_POST
def undertaking_link_end(request, pk: int, link_pk: int):
    organisation = _organisation_or_404(request.user, pk)
    link = selectors.undertaking_links_of(organisation).filter(pk=link_pk).first()
    if link is None:
        raise Http404(_("Collegamento non trovato."))
    services.end_undertaking_link(actor=request.user, link=link)
    messages.success(request, _("Collegamento terminato."))
    return redirect("registry:de_minimis", pk=organisation.pk)


def _answer(request, pk: int, link_pk: int, *, confirm: bool):
    organisation = _organisation_or_404(request.user, pk)
    link = selectors.link_requests_to(organisation).filter(pk=link_pk).first()
    if link is None:
        raise Http404(_("Richiesta di collegamento non trovata."))
    try:
        services.answer_undertaking_link(actor=request.user, link=link, confirm=confirm)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if confirm:
            messages.success(
                request, _("Collegamento confermato: da ora gli aiuti delle due imprese si sommano.")
            )
        else:
            messages.success(request, _("Collegamento rifiutato: non conta per la tua organizzazione."))
    return redirect("registry:de_minimis", pk=organisation.pk)


@login_required
@require_POST
def undertaking_link_confirm(request, pk: int, link_pk: int):
    return _answer(request, pk, link_pk, confirm=True)


@login_required
@require_POST
def undertaking_link_refuse(request, pk: int, link_pk: int):
    return _answer(request, pk, link_pk, confirm=False)

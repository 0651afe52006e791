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
from django.views.decorators.http import require_GET, require_POST

from grants.core.errors import DomainError

from . import selectors, services
from .forms import DeclaredAidForm, UndertakingLinkForm, VisuraForm
from .models import DeMinimisAid, DeMinimisSource, Organisation
from .permissions import can_declare_de_minimis


def _organisation_or_404(user, pk: int) -> Organisation:
    try:
        return selectors.visible_organisation(user, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("Organizzazione non trovata.")) from None


def _page(
    request,
    organisation: Organisation,
    *,
    aid_form=None,
    link_form=None,
    visura_form=None,
    status: int = 200,
):
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
            "may_declare": can_declare_de_minimis(request.user, organisation),
            "aid_form": aid_form or DeclaredAidForm(prefix="aid"),
            "link_form": link_form or UndertakingLinkForm(prefix="link"),
            "visura_form": visura_form or VisuraForm(prefix="visura"),
        },
        status=status,
    )


@login_required
@require_GET
def de_minimis(request, pk: int):
    """Where the single undertaking stands, the aid received and the links; the two forms post to their own
    URLs (``declare_aid``, ``declare_link``)."""
    return _page(request, _organisation_or_404(request.user, pk))


def _declaring(request, pk: int) -> Organisation:
    organisation = _organisation_or_404(request.user, pk)
    if not can_declare_de_minimis(request.user, organisation):
        raise PermissionDenied
    return organisation


def _refused(request, organisation: Organisation, **forms):
    messages.error(request, _("I dati non sono stati salvati: correggere i campi indicati."))
    return _page(request, organisation, status=422, **forms)


@login_required
@require_POST
def declare_aid(request, pk: int):
    organisation = _declaring(request, pk)
    form = DeclaredAidForm(request.POST, prefix="aid")
    if form.is_valid():
        try:
            services.declare_de_minimis_aid(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Aiuto de minimis dichiarato."))
            return redirect("registry:de_minimis", pk=organisation.pk)
    return _refused(request, organisation, aid_form=form)


@login_required
@require_POST
def import_visura(request, pk: int):
    """The RNA visura's file: every concession stored once (by COR), or nothing when the file is malformed."""
    organisation = _declaring(request, pk)
    form = VisuraForm(request.POST, request.FILES, prefix="visura")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_de_minimis_visura(
                actor=request.user, organisation=organisation, content=upload.read()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Visura RNA importata: %(new)d aiuti registrati, %(same)d già presenti.")
                % {"new": len(result.created), "same": len(result.unchanged)},
            )
            if result.other_beneficiaries:
                messages.warning(
                    request,
                    _(
                        "La visura contiene aiuti di altri beneficiari (%(codes)s), non registrati qui: "
                        "ogni impresa collegata importa la propria visura."
                    )
                    % {"codes": ", ".join(result.other_beneficiaries)},
                )
            return redirect("registry:de_minimis", pk=organisation.pk)
    return _refused(request, organisation, visura_form=form)


@login_required
@require_POST
def declare_link(request, pk: int):
    organisation = _declaring(request, pk)
    form = UndertakingLinkForm(request.POST, prefix="link")
    if form.is_valid():
        try:
            link = services.link_undertaking(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
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
    return _refused(request, organisation, link_form=form)


@login_required
@require_POST
def declared_aid_remove(request, pk: int, aid_pk: int):
    organisation = _organisation_or_404(request.user, pk)
    aid = DeMinimisAid.objects.filter(
        pk=aid_pk, organisation=organisation, source__in=(DeMinimisSource.DECLARED, DeMinimisSource.RNA)
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

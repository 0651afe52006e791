"""Pages of the registry: my organisations, register one, see it with its members, manage delegates.

Thin: forms collect the data, ``services`` decide, ``selectors`` read, ``permissions`` say who may do what.
An organisation the user may not see answers 404, the same as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DelegateForm, OrganisationForm, OrganisationUpdateForm, organisation_initial
from .models import Membership, MembershipRole, Organisation
from .permissions import (
    can_change_organisation,
    can_manage_members,
    can_view_organisation,
    revocable_membership_ids,
)


def _organisation_or_404(user, pk: int, *, with_members: bool = False) -> Organisation:
    try:
        if with_members:
            return selectors.organisation_with_members(user, pk)
        return selectors.visible_organisation(user, pk)
    except Organisation.DoesNotExist:
        raise Http404(_("Organizzazione non trovata.")) from None


@login_required
def organisation_list(request):
    return render(
        request,
        "registry/organisation_list.html",
        {"memberships": selectors.active_memberships(request.user)},
    )


@login_required
def organisation_create(request):
    user = request.user
    initial = {
        "legal_representative_first_name": user.first_name,
        "legal_representative_last_name": user.last_name,
        "legal_representative_fiscal_code": user.fiscal_code or "",
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_organisation(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Organizzazione «%(name)s» registrata: ne sei il legale rappresentante.")
                % {"name": organisation.name},
            )
            return redirect("registry:organisation_detail", pk=organisation.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": None})


@login_required
def organisation_update(request, pk: int):
    organisation = _organisation_or_404(request.user, pk)
    if not can_change_organisation(request.user, organisation):
        raise PermissionDenied
    form = OrganisationUpdateForm(request.POST or None, initial=organisation_initial(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Dati dell'organizzazione aggiornati."))
            return redirect("registry:organisation_detail", pk=organisation.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def organisation_detail(request, pk: int):
    """The organisation, its active members; its legal representative also grants delegates here (POST)."""
    organisation = _organisation_or_404(request.user, pk, with_members=True)
    manages = can_manage_members(request.user, organisation)
    delegate_form = DelegateForm(request.POST or None) if manages else None
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if delegate_form.is_valid():
            try:
                membership = services.grant_delegate(
                    actor=request.user, organisation=organisation, email=delegate_form.cleaned_data["email"]
                )
            except ValidationError as exc:
                delegate_form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("%(email)s è ora delegato di «%(name)s».")
                    % {"email": membership.user.email, "name": organisation.name},
                )
                return redirect("registry:organisation_detail", pk=organisation.pk)
    active = organisation.active_memberships
    revocable = revocable_membership_ids(request.user, organisation, active)
    representatives = [m for m in active if m.role == MembershipRole.LEGAL_REPRESENTATIVE]
    if len(representatives) == 1:
        # The service refuses to revoke the last legal representative: do not offer a button that fails.
        revocable.discard(representatives[0].pk)
    members = [(membership, membership.pk in revocable) for membership in organisation.active_memberships]
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "delegate_form": delegate_form,
            "can_manage": manages,
            "can_change": can_change_organisation(request.user, organisation),
        },
    )


@login_required
@require_POST
def membership_revoke(request, pk: int, membership_pk: int):
    organisation = _organisation_or_404(request.user, pk)
    try:
        membership = selectors.organisation_membership(organisation, membership_pk)
    except Membership.DoesNotExist:
        raise Http404(_("Abilitazione non trovata.")) from None
    try:
        services.revoke_membership(actor=request.user, membership=membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Abilitazione di %(email)s revocata con effetto immediato.") % {"email": membership.user.email},
        )
        if not can_view_organisation(request.user, organisation):
            # The user gave up their own delegation: the organisation is no longer theirs to see.
            return redirect("registry:organisation_list")
    return redirect("registry:organisation_detail", pk=organisation.pk)

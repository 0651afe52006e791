"""Acting for an organisation: which of their organisations a signed-in person is working for right now.

The choice lives in the session (``acting_organisation_id``) and is only ever one of the person's active
memberships; without a valid choice the first of their organisations (by name) is the current one, so that the
header always says which organisation the person acts for.

Wiring (settings and URLs, outside this module):

- ``"grants.registry.acting.acting_organisation"`` in ``TEMPLATES[0]["OPTIONS"]["context_processors"]``;
- ``path("organizzazioni/agisci-per/", acting.switch_acting_organisation, name="acting_switch")`` in
  ``grants/registry/urls.py`` (namespace ``registry``).
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Organisation
from .permissions import acting_organisations

SESSION_KEY = "acting_organisation_id"


def organisations_for(user) -> list[Organisation]:
    """The organisations the user may act for, by name."""
    return list(acting_organisations(user).order_by("name", "pk"))


def current_organisation(request, organisations: list[Organisation] | None = None) -> Organisation | None:
    """The organisation the signed-in user acts for in this session (None if they act for none)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if organisations is None:
        organisations = organisations_for(user)
    chosen = request.session.get(SESSION_KEY)
    for organisation in organisations:
        if organisation.pk == chosen:
            return organisation
    return organisations[0] if organisations else None


def set_acting_organisation(request, organisation_id: int) -> Organisation | None:
    """Act for ``organisation_id`` if the user may; returns the organisation, or None (choice unchanged)."""
    for organisation in organisations_for(request.user):
        if organisation.pk == organisation_id:
            request.session[SESSION_KEY] = organisation.pk
            return organisation
    return None


class ActingContext:
    """Template helper, evaluated only when a template reads it (no query on pages that do not)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def organisations(self) -> list[Organisation]:
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        return organisations_for(user)

    @cached_property
    def current(self) -> Organisation | None:
        return current_organisation(self.request, self.organisations)

    @property
    def has_choice(self) -> bool:
        return len(self.organisations) > 1


def acting_organisation(request) -> dict:
    """Context processor: ``acting.organisations``, ``acting.current``, ``acting.has_choice``."""
    return {"acting": ActingContext(request)}


@login_required
@require_POST
def switch_acting_organisation(request):
    """POST ``organisation`` (id) and ``next``: act for that organisation, then go back to ``next``."""
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = None
    organisation = set_acting_organisation(request, organisation_id) if organisation_id else None
    if organisation is None:
        messages.error(request, _("Non sei abilitato ad agire per questa organizzazione."))
    else:
        messages.success(request, _("Ora agisci per %(name)s.") % {"name": organisation.name})
    return HttpResponseRedirect(next_url)

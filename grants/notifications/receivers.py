"""Reactions to events of the lower apps (they cannot import this one): each turns into a notification."""

from django.urls import reverse
from django.utils.translation import gettext as _

from grants.registry.services import membership_changed

from . import events
from .services import notify


def _person(user) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.email})" if full_name else user.email


def on_membership_changed(sender, *, membership, actor, granted: bool, **kwargs) -> None:
    """The delegate and the organisation's active members learn that a delegation began or ended."""
    organisation = membership.organisation
    values = {
        "person": _person(membership.user),
        "organisation": organisation.name,
        "role": membership.get_role_display().lower(),
        "actor": _person(actor) if actor is not None else _("la Regione"),
    }
    if granted:
        subject = _("%(person)s è abilitato ad agire per %(organisation)s") % values
        body = (
            _(
                "%(actor)s ha abilitato %(person)s come %(role)s di %(organisation)s: da ora può preparare e "
                "presentare domande per l'organizzazione."
            )
            % values
        )
    else:
        subject = _("Abilitazione revocata: %(person)s per %(organisation)s") % values
        body = (
            _(
                "%(actor)s ha revocato l'abilitazione di %(person)s (%(role)s) ad agire per "
                "%(organisation)s, con effetto immediato."
            )
            % values
        )
    notify(
        event=events.DELEGATION_CHANGED,
        subject=subject,
        body=body,
        users=[membership.user],
        organisation=organisation,
        # The former delegate can no longer open the organisation's page.
        link=reverse("registry:organisation_detail", args=[organisation.pk]) if granted else "",
        target=membership,
        actor=actor,
    )


def connect() -> None:
    membership_changed.connect(on_membership_changed, dispatch_uid="notifications.membership_changed")

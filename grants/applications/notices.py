"""What the applications context tells people through the notifications context: a partner organisation named
in an application (or, not registered yet, invited by e-mail to register), and a withdrawn application.

Called by the services inside their transaction (the notifications roll back with them); each call writes one
notification per recipient, and the e-mail follows each recipient's preference for the event.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from grants.notifications import events
from grants.notifications.emails import absolute_url
from grants.notifications.services import email_address, notify
from grants.programme.models import CallStaff

from .models import Application, ApplicationPartner


def partner_invited(*, actor, application: Application, partner: ApplicationPartner) -> None:
    """The members of an organisation just named as partner learn it, with the way to confirm."""
    if partner.organisation_id is None:  # a body not registered yet has nobody to tell
        return
    values = {
        "lead": application.applicant.name,
        "partner": partner.organisation.name,
        "title": application.title or _("senza titolo"),
        "call": application.call.title,
        "share": partner.share_percent,
    }
    notify(
        event=events.PARTNER_INVITATION,
        subject=_("%(lead)s indica %(partner)s come partner di una domanda") % values,
        body=_(
            "%(lead)s, capofila della domanda «%(title)s» al bando «%(call)s», ha indicato %(partner)s come "
            "partner con una quota del %(share)s %%. Per partecipare, confermate l'adesione dalla pagina dei "
            "partenariati prima che la domanda sia inviata."
        )
        % values,
        organisation=partner.organisation,
        link=reverse("applications:partnerships"),
        target=application,
        actor=actor,
    )


def unregistered_partner_invited(*, actor, application: Application, partner: ApplicationPartner) -> None:
    """A body named by name (not registered) with an e-mail/PEC learns how to register with SPID or CIE and
    confirm its participation; one e-mail to that address (the caller records it, services/invitations.py)."""
    values = {
        "lead": application.applicant.name,
        "partner": partner.name,
        "title": application.title or _("senza titolo"),
        "call": application.call.title,
        "share": partner.share_percent,
        "login": absolute_url(reverse("accounts:login")),
        "organisation": absolute_url(reverse("registry:organisation_create")),
        "partnerships": absolute_url(reverse("applications:partnerships")),
    }
    email_address(
        event=events.PARTNER_INVITATION,
        to=partner.email,
        subject=_("%(lead)s vi invita come partner di una domanda sulla piattaforma WECARE") % values,
        body=_(
            "%(lead)s, capofila della domanda «%(title)s» al bando «%(call)s» della Regione Piemonte, ha "
            "indicato %(partner)s come partner con una quota del %(share)s %%.\n\n"
            "Per partecipare:\n"
            "1. accedete alla piattaforma WECARE con SPID o CIE: %(login)s\n"
            "2. registrate la vostra organizzazione con il suo codice fiscale: %(organisation)s\n"
            "3. comunicate il codice fiscale a %(lead)s, che vi indicherà con esso nella domanda;\n"
            "4. confermate l'adesione dalla pagina «Adesioni ai partenariati»: %(partnerships)s\n\n"
            "La domanda non può essere inviata finché l'adesione non è confermata. Se non riconoscete questa "
            "richiesta, ignorate il messaggio."
        )
        % values,
        target=partner,
        actor=actor,
    )


def application_withdrawn(*, actor, application: Application, reason: str = "") -> None:
    """The applicant organisation's members learn that the application was withdrawn; when it had been
    submitted (it has a protocol number), the call's RUP and officers learn it too (never a draft: they
    never saw it)."""
    values = {
        "title": application.title or _("senza titolo"),
        "applicant": application.applicant.name,
        "call": application.call.title,
        "protocol": application.protocol or _("non presentata"),
        "reason": reason or _("nessun motivo indicato"),
    }
    subject = _("Domanda ritirata: «%(title)s» (%(protocol)s)") % values
    body = (
        _(
            "La domanda «%(title)s» di %(applicant)s al bando «%(call)s» (protocollo %(protocol)s) è stata "
            "ritirata dal proponente. Motivo: %(reason)s."
        )
        % values
    )
    notify(
        event=events.APPLICATION_WITHDRAWN,
        subject=subject,
        body=body,
        organisation=application.applicant,
        link=reverse("applications:application_detail", args=[application.pk]),
        target=application,
        actor=actor,
    )
    if application.protocol_number is None:
        return
    staff = CallStaff.objects.filter(call_id=application.call_id).values_list("user_id", flat=True)
    notify(
        event=events.APPLICATION_WITHDRAWN,
        subject=subject,
        body=body,
        users=list(dict.fromkeys(staff)),
        link=reverse("applications:officer_application_detail", args=[application.call.code, application.pk]),
        target=application,
        actor=actor,
    )

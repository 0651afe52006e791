"""Plain Italian wording shared by the formal notices of every context: the heading that names the call
and the application, and the remedies every decision must state (art. 3, comma 4, L. 241/1990). Pure."""

from django.utils.translation import gettext as _

APPEAL_DAYS_TAR = 60
APPEAL_DAYS_EXTRAORDINARY = 120


def heading(*, organisation_name: str, call_title: str, protocol: str) -> str:
    return _("Spett.le %(org)s,\nbando «%(call)s», domanda protocollo n. %(protocol)s.") % {
        "org": organisation_name,
        "call": call_title,
        "protocol": protocol,
    }


def remedies() -> str:
    return _(
        "Contro il presente provvedimento è ammesso ricorso al Tribunale Amministrativo Regionale del "
        "Piemonte entro %(tar)d giorni dalla consegna di questa comunicazione, oppure ricorso straordinario "
        "al Presidente della Repubblica entro %(extra)d giorni."
    ) % {"tar": APPEAL_DAYS_TAR, "extra": APPEAL_DAYS_EXTRAORDINARY}


def signature() -> str:
    return _(
        "Comunicazione inviata tramite posta elettronica certificata: fa fede la ricevuta di avvenuta "
        "consegna.\nRegione Piemonte"
    )


def compose(*paragraphs: str) -> str:
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())

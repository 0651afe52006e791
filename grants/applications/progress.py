"""What a sender reads after pressing «Invia»: where the application stands and what happens next."""

from django.utils.translation import gettext as _

from grants.core.timeutils import in_rome

from .models import Application, Arrival
from .states import ApplicationStatus, BookingOutcome


def next_step(application: Application, arrival: Arrival) -> str:
    """One sentence in plain Italian: received and being numbered, or numbered with its booking outcome."""
    local = in_rome(arrival.arrived_at)
    received = _("Domanda ricevuta il %(day)s alle %(time)s (ora di Roma), arrivo n. %(number)s.") % {
        "day": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M:%S"),
        "number": arrival.pk,
    }
    if application.status == ApplicationStatus.RECEIVED:
        return " ".join(
            [
                received,
                _(
                    "È in protocollazione: il numero di protocollo e l'esito della prenotazione sono "
                    "assegnati in ordine di arrivo entro pochi secondi, poi arriva la ricevuta per e-mail."
                ),
            ]
        )
    numbered = _("Protocollo %(protocol)s.") % {"protocol": application.protocol}
    outcome = {
        BookingOutcome.BOOKED: _("Le risorse richieste sono prenotate: segue l'istruttoria."),
        BookingOutcome.WAITING: _(
            "Le risorse del bando sono esaurite: la domanda è in lista d'attesa, in ordine di arrivo, e "
            "sarà finanziata se si liberano risorse."
        ),
    }.get(application.booking_outcome, _("Segue l'istruttoria; la ricevuta è inviata per e-mail."))
    return " ".join([received, numbered, outcome])

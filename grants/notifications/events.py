"""The events a user can be notified of: one constant per event, with its Italian label and description.

The ``Notification.event`` column has no ``choices``: adding an event here needs no migration. The
preferences page lists ``EVENTS`` in this order; an unknown event is refused by ``notify``.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

APPLICATION_RECEIPT = "application_receipt"
APPLICATION_WITHDRAWN = "application_withdrawn"
PARTNER_INVITATION = "partner_invitation"
INTEGRATION_REQUESTED = "integration_requested"
INTEGRATION_EXPIRED = "integration_expired"
ADMISSIBILITY_OUTCOME = "admissibility_outcome"
EVALUATION_ASSIGNED = "evaluation_assigned"
RANKING_OUTCOME = "ranking_outcome"
RANKING_PUBLISHED = "ranking_published"
GRANT_AGREEMENT = "grant_agreement"
PROJECT_DECISION = "project_decision"
PAYMENT_APPROVED = (
    "payment_approved"  # every news of a payment (approved, rejected, paid): the stored name stays
)
CLAIM_SUBMITTED = "claim_submitted"
CLAIM_CHECKED = "claim_checked"
DEADLINE_REMINDER = "deadline_reminder"
DELEGATION_CHANGED = "delegation_changed"
REPLICATION_INTEREST = "replication_interest"


@dataclass(frozen=True)
class EventInfo:
    label: Promise
    description: Promise


EVENTS: dict[str, EventInfo] = {
    APPLICATION_RECEIPT: EventInfo(
        _("Ricevuta di presentazione"),
        _("La domanda è stata presentata: numero di protocollo e ricevuta in PDF."),
    ),
    APPLICATION_WITHDRAWN: EventInfo(
        _("Domanda ritirata"),
        _("Il proponente ha ritirato una domanda (anche ai funzionari del bando, se era già presentata)."),
    ),
    PARTNER_INVITATION: EventInfo(
        _("Invito in un partenariato"),
        _("Un capofila indica la tua organizzazione come partner di una domanda."),
    ),
    INTEGRATION_REQUESTED: EventInfo(
        _("Richiesta di integrazione"),
        _("La Regione chiede documenti o chiarimenti su una domanda (soccorso istruttorio)."),
    ),
    INTEGRATION_EXPIRED: EventInfo(
        _("Integrazione scaduta"),
        _("Il termine per rispondere a una richiesta di integrazione è passato senza risposta."),
    ),
    ADMISSIBILITY_OUTCOME: EventInfo(
        _("Esito dell'istruttoria formale"),
        _("La domanda è stata dichiarata ammissibile o non ammissibile."),
    ),
    EVALUATION_ASSIGNED: EventInfo(
        _("Domande assegnate da valutare"),
        _("Ti sono state assegnate domande da valutare nel nucleo di valutazione."),
    ),
    RANKING_OUTCOME: EventInfo(
        _("Esito della graduatoria"),
        _("La tua domanda è finanziata, ammessa non finanziata o non ammessa in graduatoria."),
    ),
    RANKING_PUBLISHED: EventInfo(
        _("Graduatoria pubblicata"),
        _("È stata approvata e pubblicata la graduatoria di un bando."),
    ),
    GRANT_AGREEMENT: EventInfo(
        _("Atto di adesione"),
        _("L'atto di adesione del progetto finanziato è da accettare o è stato registrato."),
    ),
    PROJECT_DECISION: EventInfo(
        _("Decisioni sul progetto"),
        _("Variazioni, proroghe, sospensioni o revoche del progetto."),
    ),
    PAYMENT_APPROVED: EventInfo(
        _("Pagamenti"),
        _("Un anticipo, un pagamento intermedio o il saldo è stato approvato, respinto o erogato."),
    ),
    CLAIM_SUBMITTED: EventInfo(
        _("Domanda di rimborso presentata"),
        _("È stata presentata una domanda di rimborso (rendicontazione) da controllare."),
    ),
    CLAIM_CHECKED: EventInfo(
        _("Domanda di rimborso controllata"),
        _("Il controllo di I livello della domanda di rimborso è concluso: importi ammessi e tagli."),
    ),
    DEADLINE_REMINDER: EventInfo(
        _("Promemoria di scadenza"),
        _(
            "Una scadenza si avvicina: chiusura del bando con una bozza aperta, termine di un'integrazione, "
            "firma dell'atto di adesione, traguardi e relazioni del progetto."
        ),
    ),
    DELEGATION_CHANGED: EventInfo(
        _("Deleghe"),
        _("Sei stato abilitato come delegato di un'organizzazione, o l'abilitazione è stata revocata."),
    ),
    REPLICATION_INTEREST: EventInfo(
        _("Interesse a replicare un'esperienza"),
        _(
            "Un'altra organizzazione vuole replicare un'esperienza del tuo progetto pubblicata nella banca "
            "delle conoscenze."
        ),
    ),
}


def is_known(event: str) -> bool:
    return event in EVENTS


def label_of(event: str) -> str:
    info = EVENTS.get(event)
    return str(info.label) if info is not None else event

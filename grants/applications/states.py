"""The states of an application, declared in one place.

The evaluation context adds its states (admissible, not admissible, evaluated, funded, ...) here, next to
these, and its transitions on the model: nothing else in the code base spells a status string.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    # Click day: the submission arrived and is durably recorded (grants.applications.models.Arrival); the
    # sequencer gives it its protocol number and booking, in arrival order, within seconds.
    RECEIVED = "received", _("Ricevuta, in protocollazione")
    SUBMITTED = "submitted", _("Inviata")
    WITHDRAWN = "withdrawn", _("Ritirata")
    # Evaluation (grants.evaluation): formal check, request for integration, scoring, ranking.
    INTEGRATION_REQUESTED = "integration_requested", _("Integrazione richiesta")
    # Art. 10-bis L. 241/1990: the officer told the applicant the reasons for an intended rejection; the
    # applicant has a term (10 days from the delivery) for observations, then the officer decides.
    REJECTION_NOTIFIED = "rejection_notified", _("Preavviso di rigetto inviato")
    ADMISSIBLE = "admissible", _("Ammissibile")
    NOT_ADMISSIBLE = "not_admissible", _("Non ammissibile")
    EVALUATED = "evaluated", _("Valutata")
    FUNDED = "funded", _("Finanziata")
    ELIGIBLE_NOT_FUNDED = "eligible_not_funded", _("Idonea non finanziata")
    NOT_ELIGIBLE = "not_eligible", _("Non idonea")
    RENOUNCED = "renounced", _("Rinuncia")


# Only a draft can be edited; a submitted application is frozen (its fingerprint proves what was sent).
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT})
# The applicant may withdraw from these states, and only before the call's deadline.
WITHDRAWABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED})
# Waiting for the formal check (istruttoria formale): the officer decides admissible / not admissible.
AWAITING_ADMISSIBILITY_STATUSES = frozenset({ApplicationStatus.SUBMITTED})
# The outcome of the ranking, once approved.
RANKED_STATUSES = frozenset(
    {ApplicationStatus.FUNDED, ApplicationStatus.ELIGIBLE_NOT_FUNDED, ApplicationStatus.NOT_ELIGIBLE}
)


class BookingOutcome(models.TextChoices):
    """First-come (sportello) calls only: what the submission obtained from the call's budget."""

    NONE = "", _("Non applicabile")
    BOOKED = "booked", _("Risorse prenotate")
    WAITING = "waiting", _("In attesa (risorse esaurite)")
    RELEASED = "released", _("Prenotazione liberata")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Capofila")
    PARTNER = "partner", _("Partner")

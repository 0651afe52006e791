"""The states of an application, declared in one place.

The evaluation context adds its states (admissible, not admissible, evaluated, funded, ...) here, next to
these, and its transitions on the model: nothing else in the code base spells a status string.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Inviata")
    WITHDRAWN = "withdrawn", _("Ritirata")


# Only a draft can be edited; a submitted application is frozen (its fingerprint proves what was sent).
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT})
# The applicant may withdraw from these states, and only before the call's deadline.
WITHDRAWABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED})


class BookingOutcome(models.TextChoices):
    """First-come (sportello) calls only: what the submission obtained from the call's budget."""

    NONE = "", _("Non applicabile")
    BOOKED = "booked", _("Risorse prenotate")
    WAITING = "waiting", _("In attesa (risorse esaurite)")
    RELEASED = "released", _("Prenotazione liberata")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Capofila")
    PARTNER = "partner", _("Partner")

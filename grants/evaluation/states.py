"""The states of the evaluation context's entities, declared in one place (transitions are on the models).

The application's own states (admissible, evaluated, funded, ...) are in grants.applications.states.

- Integration request: open → answered (the applicant answered in time) | expired (the deadline passed).
- Notice of intended rejection (art. 10-bis L. 241/1990): open (the term for observations runs, from the
  PEC's delivery) → observed (the applicant sent observations in time) | lapsed (the term passed without
  them); either way the officer then decides. Its stage says what the decision is: after the formal check
  (admissible or not admissible) or, on the sportello valutativo, after a score below the minimum (not
  eligible, or the observations accepted and the application back to the panel): ``RejectionStage``.
- Assignment: to_declare → active (no conflict declared) | conflict (a conflict declared: the application
  goes to another member); active → submitted (the evaluation is sent); to_declare | active → revoked (the
  member left the panel).
- Evaluation: draft → submitted (the evaluator sends it); the president's consensus score is submitted when
  it is set, and again each time it is set anew.
- Ranking: draft (proposed, computed again at will) → approved (by a determination; final).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntegrationStatus(models.TextChoices):
    OPEN = "open", _("In attesa di risposta")
    ANSWERED = "answered", _("Risposta ricevuta")
    EXPIRED = "expired", _("Scaduta senza risposta")


class RejectionNoticeStatus(models.TextChoices):
    OPEN = "open", _("Termine per le osservazioni in corso")
    OBSERVED = "observed", _("Osservazioni ricevute")
    LAPSED = "lapsed", _("Termine scaduto senza osservazioni")


class RejectionStage(models.TextChoices):
    """What a notice of intended rejection precedes."""

    ADMISSIBILITY = "admissibility", _("Istruttoria formale")
    SCORE = "score", _("Punteggio sotto il minimo (sportello)")


class RejectionOutcome(models.TextChoices):
    """The decision after a notice on a score below the minimum (the formal check's is the review's)."""

    NONE = "", _("Non ancora decisa")
    NOT_ELIGIBLE = "not_eligible", _("Non idonea: osservazioni non accolte")
    ACCEPTED = "accepted", _("Osservazioni accolte: nuova valutazione")


class AssignmentStatus(models.TextChoices):
    TO_DECLARE = "to_declare", _("Da dichiarare (conflitto di interessi)")
    ACTIVE = "active", _("In valutazione")
    SUBMITTED = "submitted", _("Valutazione inviata")
    CONFLICT = "conflict", _("Rimossa per conflitto di interessi")
    REVOKED = "revoked", _("Revocata")


# The assignments that count in a member's load and in the application's panel.
LIVE_ASSIGNMENT_STATUSES = frozenset(
    {AssignmentStatus.TO_DECLARE, AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED}
)


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("In compilazione")
    SUBMITTED = "submitted", _("Inviata")


class RankingStatus(models.TextChoices):
    DRAFT = "draft", _("Proposta")
    APPROVED = "approved", _("Approvata")

"""Sportello valutativo: the decision after the notice of intended rejection on a score below the minimum.

On a first-come call a consolidated score below a threshold no longer makes the application not eligible at
once (art. 10-bis L. 241/1990): it stays evaluated, keeps its booking and is flagged in the desk queue
(grants.evaluation.queue); the officer sends the notice (``rejection.notify_intended_rejection``, the same
as for the formal check); when the observations are in, or their term is over, the officer decides here:

- **not eligible**, saying why the observations (if any) were not accepted: the booking is released and the
  waiting list moves up (``desk.close_below_minimum``);
- **observations accepted**: the application is evaluated again, and the panel's president re-scores it
  with a consensus score (``scores.set_consensus``, allowed on evaluated applications); until then it stays
  below the minimum and no grant decision can fund it.
"""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.timeutils import now
from grants.notifications import events

from .. import permissions
from ..models import RejectionNotice, RejectionOutcome, RejectionStage
from .common import EvaluationError, WrongState, _lock, _notify, _notify_call_staff, _require, _wrong_state
from .desk import close_below_minimum
from .rejection import latest_notice, ready_for_decision

OUTCOMES = (RejectionOutcome.NOT_ELIGIBLE, RejectionOutcome.ACCEPTED)


def score_notice(application: Application) -> RejectionNotice | None:
    """The notice the application waits on when it is one on a score below the minimum, else None."""
    if application.status != ApplicationStatus.REJECTION_NOTIFIED:
        return None
    notice = latest_notice(application)
    return notice if notice is not None and notice.stage == RejectionStage.SCORE else None


@transaction.atomic
def decide_below_minimum(
    *, actor, application: Application, outcome: str, reasons: str, moment: datetime | None = None
) -> RejectionNotice:
    """After the notice on a score below the minimum and its term: ``not_eligible`` (irreversible: the
    booking goes to the waiting list) or ``accepted`` (back to evaluated, for the panel to re-score).
    ``reasons`` is required either way: why the observations were not accepted, or why they were."""
    _require(
        permissions.can_check_admissibility(actor, application.call_id),
        _("Non puoi decidere dopo il preavviso di rigetto."),
    )
    application = _lock(application)
    notice = score_notice(application)
    if notice is None:
        raise _wrong_state(application, _("decidere dopo il preavviso di rigetto sul punteggio"))
    errors = []
    if outcome not in OUTCOMES:
        errors.append({"code": "invalid", "field": "outcome", "message": _("Scegliere l'esito.")})
    reasons = (reasons or "").strip()
    if not reasons:
        errors.append(
            {
                "code": "reasons_required",
                "field": "reasons",
                "message": _("Motivare la decisione, anche sulle osservazioni ricevute."),
            }
        )
    if errors:
        raise EvaluationError(_("La decisione contiene errori."), errors=errors)
    notice = ready_for_decision(application, moment)  # the term must be over (art. 10-bis)
    notice = RejectionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.outcome:
        raise WrongState(_("La decisione su questo preavviso è già registrata."), code="already_decided")
    notice.outcome = outcome
    notice.outcome_reasons = reasons
    notice.decided_by = actor
    notice.decided_at = moment or now()
    save_audited(notice, actor=actor, reason=notice.get_outcome_display(), action="rejection_notice.decided")
    if outcome == RejectionOutcome.NOT_ELIGIBLE:
        close_below_minimum(actor=actor, application=application, reasons=reasons)
        return notice
    application.mark_observations_accepted()
    save_audited(application, actor=actor, reason="Osservazioni accolte: nuova valutazione del nucleo")
    _notify(
        actor=actor,
        application=application,
        subject=_("Osservazioni accolte per la domanda %(p)s") % {"p": application.protocol},
        body=_(
            "Le osservazioni al preavviso di rigetto sono state accolte:\n%(r)s\n"
            "Il nucleo di valutazione riesamina il punteggio; la prenotazione delle risorse resta."
        )
        % {"r": reasons},
        event=events.RANKING_OUTCOME,
    )
    _notify_call_staff(
        actor=actor,
        application=application,
        event=events.RANKING_OUTCOME,
        subject=_("Domanda %(p)s: osservazioni accolte, nuovo punteggio da fissare")
        % {"p": application.protocol},
        body=_(
            "Le osservazioni al preavviso di rigetto sono state accolte. Il presidente del nucleo fissa "
            "il nuovo punteggio (punteggio di consenso); finché resta sotto il minimo la domanda non si "
            "finanzia."
        ),
        link=reverse("evaluation:desk_notice", args=[application.call.code, application.pk]),
    )
    return notice

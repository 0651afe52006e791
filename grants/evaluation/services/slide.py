"""A funded applicant's renunciation and the slide (scorrimento) of the approved ranking."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import record_event, save_audited
from grants.core.money import ZERO, round_money
from grants.notifications import events

from .. import permissions, reserves, signals
from ..allocation import Claim, allocate_with_reserves
from ..models import FUNDED_OUTCOMES, DecisionGrant, EntryOutcome, Ranking, RankingEntry
from .common import EvaluationError, WrongState, _lock, _notify, _require, _wrong_state
from .desk import renounce_desk_grant
from .formal import grant_decision_notice
from .ranking import _money_map, _outcome, _outcome_notice


@transaction.atomic
def record_renunciation(*, actor, application: Application, reason: str) -> list[RankingEntry]:
    """A funded applicant renounces: its grant is freed (back to the reserve or pool it came from) and the
    ranking slides (scorrimento) with the same rules as the allocation: the applications not fully funded,
    in order, get the money; nobody loses what they have. Returns the entries that received money.
    On a first-come call (sportello) the booking is released instead and the waiting list moves up."""
    application = _lock(application)
    _require(
        permissions.can_renounce(actor, application), _("Non sei abilitato a rinunciare per questa domanda.")
    )
    if application.status != ApplicationStatus.FUNDED:
        raise _wrong_state(application, _("rinunciare al contributo"))
    if not reason.strip():
        raise EvaluationError(
            _("Indicare il motivo della rinuncia."),
            errors=[{"code": "reason_required", "field": "reason", "message": _("Motivo obbligatorio.")}],
        )
    entry = (
        RankingEntry.objects.select_for_update()
        .select_related("ranking")
        .filter(application=application)
        .first()
    )
    if entry is None and DecisionGrant.objects.filter(application=application).exists():
        # Sportello: funded by its own determination; the booking goes to the waiting list.
        renounce_desk_grant(actor=actor, application=application, reason=reason.strip())
        return []
    if entry is None:  # funded outside a ranking (data loaded as funded): nothing to slide
        raise WrongState(
            _("La domanda non ha un posto in graduatoria: la rinuncia si registra sul progetto."),
            code="not_in_ranking",
        )
    ranking = Ranking.objects.select_for_update().get(pk=entry.ranking_id)
    freed = entry.granted
    entry.outcome = EntryOutcome.RENOUNCED
    entry.granted = ZERO
    entry.funded_from = {}
    save_audited(entry, actor=actor, reason=f"Rinuncia: {reason.strip()}"[:100], action="ranking.renounced")
    application.mark_renounced()
    save_audited(application, actor=actor, reason="Rinuncia al contributo")
    signals.send_defunded_on_commit(application=application, reason=reason.strip())
    record_event(
        actor=actor, action="ranking.slide", obj=ranking, after={"freed": freed}, reason=reason.strip()
    )
    return _slide(actor=actor, ranking=ranking)


def _slide(*, actor, ranking: Ranking) -> list[RankingEntry]:
    """Re-run the allocation down the placed entries keeping what each has. The caller holds the ranking's
    row lock, which every writer of its entries takes: the entries are read as plain rows, and only those
    that receive money are loaded (and locked) to be saved."""
    rows = list(
        RankingEntry.objects.filter(ranking=ranking, position__isnull=False)
        .exclude(outcome=EntryOutcome.RENOUNCED)
        .order_by("position")
        .values_list("pk", "requested", "reserves", "funded_from")
    )
    call = ranking.call
    claims = [
        Claim(
            requested=requested,
            reserves=tuple(entry_reserves or ()),
            drawn={code: Decimal(amount) for code, amount in (funded_from or {}).items()},
        )
        for _pk, requested, entry_reserves, funded_from in rows
    ]
    drawn = allocate_with_reserves(
        ranking.budget, claims, reserves.as_reserves(reserves.call_reserves(call)), reserves.rules_of(call)
    )
    raised = {
        row[0]: has
        for row, claim, has in zip(rows, claims, drawn, strict=True)
        if round_money(sum(has.values(), ZERO)) > claim.granted
    }
    changed = []
    for entry in (
        RankingEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=raised)
        .select_related("application")
        .order_by("position")
    ):
        has = raised[entry.pk]
        granted = round_money(sum(has.values(), ZERO))
        was_funded = entry.outcome in FUNDED_OUTCOMES
        entry.granted = granted
        entry.funded_from = _money_map(has)
        entry.outcome = _outcome(entry.granted, entry.requested)
        save_audited(entry, actor=actor, reason="Scorrimento della graduatoria")
        application = entry.application
        if not was_funded:
            application = _lock(entry.application)
            application.mark_funded()
            save_audited(application, actor=actor, reason="Finanziata per scorrimento")
        signals.send_funded_on_commit(application=application, granted_amount=entry.granted, ranking=ranking)
        grant_decision_notice(  # a beneficiary's renunciation sets the slide off: then the platform sends it
            actor=actor if getattr(actor, "is_staff", False) else None,
            application=application,
            entry=entry,
            determination_number=ranking.determination_number,
            determination_date=ranking.determination_date,
            slide=True,
        )
        subject, body = _outcome_notice(entry)
        _notify(
            actor=actor,
            application=entry.application,
            subject=subject,
            body=body,
            event=events.RANKING_OUTCOME,
        )
        changed.append(entry)
    return changed

"""The ranking of a call: computation with allocation of the budget and reserves, and approval."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.states import ApplicationStatus
from grants.core.audit import record_event, save_audited
from grants.core.bulk import cycle_collection_paused
from grants.core.money import ZERO, format_eur, round_money
from grants.core.timeutils import format_rome, now
from grants.notifications import events
from grants.programme import services as programme_services
from grants.programme.models import Call, CallMode, Criterion

from .. import permissions, phases, publication, reserves, selectors, signals
from ..allocation import Candidate, Claim, allocate_with_reserves, parse_tie_breaks, rank
from ..models import (
    FUNDED_OUTCOMES,
    ConsolidatedScore,
    EntryOutcome,
    Ranking,
    RankingEntry,
    RankingStage,
    RankingStatus,
)
from ..ranking_entries import EntryRow, replace_entries
from .common import EvaluationError, WrongState, _lock, _notify, _require, check_determination
from .formal import grant_decision_notice

# --- ranking and allocation ---------------------------------------------------------------------------------
PENDING_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INTEGRATION_REQUESTED,
    ApplicationStatus.REJECTION_NOTIFIED,
    ApplicationStatus.ADMISSIBLE,
)


# The columns of an application the ranking reads, as plain tuples (a call may rank tens of thousands of
# applications: bench/ranking): id, protocol year and number, requested grant, total cost, co-financing,
# consolidated score, whether it meets the thresholds; then one weighted score per tie-break criterion.
_RANKING_COLUMNS = (
    "pk",
    "protocol_year",
    "protocol_number",
    "requested_grant",
    "total_cost",
    "cofinancing",
    "consolidated__total_score",
    "consolidated__meets_thresholds",
)
_PK, _YEAR, _NUMBER, _REQUESTED, _TOTAL_COST, _COFINANCING, _SCORE, _MEETS = range(len(_RANKING_COLUMNS))


def _ranking_rows(call: Call, queryset, rules) -> tuple[list[tuple], list[str]]:
    """The evaluated applications of a stage in arrival order, with their consolidated score and, for each
    tie-break on a criterion, that criterion's weighted points (read from the JSON in the database: only
    the criteria the call's rules name). Returns (rows, the criterion codes of the trailing columns)."""
    codes = {
        code.upper(): code for code in Criterion.objects.filter(call=call).values_list("code", flat=True)
    }
    wanted = sorted(
        {rule.criterion for rule in rules if rule.kind == "criterion" and rule.criterion in codes}
    )
    annotations = {
        f"tie_{index}": KeyTextTransform(
            codes[code], KeyTransform("weighted", "consolidated__criterion_scores")
        )
        for index, code in enumerate(wanted)
    }
    rows = list(
        queryset.annotate(**annotations)
        .order_by(*selectors.ARRIVAL_ORDER)
        .values_list(*_RANKING_COLUMNS, *annotations)
    )
    return rows, wanted


def _candidate(row: tuple, wanted: list[str]) -> Candidate:
    total = row[_TOTAL_COST] or ZERO
    return Candidate(
        key=row[_PK],
        score=row[_SCORE],
        requested=row[_REQUESTED],
        protocol=(row[_YEAR] or 0, row[_NUMBER] or 0),
        criterion_scores={
            code: Decimal(row[len(_RANKING_COLUMNS) + index] or ZERO) for index, code in enumerate(wanted)
        },
        cofinancing_share=(row[_COFINANCING] / total) if total else ZERO,
    )


def _money_map(drawn: Mapping[str, Decimal]) -> dict[str, str]:
    return {code: str(amount) for code, amount in sorted(drawn.items()) if amount > 0}


def compute_ranking(
    *, actor, call: Call, stage: str = RankingStage.FINAL, moment: datetime | None = None
) -> Ranking:
    """The proposed ranking of a stage (``_compute_ranking``), in one transaction, with the cyclic garbage
    collector paused: a call may rank tens of thousands of applications (bench/ranking)."""
    with cycle_collection_paused(), transaction.atomic():
        return _compute_ranking(actor=actor, call=call, stage=stage, moment=moment)


def _compute_ranking(*, actor, call: Call, stage: str, moment: datetime | None) -> Ranking:
    """The proposed ranking of a stage: applications meeting every threshold by score (ties: the call's
    rules, then protocol); below a threshold: not eligible. The final ranking allocates the budget down the
    list honouring the call's reserves and partial-funding rules (grants.evaluation.allocation); the
    preliminary ranking of a two-phase call admits to the second window and allocates nothing. Replaces a
    previous proposal; refused once approved."""
    _require(permissions.can_prepare_ranking(actor, call), _("Non puoi predisporre la graduatoria."))
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.mode != CallMode.RANKING:
        raise EvaluationError(_("Il bando è a sportello: non ha una graduatoria."), code="first_come")
    if stage not in phases.stages(call):
        raise EvaluationError(
            _("Il bando non prevede questa graduatoria."),
            errors=[{"code": "invalid", "field": "stage", "message": _("Fase non prevista dal bando.")}],
        )
    moment = moment or now()
    opens = phases.ranking_opens_at(call, stage)
    if moment < opens:
        raise WrongState(
            _("La fase non è ancora scaduta (%(d)s).") % {"d": format_rome(opens)}, code="call_open"
        )
    if stage == RankingStage.FINAL and RankingStage.PRELIMINARY in phases.stages(call):
        preliminary = selectors.ranking_of(call, RankingStage.PRELIMINARY)
        if preliminary is None or preliminary.status != RankingStatus.APPROVED:
            raise WrongState(
                _("Prima si approva la graduatoria delle idee progettuali."), code="preliminary_pending"
            )
    ranking = selectors.ranking_of(call, stage)
    if ranking is not None and ranking.status == RankingStatus.APPROVED:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    pending = phases.in_stage(call, stage).filter(status__in=PENDING_STATUSES).count()
    if pending:
        raise WrongState(
            _("%(n)d domande sono ancora in istruttoria o in valutazione.") % {"n": pending},
            code="evaluations_pending",
        )
    rules, ignored = parse_tie_breaks(call.tie_break_rules)
    evaluated = phases.in_stage(call, stage).filter(status=ApplicationStatus.EVALUATED)
    rows, wanted = _ranking_rows(call, evaluated, rules)
    if not rows:
        raise WrongState(_("Nessuna domanda valutata da mettere in graduatoria."), code="nothing_to_rank")
    eligible = [row for row in rows if row[_MEETS]]
    not_eligible = [row for row in rows if not row[_MEETS]]
    placed = rank([_candidate(row, wanted) for row in eligible], rules)
    call_reserves = reserves.call_reserves(call) if stage == RankingStage.FINAL else []
    competes = reserves.codes_for(evaluated, call_reserves)
    claims = [
        Claim(requested=place.candidate.requested, reserves=competes.get(place.candidate.key, ()))
        for place in placed
    ]
    if stage == RankingStage.FINAL:
        drawn = allocate_with_reserves(
            call.budget, claims, reserves.as_reserves(call_reserves), reserves.rules_of(call)
        )
    else:
        drawn = [{} for _claim in claims]

    if ranking is None:
        ranking = Ranking(call=call, stage=stage)
    ranking.budget = call.budget if stage == RankingStage.FINAL else ZERO
    ranking.computed_by = actor
    ranking.computed_at = moment
    ranking.ignored_tie_break_rules = ignored
    save_audited(ranking, actor=actor, reason="Graduatoria calcolata", action="ranking.computed")
    preliminary = stage == RankingStage.PRELIMINARY
    entries = []
    for position, (place, claim, has) in enumerate(zip(placed, claims, drawn, strict=True), start=1):
        candidate = place.candidate
        grant = round_money(sum(has.values(), ZERO))
        outcome = EntryOutcome.ADMITTED if preliminary else _outcome(grant, candidate.requested)
        entries.append(
            EntryRow(
                candidate.key,
                position,
                candidate.score,
                outcome,
                candidate.requested,
                grant,
                _money_map(has),
                list(claim.reserves),
                place.tie_break[:255],
            )
        )
    entries += [
        EntryRow(row[_PK], None, row[_SCORE], EntryOutcome.NOT_ELIGIBLE, row[_REQUESTED], ZERO, {}, [], "")
        for row in not_eligible
    ]
    written = replace_entries(ranking, entries, actor=actor)
    record_event(
        actor=actor,
        action="ranking.entries_written",
        obj=ranking,
        before={"entries": written.before},
        after={
            "entries": len(entries),
            "kept": written.kept,
            "removed": written.removed,
            "written": written.written,
            "placed": len(placed),
            "not_eligible": len(not_eligible),
            "funded": sum(1 for entry in entries if entry.outcome in FUNDED_OUTCOMES),
            "granted": str(sum((entry.granted for entry in entries), ZERO)),
        },
        reason="Graduatoria calcolata",
    )
    return ranking


def _outcome(grant: Decimal, requested: Decimal) -> str:
    if grant <= 0:
        return EntryOutcome.ELIGIBLE_NOT_FUNDED
    return EntryOutcome.FUNDED if grant >= requested else EntryOutcome.PARTIALLY_FUNDED


def _outcome_notice(entry: RankingEntry) -> tuple[str, str]:
    protocol = entry.application.protocol
    if entry.outcome == EntryOutcome.FUNDED:
        return (
            _("Domanda %(p)s finanziata") % {"p": protocol},
            _("La domanda è finanziata con un contributo di %(g)s.") % {"g": format_eur(entry.granted)},
        )
    if entry.outcome == EntryOutcome.PARTIALLY_FUNDED:
        return (
            _("Domanda %(p)s finanziata parzialmente") % {"p": protocol},
            _("La domanda è finanziata con un contributo di %(g)s su %(r)s richiesti (risorse residue).")
            % {"g": format_eur(entry.granted), "r": format_eur(entry.requested)},
        )
    if entry.outcome == EntryOutcome.ELIGIBLE_NOT_FUNDED:
        return (
            _("Domanda %(p)s idonea non finanziata") % {"p": protocol},
            _("La domanda è in graduatoria in posizione %(n)s ma le risorse sono esaurite.")
            % {"n": entry.position},
        )
    if entry.outcome == EntryOutcome.ADMITTED:
        window = phases.windows(entry.application.call)
        return (
            _("Idea progettuale %(p)s ammessa alla seconda fase") % {"p": protocol},
            _(
                "L'idea progettuale è in graduatoria in posizione %(n)s ed è ammessa alla seconda fase: "
                "il progetto esecutivo si presenta dal %(o)s al %(c)s (ora di Roma)."
            )
            % {
                "n": entry.position,
                "o": format_rome(window.executive.opens_at) if window else "–",
                "c": format_rome(window.executive.closes_at) if window else "–",
            },
        )
    return (
        _("Domanda %(p)s non idonea") % {"p": protocol},
        _("La domanda non ha raggiunto le soglie minime di punteggio."),
    )


@transaction.atomic
def approve_ranking(
    *,
    actor,
    ranking: Ranking,
    determination_number: str,
    determination_date: date | None,
    moment: datetime | None = None,
) -> Ranking:
    """The manager approves the proposed ranking with the determinazione (number and date), which publishes
    it. Final ranking: the call goes to ranking_approved (programme services), each application to funded /
    eligible-not-funded / not eligible. Preliminary ranking of a two-phase call: the admitted ideas may
    present the executive project, the others are not eligible. Each applicant is told."""
    _require(
        permissions.can_approve_ranking(actor, ranking.call_id),
        _("Solo il responsabile di misura approva la graduatoria."),
    )
    ranking = Ranking.objects.select_for_update().select_related("call").get(pk=ranking.pk)
    if ranking.status != RankingStatus.DRAFT:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    moment = moment or now()
    number = check_determination(determination_number, determination_date, moment)
    in_stage = phases.in_stage(ranking.call, ranking.stage)
    stale = (
        ConsolidatedScore.objects.filter(
            application__in=in_stage, updated_at__gt=ranking.computed_at
        ).exists()
        or in_stage.filter(status__in=PENDING_STATUSES).exists()
    )
    if stale:
        raise WrongState(
            _("Punteggi o domande sono cambiati dopo il calcolo: ricalcolare la graduatoria."),
            code="ranking_stale",
        )
    final = ranking.stage == RankingStage.FINAL
    if final:
        programme_services.approve_call_ranking(actor=actor, call=ranking.call, moment=moment)
    for entry in selectors.ranking_entries(ranking):
        application = _lock(entry.application)
        if entry.outcome == EntryOutcome.ADMITTED:
            pass  # stays evaluated: its executive project is the one that will be funded or not
        elif entry.is_funded:
            application.mark_funded()
            signals.send_funded_on_commit(
                application=application, granted_amount=entry.granted, ranking=ranking
            )
            grant_decision_notice(
                actor=actor,
                application=application,
                entry=entry,
                determination_number=number,
                determination_date=determination_date,
            )
        elif entry.outcome == EntryOutcome.ELIGIBLE_NOT_FUNDED:
            application.mark_eligible_not_funded()
        else:
            application.mark_not_eligible()
        save_audited(application, actor=actor, reason="Graduatoria approvata")
        subject, body = _outcome_notice(entry)
        _notify(
            actor=actor,
            application=application,
            subject=subject,
            body=body,
            event=events.RANKING_OUTCOME,
            link=reverse("evaluation:executive_project", args=[application.pk])
            if entry.outcome == EntryOutcome.ADMITTED
            else "",
        )
    ranking.mark_approved()
    ranking.approved_by = actor
    ranking.approved_at = moment
    ranking.determination_number = number
    ranking.determination_date = determination_date
    save_audited(ranking, actor=actor, reason=f"Determinazione n. {number}", action="ranking.approved")
    publication.ranking_published(actor=actor, ranking=ranking)
    return ranking

"""Scores of the evaluators and their consolidation (mean of the panel, or consensus) into one score."""

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.money import ZERO, round_money
from grants.core.timeutils import now
from grants.programme.models import Call, CallMode, Criterion

from .. import permissions, phases, selectors
from ..models import (
    LIVE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentStatus,
    ConsolidatedScore,
    Evaluation,
    EvaluationStatus,
    RankingStatus,
    Score,
    ScoreMethod,
)
from ..scoring import compute, mean, points_text, score_errors
from .common import EvaluationError, WrongState, _lock, _require, _wrong_state
from .desk import flag_below_minimum
from .panel import _require_panel


# --- scores -------------------------------------------------------------------------------------------------
def _scoring_input(points: Mapping[str, object]) -> dict[str, object]:
    return {code: value for code, value in points.items() if value is not None and value != ""}


def _write_scores(*, actor, evaluation: Evaluation, call: Call, points, justifications) -> None:
    criteria = {c.code: c for c in Criterion.objects.filter(call=call)}
    stored = {s.criterion.code: s for s in evaluation.scores.select_related("criterion")}
    for code, value in points.items():
        score = stored.get(code) or Score(evaluation=evaluation, criterion=criteria[code])
        score.points = round_money(Decimal(str(value)))
        score.justification = justifications[code].strip()
        save_audited(score, actor=actor, reason="Punteggio")


@transaction.atomic
def save_scores(
    *,
    actor,
    assignment: Assignment,
    points: Mapping[str, object],
    justifications: Mapping[str, str],
    submit: bool = False,
) -> Evaluation:
    """Score the leaf criteria (points 0..max, justification required). ``submit`` requires every leaf
    and closes the evaluation; when every evaluator of the application has submitted, the score is
    consolidated."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("application__call", "member")
        .get(pk=assignment.pk)
    )
    _require(permissions.is_assigned_evaluator(actor, assignment), _("La domanda non ti è assegnata."))
    if assignment.status == AssignmentStatus.TO_DECLARE:
        raise WrongState(
            _("Prima di valutare occorre dichiarare l'assenza di conflitti di interesse."),
            code="declaration_required",
        )
    if assignment.status != AssignmentStatus.ACTIVE:
        raise WrongState(_("Questa valutazione non si può più modificare."), code="not_editable")
    application = _lock(assignment.application)
    if application.status != ApplicationStatus.ADMISSIBLE:
        raise _wrong_state(application, _("valutarla"))
    call = application.call
    tree = selectors.criteria_tree(call)
    points = _scoring_input(points)
    errors = score_errors(tree, points, justifications, complete=submit)
    if errors:
        raise EvaluationError(_("La valutazione contiene errori."), errors=[e.as_dict() for e in errors])
    evaluation = Evaluation.objects.filter(assignment=assignment).first() or save_audited(
        Evaluation(application=application, assignment=assignment, evaluator=actor),
        actor=actor,
        reason="Valutazione avviata",
    )
    _write_scores(actor=actor, evaluation=evaluation, call=call, points=points, justifications=justifications)
    all_points = {s.criterion.code: s.points for s in evaluation.scores.select_related("criterion")}
    sheet = compute(tree, all_points, min_total=call.min_total_score)
    evaluation.total = sheet.total
    evaluation.bonus = sheet.bonus
    if submit:
        evaluation.mark_submitted()
        evaluation.submitted_at = now()
    save_audited(
        evaluation,
        actor=actor,
        reason="Valutazione inviata" if submit else "Valutazione salvata",
        action="evaluation.submitted" if submit else "",
    )
    if submit:
        assignment.mark_submitted()
        save_audited(assignment, actor=actor, reason="Valutazione inviata")
        if _all_submitted(application):
            _consolidate_mean(actor=actor, application=application)
    return evaluation


def _all_submitted(application: Application) -> bool:
    live = Assignment.objects.filter(application=application, status__in=LIVE_ASSIGNMENT_STATUSES)
    return live.exists() and not live.exclude(status=AssignmentStatus.SUBMITTED).exists()


def _consolidate_mean(*, actor, application: Application) -> ConsolidatedScore:
    call = application.call
    tree = selectors.criteria_tree(call)
    panel = selectors.panel_of(call)
    evaluations = list(
        Evaluation.objects.filter(
            application=application,
            is_consensus=False,
            status=EvaluationStatus.SUBMITTED,
            assignment__status=AssignmentStatus.SUBMITTED,
        ).prefetch_related("scores__criterion")
    )
    sheets = [
        compute(tree, {s.criterion.code: s.points for s in e.scores.all()}, min_total=call.min_total_score)
        for e in evaluations
    ]
    criterion_scores = {node.code: mean(sheet.points[node.code] for sheet in sheets) for node in tree.nodes}
    weighted = {node.code: mean(sheet.weighted[node.code] for sheet in sheets) for node in tree.nodes}
    base = mean(sheet.base for sheet in sheets)
    bonus = mean(sheet.bonus for sheet in sheets)
    totals = [sheet.total for sheet in sheets]
    spread = round_money(max(totals) - min(totals)) if totals else ZERO
    # Thresholds on the mean points of each criterion and on the mean base score.
    return _store_consolidated(
        actor=actor,
        application=application,
        method=ScoreMethod.MEAN,
        base=base,
        bonus=bonus,
        criterion_scores={"points": criterion_scores, "weighted": weighted},
        failures=_threshold_failures(tree, criterion_scores, base, call.min_total_score),
        spread=spread,
        disagreement=bool(panel and spread > panel.disagreement_threshold),
        count=len(sheets),
        note="",
    )


def _threshold_failures(tree, raw_points: Mapping[str, Decimal], base: Decimal, min_total) -> list[str]:
    failures = [
        _("Criterio %(c)s: %(p)s punti, sotto la soglia minima di %(min)s.")
        % {
            "c": node.code,
            "p": points_text(raw_points.get(node.code, ZERO)),
            "min": points_text(node.min_points),
        }
        for node in tree.nodes
        if node.min_points is not None and raw_points.get(node.code, ZERO) < node.min_points
    ]
    if min_total is not None and base < min_total:
        failures.append(
            _("Punteggio complessivo %(p)s, sotto il minimo del bando di %(min)s.")
            % {"p": points_text(base), "min": points_text(min_total)}
        )
    return failures


def _store_consolidated(
    *, actor, application, method, base, bonus, criterion_scores, failures, spread, disagreement, count, note
):
    consolidated = ConsolidatedScore.objects.filter(application=application).first() or ConsolidatedScore(
        application=application
    )
    consolidated.method = method
    consolidated.base_score = round_money(base)
    consolidated.bonus_score = round_money(bonus)
    consolidated.total_score = round_money(base + bonus)
    consolidated.criterion_scores = {
        kind: {code: str(value) for code, value in values.items()}
        for kind, values in criterion_scores.items()
    }
    consolidated.threshold_failures = failures
    consolidated.meets_thresholds = not failures
    consolidated.spread = spread
    consolidated.disagreement = disagreement
    consolidated.evaluation_count = count
    consolidated.note = note
    save_audited(
        consolidated, actor=actor, reason=consolidated.get_method_display(), action="score.consolidated"
    )
    if application.status == ApplicationStatus.ADMISSIBLE:
        application.mark_evaluated()
        save_audited(application, actor=actor, reason="Valutazione consolidata")
    if application.call.mode == CallMode.FIRST_COME and not consolidated.meets_thresholds:
        # Sportello: below the minimum the application waits for the notice of intended rejection (art.
        # 10-bis) in the desk queue; the decision after it releases the booking (services.below_minimum).
        flag_below_minimum(actor=actor, application=application)
    return consolidated


@transaction.atomic
def set_consensus(
    *,
    actor,
    application: Application,
    points: Mapping[str, object],
    justifications: Mapping[str, str],
    note: str,
) -> ConsolidatedScore:
    """The president replaces the mean with a consensus score of the panel (every leaf, with justification,
    and a note on why), after every evaluator has submitted and before the ranking is approved."""
    application = _lock(application)
    panel = _require_panel(application.call)
    _require(
        permissions.is_president(actor, panel) and permissions.can_set_consensus(actor, application),
        _("Solo il presidente del nucleo, senza conflitti sulla domanda, fissa il punteggio di consenso."),
    )
    if application.status not in (
        ApplicationStatus.ADMISSIBLE,
        ApplicationStatus.EVALUATED,
    ) or not _all_submitted(application):
        raise WrongState(
            _("Il punteggio di consenso si fissa quando tutti i valutatori hanno inviato la valutazione."),
            code="evaluations_pending",
        )
    ranking = selectors.ranking_of(application.call, phases.stage_of(application))
    if ranking is not None and ranking.status == RankingStatus.APPROVED:
        raise WrongState(_("La graduatoria è già approvata."), code="ranking_approved")
    call = application.call
    tree = selectors.criteria_tree(call)
    points = _scoring_input(points)
    errors = [e.as_dict() for e in score_errors(tree, points, justifications, complete=True)]
    if not note.strip():
        errors.append(
            {"code": "note_required", "field": "note", "message": _("Motivare il punteggio di consenso.")}
        )
    if errors:
        raise EvaluationError(_("Il punteggio di consenso contiene errori."), errors=errors)
    evaluation = Evaluation.objects.filter(application=application, is_consensus=True).first() or Evaluation(
        application=application, is_consensus=True
    )
    evaluation.evaluator = actor
    evaluation.mark_consensus_set()
    evaluation.submitted_at = now()
    sheet = compute(
        tree, {code: Decimal(str(v)) for code, v in points.items()}, min_total=call.min_total_score
    )
    evaluation.total = sheet.total
    evaluation.bonus = sheet.bonus
    save_audited(evaluation, actor=actor, reason="Punteggio di consenso", action="evaluation.consensus")
    _write_scores(actor=actor, evaluation=evaluation, call=call, points=points, justifications=justifications)
    previous = ConsolidatedScore.objects.filter(application=application).first()
    return _store_consolidated(
        actor=actor,
        application=application,
        method=ScoreMethod.CONSENSUS,
        base=sheet.base,
        bonus=sheet.bonus,
        criterion_scores={"points": sheet.points, "weighted": sheet.weighted},
        failures=_threshold_failures(tree, sheet.points, sheet.base, call.min_total_score),
        spread=previous.spread if previous else ZERO,
        disagreement=previous.disagreement if previous else False,
        count=previous.evaluation_count if previous else 0,
        note=note.strip(),
    )

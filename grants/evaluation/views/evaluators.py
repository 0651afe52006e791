"""Evaluators' pages: their assignments, the declaration of conflicts, then the score sheet (saved as a
draft or sent); the panel's president's consensus scores. One URL per action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import permissions, selectors, services
from ..forms import ConsensusForm, DeclarationForm, ScoreSheetForm
from ..models import Assignment, AssignmentStatus, Score
from .common import submit_form, tree_order


@login_required
def my_assignments(request):
    return render(
        request,
        "evaluation/assignments.html",
        {
            "assignments": selectors.assignments_for_evaluator(request.user),
            "presides": selectors.presides(request.user),
        },
    )


def _assignment_or_404(request, pk: int) -> Assignment:
    try:
        assignment = selectors.assignment_for_evaluator(request.user, pk)
    except Assignment.DoesNotExist:
        raise Http404(_("Assegnazione non trovata.")) from None
    if not permissions.is_assigned_evaluator(request.user, assignment):  # e.g. no longer staff
        raise Http404(_("Assegnazione non trovata."))
    return assignment


def _back_to(assignment: Assignment):
    return lambda: redirect("evaluation:assignment_detail", pk=assignment.pk)


@login_required
@require_GET
def assignment_detail(request, pk: int):
    """Declaration first (names of the parties only); then the application and the score sheet."""
    assignment = _assignment_or_404(request, pk)
    application = assignment.application
    tree = selectors.criteria_tree(application.call)
    evaluation = selectors.evaluation_of(assignment)
    stored = {s.criterion.code: s for s in evaluation.scores.all()} if evaluation else {}
    sheet_rows = [
        {
            "node": node,
            "is_leaf": tree.is_leaf(node),
            "depth": len(tree.ancestors(node)),
            "score": stored.get(node.code),
        }
        for node in tree_order(tree)
    ]
    return render(
        request,
        "evaluation/assignment_detail.html",
        {
            "assignment": assignment,
            "application": application,
            "parties": selectors.lead_first(selectors.parties(application)),
            "declaring": assignment.status == AssignmentStatus.TO_DECLARE,
            "editable": assignment.status == AssignmentStatus.ACTIVE,
            "rows": sheet_rows,
            "evaluation": evaluation,
            "others": [
                e
                for e in selectors.visible_evaluations(request.user, application)
                if e.evaluator_id != request.user.pk or e.is_consensus
            ],
        },
    )


@login_required
@require_POST
def assignment_declare(request, pk: int):
    assignment = _assignment_or_404(request, pk)
    parties = selectors.lead_first(selectors.parties(assignment.application))

    def declare(data):
        result = services.declare_conflicts(
            actor=request.user, assignment=assignment, conflicts=data["conflicts"], notes=data["notes"]
        )
        if result.conflict:
            messages.info(
                request, _("Conflitto dichiarato: la domanda è stata assegnata ad altro valutatore.")
            )
            return redirect("evaluation:my_assignments")
        messages.success(request, _("Dichiarazione registrata: puoi valutare la domanda."))
        return None

    return submit_form(
        request, DeclarationForm(request.POST, parties=parties), declare, back=_back_to(assignment)
    )


def _scores(request, pk: int, *, submit: bool):
    assignment = _assignment_or_404(request, pk)
    tree = selectors.criteria_tree(assignment.application.call)

    def save(data):
        services.save_scores(
            actor=request.user,
            assignment=assignment,
            points=data["points"],
            justifications=data["justifications"],
            submit=submit,
        )
        messages.success(request, _("Valutazione inviata.") if submit else _("Valutazione salvata."))

    return submit_form(request, ScoreSheetForm(request.POST, tree=tree), save, back=_back_to(assignment))


@login_required
@require_POST
def assignment_save(request, pk: int):
    return _scores(request, pk, submit=False)


@login_required
@require_POST
def assignment_submit(request, pk: int):
    return _scores(request, pk, submit=True)


# --- the panel's president: consensus scores ---------------------------------------------------------------
@login_required
def consensus_list(request):
    return render(
        request,
        "evaluation/consensus_list.html",
        {"applications": selectors.consensus_candidates(request.user)},
    )


@login_required
def consensus(request, pk: int):
    """The president replaces the mean with a consensus score: every sub-criterion with its justification
    and a note; the form starts from the consolidated mean. 404 for anyone but the president of the
    application's panel without a conflict on it."""
    application = selectors.submitted_application(pk)
    if application is None or not permissions.can_set_consensus(request.user, application):
        raise Http404(_("Domanda non trovata."))
    tree = selectors.criteria_tree(application.call)
    consolidated = getattr(application, "consolidated", None)
    if request.method == "POST":

        def record(data):
            services.set_consensus(
                actor=request.user,
                application=application,
                points=data["points"],
                justifications=data["justifications"],
                note=data["note"],
            )
            messages.success(request, _("Punteggio di consenso registrato."))

        return submit_form(
            request,
            ConsensusForm(request.POST, tree=tree),
            record,
            back=lambda: redirect("evaluation:consensus", pk=application.pk),
        )
    current = consolidated.criterion_scores.get("points", {}) if consolidated else {}
    stored = {}
    if consolidated is not None and consolidated.method == "consensus":
        stored = {
            s.criterion.code: s
            for s in Score.objects.filter(
                evaluation__application=application, evaluation__is_consensus=True
            ).select_related("criterion")
        }
    rows = [
        {
            "node": node,
            "is_leaf": tree.is_leaf(node),
            "depth": len(tree.ancestors(node)),
            "mean": current.get(node.code),
            "points": stored[node.code].points if node.code in stored else current.get(node.code, ""),
            "justification": stored[node.code].justification if node.code in stored else "",
        }
        for node in tree_order(tree)
    ]
    return render(
        request,
        "evaluation/consensus.html",
        {"application": application, "consolidated": consolidated, "rows": rows},
    )

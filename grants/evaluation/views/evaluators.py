"""Evaluators' pages: their assignments, the declaration of conflicts, then the score sheet (saved as a
draft or sent); the panel's president's consensus scores. One URL per action.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants.applications import document_access
from grants.applications.models import ApplicationDocument
from grants.applications.views.officers import submitted_sections
from grants.core.errors import DomainError
from grants.core.forms import refusal_to_form

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
    return _assignment_page(request, _assignment_or_404(request, pk))


def _assignment_page(request, assignment: Assignment, *, form=None, status: int = 200):
    """The assignment's page. With a refused score sheet (``form``) the sheet shows what was typed, each
    criterion's message next to its points, and answers 422: nothing typed is lost."""
    application = assignment.application
    tree = selectors.criteria_tree(application.call)
    evaluation = selectors.evaluation_of(assignment)
    stored = {s.criterion.code: s for s in evaluation.scores.all()} if evaluation else {}
    sheet_rows = []
    for node in tree_order(tree):
        score = stored.get(node.code)
        if form is not None:
            points = form.data.get(f"points-{node.code}", "")
            justification = form.data.get(f"justification-{node.code}", "")
        else:
            points = "" if score is None or score.points is None else str(score.points)
            justification = score.justification if score is not None else ""
        errors = form.errors.get(f"points-{node.code}") if form is not None else None
        sheet_rows.append(
            {
                "node": node,
                "is_leaf": tree.is_leaf(node),
                "depth": len(tree.ancestors(node)),
                "score": score,
                "points": points,
                "justification": justification,
                "error": " ".join(errors) if errors else "",
            }
        )
    declaring = assignment.status == AssignmentStatus.TO_DECLARE
    return render(
        request,
        "evaluation/assignment_detail.html",
        {
            "assignment": assignment,
            "application": application,
            "call": application.call,
            # What the evaluator reads while scoring; nothing of it before the declaration of conflicts.
            **({} if declaring else submitted_sections(application)),
            "parties": selectors.lead_first(selectors.parties(application)),
            "declaring": declaring,
            "editable": assignment.status == AssignmentStatus.ACTIVE,
            "rows": sheet_rows,
            "form_errors": form.non_field_errors() if form is not None else [],
            "evaluation": evaluation,
            "others": [
                e
                for e in selectors.visible_evaluations(request.user, application)
                if e.evaluator_id != request.user.pk or e.is_consensus
            ],
        },
        status=status,
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
    """Save or send the score sheet; a refused sheet comes back as typed, with the messages next to the
    criteria (issue #17: a validation error used to erase the whole sheet)."""
    assignment = _assignment_or_404(request, pk)
    tree = selectors.criteria_tree(assignment.application.call)
    form = ScoreSheetForm(request.POST, tree=tree)
    if form.is_valid():
        try:
            services.save_scores(
                actor=request.user,
                assignment=assignment,
                points=form.cleaned_data["points"],
                justifications=form.cleaned_data["justifications"],
                submit=submit,
            )
        except (DomainError, PermissionDenied) as exc:
            mapping = {f"scores.{leaf.code}": f"points-{leaf.code}" for leaf in tree.leaves}
            refusal_to_form(form, exc, mapping)
        else:
            messages.success(request, _("Valutazione inviata.") if submit else _("Valutazione salvata."))
            return redirect("evaluation:assignment_detail", pk=assignment.pk)
    messages.error(request, _("La valutazione non è stata salvata: correggi quanto indicato nella scheda."))
    return _assignment_page(request, assignment, form=form, status=422)


@login_required
@require_POST
def assignment_save(request, pk: int):
    return _scores(request, pk, submit=False)


@login_required
@require_POST
def assignment_submit(request, pk: int):
    return _scores(request, pk, submit=True)


@login_required
@require_GET
def assignment_document(request, pk: int, document_pk: int):
    """A document of the application being scored, for its evaluator once free of conflicts (before the
    declaration, or after a conflict, the application's documents are not theirs to read: 404)."""
    assignment = _assignment_or_404(request, pk)
    try:  # the right is checked there: the evaluator of this assignment, free of conflicts
        document = selectors.assigned_document(request.user, assignment, document_pk)
    except ApplicationDocument.DoesNotExist:
        raise Http404(_("Documento non trovato.")) from None
    handle = document_access.open_document_checked_above(
        actor=request.user, document=document, request=request
    )
    return document_access.download_response(handle, document)


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

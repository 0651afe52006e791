"""Pages of the evaluation: the officers' overview of a call (formal check, panel, assignments, ranking), the
formal check of one application with the integration request, the evaluator's assignments (declaration of
conflicts, then scores), the ranking with its approval, and the applicant's answer to an integration request.

Thin: the POST data is read here, ``services`` decide (their messages are shown), ``selectors`` read.
"""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.timeutils import ROME
from grants.programme.models import Call

from . import permissions, phases, selectors, services
from .models import (
    Assignment,
    AssignmentStatus,
    IntegrationRequest,
    RankingStage,
    RankingStatus,
    Score,
)
from .services import ChecklistAnswer, EvaluationError


def _forbidden(request):
    return render(request, "evaluation/forbidden.html", status=403)


def _call_or_404(code: str) -> Call:
    call = Call.objects.select_related("measure").filter(code=code).first()
    if call is None:
        raise Http404(_("Bando non trovato."))
    return call


def _refused(request, exc: EvaluationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("Operazione non consentita."))
        return
    messages.error(request, exc.message)
    for error in exc.errors:
        messages.error(request, error["message"])


# --- officers: the call -------------------------------------------------------------------------------------
@login_required
def call_overview(request, code: str):
    if not permissions.can_view_evaluation(request.user):
        return _forbidden(request)
    call = _call_or_404(code)
    panel = selectors.panel_of(call)
    return render(
        request,
        "evaluation/call_overview.html",
        {
            "call": call,
            "applications": selectors.call_applications(call),
            "panel": panel,
            "members": selectors.panel_members(panel) if panel else [],
            "staff_users": get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .order_by("last_name", "first_name", "email"),
            "ranking": selectors.ranking_of(call),
            "can_manage_panel": permissions.can_manage_panel(request.user),
        },
    )


@login_required
@require_POST
def panel_update(request, code: str):
    if not permissions.can_manage_panel(request.user):
        return _forbidden(request)
    call = _call_or_404(code)
    action = request.POST.get("action")
    try:
        if action == "panel":
            services.set_panel(
                actor=request.user,
                call=call,
                evaluators_per_application=int(request.POST.get("evaluators_per_application") or 2),
                disagreement_threshold=request.POST.get("disagreement_threshold") or "10",
            )
            messages.success(request, _("Nucleo di valutazione salvato."))
        elif action == "member":
            panel = selectors.panel_of(call)
            user = get_user_model().objects.filter(pk=request.POST.get("user") or 0).first()
            if panel is None or user is None:
                raise Http404
            services.add_panel_member(
                actor=request.user,
                panel=panel,
                user=user,
                is_president=bool(request.POST.get("is_president")),
            )
            messages.success(request, _("Componente aggiunto al nucleo."))
        elif action == "auto_assign":
            result = services.auto_assign(actor=request.user, call=call)
            messages.success(request, _("Assegnazioni create: %(n)d.") % {"n": len(result.created)})
            if result.short:
                messages.warning(
                    request,
                    _("Valutatori insufficienti per %(n)d domande: aggiungere componenti al nucleo.")
                    % {"n": len(result.short)},
                )
        else:
            raise Http404
    except (EvaluationError, PermissionDenied, ValueError) as exc:
        if isinstance(exc, ValueError):
            messages.error(request, _("Valori non validi."))
        else:
            _refused(request, exc)
    return redirect("evaluation:call_overview", code=call.code)


# --- officers: formal check of one application --------------------------------------------------------------
def _parse_deadline(value: str):
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return "invalid"
    return datetime.combine(day, time(23, 59, 59), tzinfo=ROME)


@login_required
def admissibility(request, code: str, pk: int):
    if not permissions.can_check_admissibility(request.user):
        return _forbidden(request)
    call = _call_or_404(code)
    try:
        application = selectors.call_application(call, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "integration":
                deadline = _parse_deadline(request.POST.get("deadline", ""))
                if deadline == "invalid":
                    raise EvaluationError(_("Data di scadenza non valida."))
                services.request_integration(
                    actor=request.user,
                    application=application,
                    items=request.POST.get("items", "").splitlines(),
                    message=request.POST.get("message", ""),
                    deadline=deadline,
                )
                messages.success(request, _("Richiesta di integrazione inviata al proponente."))
            else:
                answers = {}
                for row in selectors.checklist_rows(application):
                    value = request.POST.get(f"item-{row.item.pk}", "")
                    answers[row.item.pk] = ChecklistAnswer(
                        satisfied={"yes": True, "no": False}.get(value),
                        note=request.POST.get(f"note-{row.item.pk}", ""),
                    )
                outcome = request.POST.get("outcome") or None
                services.record_admissibility(
                    actor=request.user,
                    application=application,
                    answers=answers,
                    outcome=outcome,
                    reasons=request.POST.get("reasons", ""),
                    # The checkbox group is on the form only when the call has lines of projects.
                    project_lines=request.POST.getlist("project_lines")
                    if selectors.project_lines(call).exists()
                    else None,
                )
                messages.success(
                    request,
                    _("Esito registrato e comunicato al proponente.") if outcome else _("Verifiche salvate."),
                )
        except (EvaluationError, PermissionDenied) as exc:
            _refused(request, exc)
        return redirect("evaluation:admissibility", code=call.code, pk=application.pk)
    review = selectors.review_of(application)
    recognised = set(review.project_lines or []) if review else set()
    return render(
        request,
        "evaluation/admissibility.html",
        {
            "call": call,
            "application": application,
            "rows": selectors.checklist_rows(application),
            "automatic": selectors.automatic_checks(application),
            "review": review,
            "project_lines": [
                {"reserve": reserve, "checked": reserve.code in recognised}
                for reserve in selectors.project_lines(call)
            ],
            "requests": selectors.integration_requests(application),
            "can_decide": application.status == ApplicationStatus.SUBMITTED,
        },
    )


# --- evaluators ---------------------------------------------------------------------------------------------
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


def _points_from(post, tree):
    points = {
        leaf.code: post.get(f"points-{leaf.code}", "").strip().replace(",", ".") for leaf in tree.leaves
    }
    justifications = {leaf.code: post.get(f"justification-{leaf.code}", "") for leaf in tree.leaves}
    return points, justifications


@login_required
def assignment_detail(request, pk: int):
    """Declaration first (names of the parties only); then the application and the score sheet."""
    try:
        assignment = selectors.assignment_for_evaluator(request.user, pk)
    except Assignment.DoesNotExist:
        raise Http404(_("Assegnazione non trovata.")) from None
    if not permissions.is_assigned_evaluator(request.user, assignment):  # e.g. no longer staff
        raise Http404(_("Assegnazione non trovata."))
    application = assignment.application
    parties = selectors.lead_first(selectors.parties(application))
    tree = selectors.criteria_tree(application.call)
    if request.method == "POST":
        try:
            if assignment.status == AssignmentStatus.TO_DECLARE:
                result = services.declare_conflicts(
                    actor=request.user,
                    assignment=assignment,
                    conflicts={p.pk: request.POST.get(f"party-{p.pk}") == "yes" for p in parties},
                    notes={p.pk: request.POST.get(f"note-{p.pk}", "") for p in parties},
                )
                if result.conflict:
                    messages.info(
                        request, _("Conflitto dichiarato: la domanda è stata assegnata ad altro valutatore.")
                    )
                    return redirect("evaluation:my_assignments")
                messages.success(request, _("Dichiarazione registrata: puoi valutare la domanda."))
            else:
                points, justifications = _points_from(request.POST, tree)
                submit = request.POST.get("action") == "submit"
                services.save_scores(
                    actor=request.user,
                    assignment=assignment,
                    points=points,
                    justifications=justifications,
                    submit=submit,
                )
                messages.success(request, _("Valutazione inviata.") if submit else _("Valutazione salvata."))
        except (EvaluationError, PermissionDenied) as exc:
            _refused(request, exc)
        return redirect("evaluation:assignment_detail", pk=assignment.pk)
    evaluation = selectors.evaluation_of(assignment)
    stored = {s.criterion.code: s for s in evaluation.scores.all()} if evaluation else {}
    sheet_rows = [
        {
            "node": node,
            "is_leaf": tree.is_leaf(node),
            "depth": len(tree.ancestors(node)),
            "score": stored.get(node.code),
        }
        for node in _tree_order(tree)
    ]
    return render(
        request,
        "evaluation/assignment_detail.html",
        {
            "assignment": assignment,
            "application": application,
            "parties": parties,
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
        points, justifications = _points_from(request.POST, tree)
        try:
            services.set_consensus(
                actor=request.user,
                application=application,
                points=points,
                justifications=justifications,
                note=request.POST.get("note", ""),
            )
        except (EvaluationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Punteggio di consenso registrato."))
        return redirect("evaluation:consensus", pk=application.pk)
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
        for node in _tree_order(tree)
    ]
    return render(
        request,
        "evaluation/consensus.html",
        {"application": application, "consolidated": consolidated, "rows": rows},
    )


def _tree_order(tree):
    ordered = []

    def walk(node):
        ordered.append(node)
        for kid in tree.children.get(node.code, []):
            walk(kid)

    for root in tree.roots:
        walk(root)
    return ordered


# --- ranking ------------------------------------------------------------------------------------------------
def _stage(call: Call, value: str) -> str:
    stages = phases.stages(call)
    return value if value in stages else stages[-1]


def _parse_day(value: str):
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date() if value and value.strip() else None
    except ValueError:
        return "invalid"


@login_required
def ranking(request, code: str):
    if not permissions.can_view_evaluation(request.user):
        return _forbidden(request)
    call = _call_or_404(code)
    stage = _stage(call, request.POST.get("stage") or request.GET.get("fase", ""))
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "compute":
                services.compute_ranking(actor=request.user, call=call, stage=stage)
                messages.success(request, _("Graduatoria calcolata: in attesa di approvazione."))
            elif action == "approve":
                current = selectors.ranking_of(call, stage)
                if current is None:
                    raise Http404
                day = _parse_day(request.POST.get("determination_date", ""))
                if day == "invalid":
                    raise EvaluationError(
                        _("La determinazione di approvazione è incompleta."),
                        errors=[
                            {
                                "code": "invalid",
                                "field": "determination_date",
                                "message": _("Data non valida (gg/mm/aaaa)."),
                            }
                        ],
                    )
                services.approve_ranking(
                    actor=request.user,
                    ranking=current,
                    determination_number=request.POST.get("determination_number", ""),
                    determination_date=day,
                )
                messages.success(request, _("Graduatoria approvata e pubblicata."))
            elif action == "renounce":
                application = Application.objects.filter(
                    call=call, pk=request.POST.get("application") or 0
                ).first()
                if application is None:
                    raise Http404
                services.record_renunciation(
                    actor=request.user, application=application, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Rinuncia registrata: la graduatoria è scorsa."))
            else:
                raise Http404
        except (EvaluationError, PermissionDenied) as exc:
            if isinstance(exc, EvaluationError) and exc.errors and action == "approve":
                messages.error(request, exc.message)
                field_errors = {e["field"]: e["message"] for e in exc.errors}
            else:
                _refused(request, exc)
                return redirect(_ranking_url(call, stage))
        else:
            return redirect(_ranking_url(call, stage))
    current = selectors.ranking_of(call, stage)
    return render(
        request,
        "evaluation/ranking.html",
        {
            "call": call,
            "stage": stage,
            "stages": [(value, RankingStage(value).label) for value in phases.stages(call)],
            "ranking": current,
            "entries": selectors.ranking_entries(current) if current else [],
            "totals": selectors.ranking_totals(current) if current else None,
            "can_prepare": permissions.can_prepare_ranking(request.user),
            "can_approve": permissions.can_approve_ranking(request.user)
            and current is not None
            and current.status == RankingStatus.DRAFT,
            "approved": current is not None and current.status == RankingStatus.APPROVED,
            "is_final": stage == RankingStage.FINAL,
            "field_errors": field_errors,
            "posted": request.POST if field_errors else {},
        },
        status=422 if field_errors else 200,
    )


def _ranking_url(call: Call, stage: str) -> str:
    url = reverse("evaluation:ranking", args=[call.code])
    return f"{url}?fase={stage}" if stage != RankingStage.FINAL else url


# --- applicants: the executive project of an admitted idea (two-phase calls) -------------------------------
@login_required
def executive_project(request, pk: int):
    """The idea's way to the second phase: its outcome, the second window's dates, and the button that
    starts the executive project while (and only while) the window is open."""
    try:
        idea = selectors.applicant_application(request.user, pk)
    except Application.DoesNotExist:
        raise Http404(_("Domanda non trovata.")) from None
    state = selectors.executive_project_state(idea)
    if state.window is None:
        raise Http404(_("La domanda non è un'idea progettuale di un bando in due fasi."))
    if request.method == "POST":
        try:
            executive = services.create_executive_project(actor=request.user, idea=idea)
        except (EvaluationError, PermissionDenied) as exc:
            _refused(request, exc)
            return redirect("evaluation:executive_project", pk=idea.pk)
        messages.success(request, _("Progetto esecutivo avviato: compila e invia la domanda."))
        return redirect("applications:application_detail", pk=executive.pk)
    moment = timezone.now()
    return render(
        request,
        "evaluation/executive_project.html",
        {
            "idea": idea,
            "state": state,
            "window": state.window,
            "is_open": state.is_open(moment),
            "not_yet_open": moment < state.window.opens_at,
            "can_create": state.can_create(moment) and permissions.can_present_executive(request.user, idea),
        },
    )


# --- applicants: integration requests -----------------------------------------------------------------------
@login_required
def integration_answer(request, pk: int):
    try:
        integration = selectors.integration_request_for_user(request.user, pk)
    except IntegrationRequest.DoesNotExist:
        raise Http404(_("Richiesta non trovata.")) from None
    if request.method == "POST":
        try:
            services.answer_integration(
                actor=request.user,
                request=integration,
                responses={
                    item.pk: request.POST.get(f"item-{item.pk}", "") for item in integration.items.all()
                },
            )
        except (EvaluationError, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Integrazione inviata."))
        return redirect("evaluation:integration_answer", pk=integration.pk)
    return render(
        request,
        "evaluation/integration_answer.html",
        {
            "integration": integration,
            "application": integration.application,
            "notices": selectors.notices_of(integration.application),
        },
    )

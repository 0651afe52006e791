"""IDOR cases of the evaluation of A's applications: staff-only objects."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.tests.factories import ready_application
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import (
    Assignment,
    ConsolidatedScore,
    Evaluation,
    IntegrationRequest,
    Panel,
    PanelMember,
    Ranking,
    RejectionNotice,
)
from grants.evaluation.services import ChecklistAnswer, ChecklistItemInput
from grants.evaluation.tests import factories as evaluation_factories

from .world import (
    Case,
    World,
    _submitted_secrets,
)

# --- the evaluation of A's applications: staff-only objects ---------------------------------------------
# Built on demand (only the cases that need them pay for them) and kept in ``World.cache``. Who may reach
# them legitimately (grants/evaluation/permissions.py): officers and managers by permission, the assigned
# evaluator their own non-conflicted assignment, A's members their own integration requests and notices.
# B is an applicant of another organisation: never any of those.
CHECKLIST_SECRET = "Verifica riservata dell'istruttoria"
INTEGRATION_SECRET = "Statuto riservato della Cooperativa Alfa"
REJECTION_SECRET = "Motivo ostativo riservato della Cooperativa Alfa"
SCORE_SECRET = "Motivazione per B2"  # the evaluator's justification of a criterion (factories.justified)


@dataclass
class EvaluationOfA:
    """A call under evaluation where A's application (``title``) is assigned to ``evaluator``."""

    call: Any
    application: Application
    evaluator: Any
    assignment: Assignment
    free_member: PanelMember  # a member of the panel the application is not assigned to
    title: str


def _cached(w: World, key: str, build: Callable[[], Any]) -> Any:
    if key not in w.cache:
        w.cache[key] = build()
    return w.cache[key]


def _officer(w: World):
    """Officer and manager of the measure: every staff permission of the evaluation."""
    return _cached(w, "officer", evaluation_factories.manager)


def _submitted_by_a(w: World, call, title: str) -> Application:
    application = ready_application(call=call, user=w.user_a, organisation=w.organisation_a)
    application_services.update_general(
        actor=w.user_a, application=application, title=title, abstract="Progetto in valutazione."
    )
    application_services.submit(
        actor=w.user_a,
        application=application,
        idempotency_key=f"idor-{call.code}",
        declarations_accepted=True,
    )
    application.refresh_from_db()
    return application


def _evaluation_of_a(w: World, title: str, *, members: int) -> EvaluationOfA:
    """A closed call with a checklist, A's application admissible, a panel and one assignment to its
    president (not declared yet)."""
    officer = _officer(w)
    call = evaluation_factories.scored_call()
    (item,) = evaluation_services.save_checklist(
        actor=officer, call=call, items=[ChecklistItemInput(code="firma", title=CHECKLIST_SECRET)]
    )
    application = _submitted_by_a(w, call, title)
    evaluation_factories.close(call)
    evaluation_services.record_admissibility(
        actor=officer,
        application=application,
        answers={item.pk: ChecklistAnswer(satisfied=True)},
        outcome="admissible",
    )
    panel, users = evaluation_factories.panel_with(call, members=members, per_application=1, actor=officer)
    president, *others = PanelMember.objects.filter(panel=panel).order_by("-is_president", "pk")
    assignment = evaluation_services.assign(actor=officer, application=application, member=president)
    application.refresh_from_db()
    return EvaluationOfA(
        call=call,
        application=application,
        evaluator=users[0],
        assignment=assignment,
        free_member=others[0] if others else None,
        title=title,
    )


def _assigned(w: World) -> EvaluationOfA:
    """Assigned, the conflict-of-interest declaration still to make; a second member is free."""
    return _cached(w, "assigned", lambda: _evaluation_of_a(w, "Progetto Alfa assegnato", members=2))


def _declared(w: World) -> EvaluationOfA:
    """Declared without conflict: the evaluator may now score."""

    def build():
        evaluation = _evaluation_of_a(w, "Progetto Alfa da valutare", members=1)
        parties = {p.pk: False for p in evaluation.application.partners.all()}
        evaluation_services.declare_conflicts(
            actor=evaluation.evaluator, assignment=evaluation.assignment, conflicts=parties
        )
        evaluation.assignment.refresh_from_db()
        return evaluation

    return _cached(w, "declared", build)


def _ranked(w: World, *, approved: bool = False) -> EvaluationOfA:
    """Scored by the evaluator (their justifications are secret), a ranking proposed (draft) or, when
    ``approved``, approved by the manager (A is funded)."""

    def build():
        evaluation = _evaluation_of_a(w, "Progetto Alfa in graduatoria", members=1)
        evaluation_factories.evaluate(evaluation.assignment, evaluation_factories.FULL_MARKS)
        ranking = evaluation_services.compute_ranking(actor=_officer(w), call=evaluation.call)
        if approved:
            evaluation_services.approve_ranking(
                actor=_officer(w), ranking=ranking, **evaluation_factories.DETERMINATION
            )
        evaluation.assignment.refresh_from_db()
        evaluation.application.refresh_from_db()
        return evaluation

    return _cached(w, "approved" if approved else "ranked", build)


def _integration(w: World) -> IntegrationRequest:
    """An officer asks A to integrate the submitted application (a notice to A goes with it)."""
    return _cached(
        w,
        "integration",
        lambda: evaluation_services.request_integration(
            actor=_officer(w),
            application=w.submitted,
            items=[INTEGRATION_SECRET],
            message="Entro dieci giorni.",
        ),
    )


def _rejection(w: World) -> RejectionNotice:
    """An officer tells A the reasons for an intended rejection (art. 10-bis) of another application of A
    (the world's own may be waiting for an integration); A may answer."""

    def build():
        application = ready_application(call=w.submitted.call, user=w.user_a, organisation=w.organisation_a)
        application_services.submit(
            actor=w.user_a,
            application=application,
            idempotency_key="idor-a-10bis",
            declarations_accepted=True,
        )
        return evaluation_services.notify_intended_rejection(
            actor=_officer(w), application=application, reasons=REJECTION_SECRET
        )

    return _cached(w, "rejection", build)


def _rejection_state(w: World):
    notice = _rejection(w)
    notice.refresh_from_db()
    return (notice.status, notice.observations, notice.observed_at, notice.application.status)


def _answered_with_document(w: World):
    """An item of A's answered integration request that carries a document (a plain PDF)."""

    def build():
        from django.core.files.uploadedfile import SimpleUploadedFile

        application = ready_application(call=w.submitted.call, user=w.user_a, organisation=w.organisation_a)
        application_services.submit(
            actor=w.user_a, application=application, idempotency_key="idor-a-doc", declarations_accepted=True
        )
        request = evaluation_services.request_integration(
            actor=_officer(w), application=application, items=[INTEGRATION_SECRET]
        )
        item = request.items.get()
        pdf = SimpleUploadedFile("statuto-riservato.pdf", b"%PDF-1.4\n%%EOF\n")
        evaluation_services.answer_integration(
            actor=w.user_a, request=request, responses={item.pk: "Allegato"}, documents={item.pk: pdf}
        )
        item.refresh_from_db()
        return item

    return _cached(w, "answered_with_document", build)


def _a_secrets(evaluation: Callable[[World], EvaluationOfA]) -> Callable[[World], list[str]]:
    return lambda w: [evaluation(w).title, w.organisation_a.name]


def _evaluator_secrets(w: World) -> list[str]:
    evaluator = _assigned(w).evaluator
    return [evaluator.email, evaluator.get_full_name(), w.organisation_a.name]


def _integration_state(w: World):
    integration = _integration(w)
    integration.refresh_from_db()
    w.submitted.refresh_from_db()
    return (
        integration.status,
        integration.answered_at,
        list(integration.items.values_list("pk", "response")),
        w.submitted.status,
        IntegrationRequest.objects.filter(application=w.submitted).count(),
    )


def _review_state(application: Application):
    application.refresh_from_db()
    review = getattr(application, "admissibility_review", None)
    review_row = (review.outcome, review.reasons, review.decided_at) if review else None
    return (
        application.status,
        review_row,
        IntegrationRequest.objects.filter(application=application).count(),
        application.notices.count(),
    )


def _checklist_state(evaluation: Callable[[World], EvaluationOfA]):
    return lambda w: list(
        evaluation(w).call.admissibility_items.order_by("pk").values_list("pk", "code", "title")
    )


def _panel_state(evaluation: Callable[[World], EvaluationOfA]):
    def snapshot(w: World):
        panel = Panel.objects.get(call=evaluation(w).call)
        members = list(panel.members.order_by("pk").values_list("pk", "user_id", "is_president", "is_active"))
        assignments = list(
            Assignment.objects.filter(application__call=panel.call)
            .order_by("pk")
            .values_list("pk", "member_id", "status", "declared_at")
        )
        return (panel.evaluators_per_application, panel.disagreement_threshold, members, assignments)

    return snapshot


def _assignment_state(evaluation: Callable[[World], EvaluationOfA]):
    def snapshot(w: World):
        assignment = evaluation(w).assignment
        assignment.refresh_from_db()
        evaluations = list(
            Evaluation.objects.filter(application=assignment.application)
            .order_by("pk")
            .values_list("pk", "status", "total", "is_consensus", "submitted_at")
        )
        return (assignment.status, assignment.declared_at, assignment.declarations.count(), evaluations)

    return snapshot


def _ranking_state(evaluation: Callable[[World], EvaluationOfA]):
    def snapshot(w: World):
        call = evaluation(w).call
        rankings = list(
            Ranking.objects.filter(call=call).values_list("pk", "status", "computed_at", "approved_at")
        )
        consolidated = list(
            ConsolidatedScore.objects.filter(application__call=call).values_list(
                "pk", "method", "total_score"
            )
        )
        applications = list(Application.objects.filter(call=call).order_by("pk").values_list("pk", "status"))
        call.refresh_from_db()
        return (call.status, rankings, consolidated, applications, _assignment_state(evaluation)(w))

    return snapshot


def _full_marks_body(w: World) -> dict:
    points = evaluation_factories.FULL_MARKS
    return {"points": points, "justifications": evaluation_factories.justified(points)}


def _parties_body(evaluation: Callable[[World], EvaluationOfA], *, page: bool):
    def body(w: World) -> dict:
        parties = evaluation(w).application.partners.values_list("pk", flat=True)
        if page:
            return {f"party-{pk}": "no" for pk in parties}
        return {"conflicts": {str(pk): False for pk in parties}}

    return body


def _ranked_approved(w: World) -> EvaluationOfA:
    return _ranked(w, approved=True)


def _desk_of_a(w: World) -> EvaluationOfA:
    """A first-come call (sportello) where A's booked application is evaluated above the minimum: it may
    be funded by a determination."""

    def build():
        from decimal import Decimal

        officer = _officer(w)
        call = evaluation_factories.scored_call(
            first_come=True, budget=Decimal("100000.00"), min_grant=None, max_grant=None
        )
        application = _submitted_by_a(w, call, "Progetto Alfa allo sportello")
        evaluation_factories.admissible(application, actor=officer)
        _panel, users = evaluation_factories.panel_with(call, members=1, per_application=1, actor=officer)
        evaluation_services.auto_assign(actor=officer, call=call)
        assignment = application.assignments.get()
        evaluation_factories.evaluate(assignment, evaluation_factories.FULL_MARKS)
        application.refresh_from_db()
        return EvaluationOfA(
            call=call,
            application=application,
            evaluator=users[0],
            assignment=assignment,
            free_member=None,
            title="Progetto Alfa allo sportello",
        )

    return _cached(w, "desk", build)


def _desk_state(w: World):
    application = _desk_of_a(w).application
    application.refresh_from_db()
    return (application.status, application.booking_outcome, application.booked_amount)


def _idea_of_a(w: World) -> Application:
    """A's idea of a two-phase call, admitted by the approved preliminary ranking; the second window is
    open: A may start its executive project, B may not even see it."""

    def build():
        _call, [idea], _window = evaluation_factories.ranked_ideas(
            [("50000", evaluation_factories.FULL_MARKS)], owners=[(w.user_a, w.organisation_a)]
        )
        return idea

    return _cached(w, "idea", build)


def _executive_state(w: World):
    return list(Application.objects.filter(preliminary=_idea_of_a(w)).values_list("pk", flat=True))


EVALUATION_PAGE_CASES: dict[str, Case] = {
    "evaluation:call_overview": Case(
        args=lambda w: {"code": _ranked(w).call.code}, secrets=_a_secrets(_ranked)
    ),
    "evaluation:panel_update": Case(
        args=lambda w: {"code": _assigned(w).call.code},
        method="post",
        body=lambda w: {"evaluators_per_application": "1", "disagreement_threshold": "5"},
        secrets=_evaluator_secrets,
        unchanged=_panel_state(_assigned),
    ),
    "evaluation:panel_member_add": Case(
        args=lambda w: {"code": _assigned(w).call.code},
        method="post",
        body=lambda w: {"user": w.user_b.pk, "is_president": "on"},
        secrets=_evaluator_secrets,
        unchanged=_panel_state(_assigned),
    ),
    "evaluation:panel_auto_assign": Case(
        args=lambda w: {"code": _assigned(w).call.code},
        method="post",
        secrets=_evaluator_secrets,
        unchanged=_panel_state(_assigned),
    ),
    "evaluation:admissibility": Case(
        args=lambda w: {"code": w.submitted.call.code, "pk": w.submitted.pk},
        method="post",
        body=lambda w: {"outcome": "not_admissible", "reasons": "Decisa da B"},
        secrets=_submitted_secrets,
        unchanged=lambda w: _review_state(w.submitted),
    ),
    "evaluation:integration_request": Case(
        args=lambda w: {"code": w.submitted.call.code, "pk": w.submitted.pk},
        method="post",
        body=lambda w: {"items": "Chiesto da B", "message": "B", "deadline": ""},
        secrets=_submitted_secrets,
        unchanged=lambda w: _review_state(w.submitted),
    ),
    "evaluation:rejection_notice": Case(
        args=lambda w: {"code": w.submitted.call.code, "pk": w.submitted.pk},
        method="post",
        body=lambda w: {"reasons": "Preavviso di B", "term_days": "10", "confirm": "on"},
        secrets=_submitted_secrets,
        unchanged=lambda w: (_review_state(w.submitted), RejectionNotice.objects.count()),
    ),
    "evaluation:ranking": Case(args=lambda w: {"code": _ranked(w).call.code}, secrets=_a_secrets(_ranked)),
    "evaluation:ranking_compute": Case(
        args=lambda w: {"code": _ranked(w).call.code},
        method="post",
        secrets=_a_secrets(_ranked),
        unchanged=_ranking_state(_ranked),
    ),
    "evaluation:ranking_approve": Case(
        args=lambda w: {"code": _ranked(w).call.code},
        method="post",
        body=lambda w: {"determination_number": "DD 9/B", "determination_date": "2026-01-10"},
        secrets=_a_secrets(_ranked),
        unchanged=_ranking_state(_ranked),
    ),
    "evaluation:ranking_renounce": Case(
        args=lambda w: {"code": _ranked(w, approved=True).call.code},
        method="post",
        body=lambda w: {"application": _ranked(w, approved=True).application.pk, "reason": "Presa da B"},
        secrets=_a_secrets(_ranked_approved),
        unchanged=_ranking_state(_ranked_approved),
    ),
    "evaluation:desk_queue": Case(
        args=lambda w: {"code": _desk_of_a(w).call.code}, secrets=_a_secrets(_desk_of_a)
    ),
    "evaluation:desk_queue_csv": Case(
        args=lambda w: {"code": _desk_of_a(w).call.code}, secrets=_a_secrets(_desk_of_a)
    ),
    "evaluation:desk_decision": Case(
        args=lambda w: {"code": _desk_of_a(w).call.code},
        method="post",
        body=lambda w: {
            "determination_number": "DD 9/B",
            "determination_date": "2026-01-10",
            f"include_{_desk_of_a(w).application.pk}": "on",
            f"amount_{_desk_of_a(w).application.pk}": "1000,00",
            "confirm": "on",
        },
        secrets=_a_secrets(_desk_of_a),
        unchanged=_desk_state,
    ),
    "evaluation:assignment_detail": Case(
        args=lambda w: {"pk": _assigned(w).assignment.pk}, secrets=_a_secrets(_assigned)
    ),
    "evaluation:assignment_declare": Case(
        args=lambda w: {"pk": _assigned(w).assignment.pk},
        method="post",
        body=_parties_body(_assigned, page=True),
        secrets=_a_secrets(_assigned),
        unchanged=_assignment_state(_assigned),
    ),
    "evaluation:assignment_save": Case(
        args=lambda w: {"pk": _declared(w).assignment.pk},
        method="post",
        body=lambda w: {f"points-{code}": value for code, value in evaluation_factories.FULL_MARKS.items()},
        secrets=_a_secrets(_declared),
        unchanged=_assignment_state(_declared),
    ),
    # A's application carries no document here: the assignment (A's evaluator's) answers first, 404.
    "evaluation:assignment_document": Case(
        args=lambda w: {"pk": _declared(w).assignment.pk, "document_pk": 1},
        secrets=_a_secrets(_declared),
    ),
    "evaluation:assignment_submit": Case(
        args=lambda w: {"pk": _declared(w).assignment.pk},
        method="post",
        body=lambda w: {
            **{f"points-{code}": value for code, value in evaluation_factories.FULL_MARKS.items()},
            **{f"justification-{code}": "Da B" for code in evaluation_factories.FULL_MARKS},
        },
        secrets=_a_secrets(_declared),
        unchanged=_assignment_state(_declared),
    ),
    "evaluation:integration_answer": Case(
        args=lambda w: {"pk": _integration(w).pk},
        method="post",
        body=lambda w: {
            f"item-{pk}": "Risposta di B" for pk in _integration(w).items.values_list("pk", flat=True)
        },
        secrets=lambda w: [INTEGRATION_SECRET, *_submitted_secrets(w)],
        unchanged=_integration_state,
    ),
    "evaluation:rejection_observations": Case(
        args=lambda w: {"pk": _rejection(w).pk},
        method="post",
        body=lambda w: {"observations": "Osservazioni di B"},
        secrets=lambda w: [REJECTION_SECRET, _rejection(w).application.protocol],
        unchanged=_rejection_state,
    ),
    "evaluation:integration_document": Case(
        args=lambda w: {"pk": _answered_with_document(w).pk},
        secrets=lambda w: ["%PDF-1.4", _answered_with_document(w).original_name],
    ),
    "evaluation:consensus": Case(
        args=lambda w: {"pk": _ranked(w).application.pk},
        method="post",
        body=lambda w: {
            **{f"points-{code}": value for code, value in evaluation_factories.FULL_MARKS.items()},
            **{f"justification-{code}": "Consenso imposto da B" for code in evaluation_factories.FULL_MARKS},
            "note": "Consenso imposto da B",
        },
        secrets=lambda w: [SCORE_SECRET, *_a_secrets(_ranked)(w)],
        unchanged=_ranking_state(_ranked),
    ),
    "evaluation:executive_project": Case(
        args=lambda w: {"pk": _idea_of_a(w).pk},
        method="post",
        secrets=lambda w: [_idea_of_a(w).protocol, w.organisation_a.name],
        unchanged=_executive_state,
    ),
}

EVALUATION_API_CASES: dict[str, Case] = {
    # the formal check (officers)
    "grants_api_evaluation_get_checklist": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk}, secrets=lambda w: [CHECKLIST_SECRET]
    ),
    "grants_api_evaluation_put_checklist": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk},
        method="put",
        body=lambda w: {"items": [{"code": "presa", "title": "Presa da B"}]},
        secrets=lambda w: [CHECKLIST_SECRET],
        unchanged=_checklist_state(_assigned),
    ),
    "grants_api_evaluation_get_admissibility": Case(
        args=lambda w: {"application_id": _assigned(w).application.pk},
        secrets=lambda w: [CHECKLIST_SECRET, *_a_secrets(_assigned)(w)],
    ),
    "grants_api_evaluation_post_admissibility": Case(
        args=lambda w: {"application_id": w.submitted.pk},
        method="post",
        body=lambda w: {"answers": [], "outcome": "not_admissible", "reasons": "Decisa da B"},
        secrets=_submitted_secrets,
        unchanged=lambda w: _review_state(w.submitted),
    ),
    "grants_api_evaluation_post_integration_request": Case(
        args=lambda w: {"application_id": w.submitted.pk},
        method="post",
        body=lambda w: {"items": ["Chiesto da B"]},
        secrets=_submitted_secrets,
        unchanged=lambda w: _review_state(w.submitted),
    ),
    "grants_api_evaluation_post_rejection_notice": Case(
        args=lambda w: {"application_id": w.submitted.pk},
        method="post",
        body=lambda w: {"reasons": "Preavviso di B"},
        secrets=_submitted_secrets,
        unchanged=lambda w: (_review_state(w.submitted), RejectionNotice.objects.count()),
    ),
    "grants_api_evaluation_list_rejection_notices": Case(
        args=lambda w: {"application_id": _rejection(w).application_id},
        secrets=lambda w: [REJECTION_SECRET, _rejection(w).application.protocol],
    ),
    "grants_api_evaluation_get_rejection_notice": Case(
        args=lambda w: {"notice_id": _rejection(w).pk},
        secrets=lambda w: [REJECTION_SECRET, _rejection(w).application.protocol],
    ),
    "grants_api_evaluation_post_observations": Case(
        args=lambda w: {"notice_id": _rejection(w).pk},
        method="post",
        multipart=True,
        body=lambda w: {"observations": "Osservazioni di B"},
        secrets=lambda w: [REJECTION_SECRET, _rejection(w).application.protocol],
        unchanged=_rejection_state,
    ),
    # integration requests and notices (A's members)
    "grants_api_evaluation_get_integration_request": Case(
        args=lambda w: {"request_id": _integration(w).pk},
        secrets=lambda w: [INTEGRATION_SECRET, *_submitted_secrets(w)],
    ),
    "grants_api_evaluation_answer_integration_request": Case(
        args=lambda w: {"request_id": _integration(w).pk},
        method="post",
        body=lambda w: {
            "responses": {
                str(pk): "Risposta di B" for pk in _integration(w).items.values_list("pk", flat=True)
            }
        },
        secrets=lambda w: [INTEGRATION_SECRET, *_submitted_secrets(w)],
        unchanged=_integration_state,
    ),
    "grants_api_evaluation_answer_integration_with_documents": Case(
        args=lambda w: {"request_id": _integration(w).pk},
        method="post",
        multipart=True,
        body=lambda w: {
            "responses": "{"
            + ", ".join(
                f'"{pk}": "Risposta di B"' for pk in _integration(w).items.values_list("pk", flat=True)
            )
            + "}"
        },
        secrets=lambda w: [INTEGRATION_SECRET, *_submitted_secrets(w)],
        unchanged=_integration_state,
    ),
    "grants_api_evaluation_list_notices": Case(
        args=lambda w: {"application_id": _integration(w).application_id},
        secrets=lambda w: [INTEGRATION_SECRET, *_submitted_secrets(w)],
    ),
    # panel and assignments (officers)
    "grants_api_evaluation_put_panel": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk},
        method="put",
        body=lambda w: {"evaluators_per_application": 2, "disagreement_threshold": "1"},
        secrets=_evaluator_secrets,
        unchanged=_panel_state(_assigned),
    ),
    "grants_api_evaluation_get_panel": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk}, secrets=_evaluator_secrets
    ),
    "grants_api_evaluation_post_panel_member": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk},
        method="post",
        body=lambda w: {"user_id": w.user_b.pk, "is_president": True},
        secrets=_evaluator_secrets,
        unchanged=_panel_state(_assigned),
    ),
    "grants_api_evaluation_post_assignment": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk},
        method="post",
        body=lambda w: {
            "application_id": _assigned(w).application.pk,
            "member_id": _assigned(w).free_member.pk,
        },
        secrets=_a_secrets(_assigned),
        unchanged=_panel_state(_assigned),
    ),
    "grants_api_evaluation_post_auto_assign": Case(
        args=lambda w: {"call_id": _assigned(w).call.pk},
        method="post",
        secrets=_a_secrets(_assigned),
        unchanged=_panel_state(_assigned),
    ),
    # the assigned evaluator
    "grants_api_evaluation_assignment_parties": Case(
        args=lambda w: {"assignment_id": _assigned(w).assignment.pk}, secrets=_a_secrets(_assigned)
    ),
    # A's application carries no document here: the assignment (A's evaluator's) answers first, 404.
    "grants_api_evaluation_assignment_document": Case(
        args=lambda w: {"assignment_id": _declared(w).assignment.pk, "document_id": 1},
        secrets=_a_secrets(_declared),
    ),
    "grants_api_evaluation_post_declaration": Case(
        args=lambda w: {"assignment_id": _assigned(w).assignment.pk},
        method="post",
        body=_parties_body(_assigned, page=False),
        secrets=_a_secrets(_assigned),
        unchanged=_assignment_state(_assigned),
    ),
    "grants_api_evaluation_put_scores": Case(
        args=lambda w: {"assignment_id": _declared(w).assignment.pk},
        method="put",
        body=lambda w: {**_full_marks_body(w), "submit": True},
        secrets=_a_secrets(_declared),
        unchanged=_assignment_state(_declared),
    ),
    "grants_api_evaluation_list_evaluations": Case(
        args=lambda w: {"application_id": _ranked(w).application.pk},
        secrets=lambda w: [SCORE_SECRET, _ranked(w).evaluator.email, *_a_secrets(_ranked)(w)],
    ),
    "grants_api_evaluation_put_consensus": Case(
        args=lambda w: {"application_id": _ranked(w).application.pk},
        method="put",
        body=lambda w: {**_full_marks_body(w), "note": "Consenso imposto da B"},
        secrets=lambda w: [SCORE_SECRET, *_a_secrets(_ranked)(w)],
        unchanged=_ranking_state(_ranked),
    ),
    "grants_api_evaluation_get_consolidated": Case(
        args=lambda w: {"application_id": _ranked(w).application.pk}, secrets=_a_secrets(_ranked)
    ),
    # the ranking: the proposal is staff-only (an approved ranking is public data, see test_evaluation_access)
    "grants_api_evaluation_post_ranking": Case(
        args=lambda w: {"call_id": _ranked(w).call.pk},
        method="post",
        secrets=_a_secrets(_ranked),
        unchanged=_ranking_state(_ranked),
    ),
    "grants_api_evaluation_get_ranking": Case(
        args=lambda w: {"call_id": _ranked(w).call.pk}, secrets=_a_secrets(_ranked)
    ),
    "grants_api_evaluation_approve_ranking": Case(
        args=lambda w: {"call_id": _ranked(w).call.pk},
        method="post",
        body=lambda w: {"determination_number": "DD 9/B", "determination_date": "2026-01-10"},
        secrets=_a_secrets(_ranked),
        unchanged=_ranking_state(_ranked),
    ),
    "grants_api_evaluation_get_desk_queue": Case(
        args=lambda w: {"call_id": _desk_of_a(w).call.pk}, secrets=_a_secrets(_desk_of_a)
    ),
    "grants_api_evaluation_post_desk_decision": Case(
        args=lambda w: {"call_id": _desk_of_a(w).call.pk},
        method="post",
        body=lambda w: {
            "determination_number": "DD 9/B",
            "determination_date": "2026-01-10",
            "grants": [{"application_id": _desk_of_a(w).application.pk, "amount": "1000.00"}],
        },
        secrets=_a_secrets(_desk_of_a),
        unchanged=_desk_state,
    ),
    "grants_api_evaluation_post_renunciation": Case(
        args=lambda w: {"application_id": _ranked_approved(w).application.pk},
        method="post",
        body=lambda w: {"reason": "Rinuncia imposta da B"},
        secrets=_a_secrets(_ranked_approved),
        unchanged=_ranking_state(_ranked_approved),
    ),
    # two-phase calls: A's admitted idea and its executive project (A's members only)
    "grants_api_evaluation_get_executive_project": Case(
        args=lambda w: {"application_id": _idea_of_a(w).pk},
        secrets=lambda w: [_idea_of_a(w).protocol, w.organisation_a.name],
    ),
    "grants_api_evaluation_post_executive_project": Case(
        args=lambda w: {"application_id": _idea_of_a(w).pk},
        method="post",
        secrets=lambda w: [_idea_of_a(w).protocol, w.organisation_a.name],
        unchanged=_executive_state,
    ),
}

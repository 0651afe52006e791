"""Object permissions (IDOR), generated from the URL conf and the OpenAPI schema.

Every page and every API operation that takes an object id or code in its path is found by walking the URL
resolver and /api/v1/openapi.json. Each must be either

- mapped here to a builder that makes an object owned by organisation A; it is then requested as a user of
  organisation B (expect 403/404, never A's data, never a change) and anonymously (pages: redirect to the
  sign-in page; API: 401/404); or
- allowlisted with a reason (public by design, a secret token in the URL, the staff-only back-office).

A new id-taking endpoint that is neither makes ``test_every_id_taking_endpoint_is_covered`` fail: add a
builder (or, if the object really is public, an allowlist entry with its reason).
"""

import copy
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse

from grants.applications import services as application_services
from grants.applications.models import Application, ApplicationPartner
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.vocabulary import LegalForm
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import (
    Assignment,
    ConsolidatedScore,
    Evaluation,
    IntegrationRequest,
    Panel,
    PanelMember,
    Ranking,
)
from grants.evaluation.services import ChecklistAnswer, ChecklistItemInput
from grants.evaluation.tests import factories as evaluation_factories
from grants.programme.models import CallStatus
from grants.programme.tests.factories import CallFactory, RequiredDocumentFactory
from grants.registry.models import Membership, Organisation
from grants.registry.tests.factories import UserFactory
from tests.support import module_transaction

from . import urls as security_urls

URLCONF = "tests.security.urls"
pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLCONF)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Path parameters that carry a secret token rather than an object id: knowing the token is the authorisation.
TOKEN_PARAMETERS = frozenset({"key", "uidb36", "uidb64", "token"})
# Namespaces handled elsewhere: the API patterns are checked through the OpenAPI schema.
API_NAMESPACES = frozenset({"api", *(a.urls_namespace for a in security_urls.EXTRA_APIS)})
ADMIN_NAMESPACE = "admin"


# --- the world: organisation A owns everything, B is another applicant, C a partner of A -------------------
@dataclass
class World:
    user_a: Any
    organisation_a: Organisation
    membership_a: Membership
    user_b: Any
    organisation_b: Organisation
    organisation_c: Organisation
    call: Any
    draft: Application
    submitted: Application
    partner: ApplicationPartner
    document_code: str
    # Objects built on demand by the cases that need them (the evaluation of A's applications).
    cache: dict = field(default_factory=dict)


def build_world() -> World:
    user_a, organisation_a = member_of(name="Cooperativa Alfa Segreta")
    user_b, organisation_b = member_of(name="Associazione Beta")
    _, organisation_c = member_of(name="Ente Gamma")
    call = open_call(partner_legal_forms=[LegalForm.THIRD_SECTOR.value])
    document = RequiredDocumentFactory(call=call, code="relazione", is_mandatory=False)
    draft = ready_application(call=call, user=user_a, organisation=organisation_a)
    application_services.update_general(
        actor=user_a, application=draft, title="Progetto riservato Alfa", abstract="Sperimentazione."
    )
    partner = application_services.set_partners(
        actor=user_a,
        application=draft,
        partners=[application_services.PartnerInput(organisation=organisation_c, share_percent=Decimal(10))],
    )[0]
    submitted = ready_application(call=open_call(), user=user_a, organisation=organisation_a)
    application_services.submit(
        actor=user_a, application=submitted, idempotency_key="idor-a", declarations_accepted=True
    )
    submitted.refresh_from_db()
    return World(
        user_a=user_a,
        organisation_a=organisation_a,
        membership_a=Membership.objects.get(user=user_a, organisation=organisation_a),
        user_b=user_b,
        organisation_b=organisation_b,
        organisation_c=organisation_c,
        call=call,
        draft=draft,
        submitted=submitted,
        partner=partner,
        document_code=document.code,
    )


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, request) -> World:
    """A's world, built once per test module inside a transaction that is rolled back when the module ends;
    each test runs in a savepoint of it. In the IDOR module every case's objects are built here too, so a
    case costs its requests only."""
    with django_db_blocker.unblock(), module_transaction():
        shared = build_world()
        if request.module.__name__ == __name__:
            for case in [*PAGE_CASES.values(), *API_CASES.values()]:
                case.args(shared)
            for public in [*PUBLIC_PAGES.values(), *PUBLIC_API.values()]:
                if public.hidden is not None:
                    public.hidden(shared)
        yield shared


@pytest.fixture
def world(shared_world, db) -> World:
    """A private copy of the shared world per test (as Django's setUpTestData gives): what a test does to
    the objects in memory does not reach the next one; what it does in the database is rolled back."""
    return copy.deepcopy(shared_world)


# --- what a case is --------------------------------------------------------------------------------------
@dataclass
class Case:
    """How to reach an object of A: path arguments, the request, A's data that must not leak, and a snapshot
    of what must not change."""

    args: Callable[[World], dict]
    method: str = "get"
    secrets: Callable[[World], list[str]] = lambda w: [w.organisation_a.name, w.organisation_a.fiscal_code]
    body: Callable[[World], Any] | None = None
    multipart: bool = False
    headers: dict = field(default_factory=dict)
    unchanged: Callable[[World], Any] | None = None  # a snapshot taken before and compared after


def _application_secrets(w: World) -> list[str]:
    return [w.draft.title, w.organisation_a.name]


def _submitted_secrets(w: World) -> list[str]:
    return [w.submitted.protocol, w.organisation_a.name]


def _draft_state(w: World):
    w.draft.refresh_from_db()
    return (w.draft.status, w.draft.title, w.draft.withdrawn_at, w.draft.protocol_number)


def _submitted_state(w: World):
    w.submitted.refresh_from_db()
    return (w.submitted.status, w.submitted.withdrawn_at)


def _organisation_state(w: World):
    w.organisation_a.refresh_from_db()
    memberships = sorted(w.organisation_a.memberships.values_list("pk", "user_id", "revoked_at"))
    return (w.organisation_a.name, memberships)


def _partner_state(w: World):
    w.partner.refresh_from_db()
    return w.partner.confirmed_at


def _failed_task(w: World) -> dict:
    # Staff-only: the failed list of background work may hold any organisation's data in its arguments.
    from django.utils import timezone

    from grants.ops.models import FailedTask

    now = timezone.now()
    task = FailedTask.objects.create(
        task_name="grants.applications.send_receipt",
        kwargs={"organisation": w.organisation_a.name},
        error=f"SMTP refused for {w.organisation_a.fiscal_code}",
        first_failed_at=now,
        last_failed_at=now,
    )
    return {"pk": task.pk}


def _failed_task_state(w: World):
    from grants.ops.models import FailedTask

    return list(FailedTask.objects.values_list("pk", "reruns", "resolved_at"))


# --- the evaluation of A's applications: staff-only objects ---------------------------------------------
# Built on demand (only the cases that need them pay for them) and kept in ``World.cache``. Who may reach
# them legitimately (grants/evaluation/permissions.py): officers and managers by permission, the assigned
# evaluator their own non-conflicted assignment, A's members their own integration requests and notices.
# B is an applicant of another organisation: never any of those.
CHECKLIST_SECRET = "Verifica riservata dell'istruttoria"
INTEGRATION_SECRET = "Statuto riservato della Cooperativa Alfa"
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

# --- notifications: each person's own; B never reads or marks A's -----------------------------------------
NOTIFICATION_SECRET = "Notifica riservata alla Cooperativa Alfa"


def _notification_of_a(w: World):
    from grants.notifications import events
    from grants.notifications.models import Notification

    def build():
        return Notification.objects.create(
            user=w.user_a,
            organisation=w.organisation_a,
            event=events.INTEGRATION_REQUESTED,
            subject=NOTIFICATION_SECRET,
            body=f"Integrazione per {w.organisation_a.name}",
            link=f"/domande/{w.draft.pk}/",
        )

    return _cached(w, "notification", build)


def _notification_state(w: World):
    from grants.notifications.models import Notification

    return Notification.objects.filter(pk=_notification_of_a(w).pk).values_list("read_at", flat=True).get()


def _notification_secrets(w: World) -> list[str]:
    return [NOTIFICATION_SECRET, w.organisation_a.name]


NOTIFICATION_PAGE_CASES: dict[str, Case] = {
    "notifications:open": Case(
        args=lambda w: {"pk": _notification_of_a(w).pk},
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
    "notifications:mark_read": Case(
        args=lambda w: {"pk": _notification_of_a(w).pk},
        method="post",
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
}


NOTIFICATION_API_CASES: dict[str, Case] = {
    "grants_api_notifications_get_notification": Case(
        args=lambda w: {"notification_id": _notification_of_a(w).pk}, secrets=_notification_secrets
    ),
    "grants_api_notifications_mark_read": Case(
        args=lambda w: {"notification_id": _notification_of_a(w).pk},
        method="post",
        body=lambda w: {"read": True},
        secrets=_notification_secrets,
        unchanged=_notification_state,
    ),
}


# --- de minimis register of A: its declared aid and its single-undertaking links -------------------------
def _de_minimis_of_a(w: World):
    if "de_minimis" not in w.cache:
        from datetime import date

        from grants.registry import services as registry_services

        aid = registry_services.declare_de_minimis_aid(
            actor=w.user_a,
            organisation=w.organisation_a,
            granted_on=date(2024, 5, 2),
            granting_body="Ente concedente riservato Alfa",
            amount=Decimal("1234.56"),
        )
        link = registry_services.link_undertaking(
            actor=w.user_a,
            organisation=w.organisation_a,
            fiscal_code=w.organisation_c.fiscal_code,
            relationship="controls",
        )
        w.cache["de_minimis"] = (aid, link)
    return w.cache["de_minimis"]


def _link_request_to_a(w: World):
    """A pending declaration of C naming A: only A (or an officer) confirms or refuses it."""
    if "link_request" not in w.cache:
        from grants.registry.models import UndertakingLink

        w.cache["link_request"] = UndertakingLink.objects.create(
            organisation=w.organisation_c,
            linked_organisation=w.organisation_a,
            relationship="controls",
            declared_by=w.user_a,
        )
    return w.cache["link_request"]


def _link_request_state(w: World):
    link = _link_request_to_a(w)
    link.refresh_from_db()
    return (link.status, link.ended_at, link.confirmed_by_id)


def _de_minimis_secrets(w: World) -> list[str]:
    _de_minimis_of_a(w)
    return ["Ente concedente riservato Alfa", w.organisation_a.name]


def _de_minimis_state(w: World):
    _aid, link = _de_minimis_of_a(w)
    link.refresh_from_db()
    return (sorted(w.organisation_a.de_minimis_aid.values_list("pk", "amount")), link.ended_at)


DE_MINIMIS_PAGE_CASES: dict[str, Case] = {
    "registry:de_minimis": Case(args=lambda w: {"pk": w.organisation_a.pk}, secrets=_de_minimis_secrets),
    "registry:declared_aid_remove": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "aid_pk": _de_minimis_of_a(w)[0].pk},
        method="post",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "registry:undertaking_link_end": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "link_pk": _de_minimis_of_a(w)[1].pk},
        method="post",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    **{
        name: Case(
            args=lambda w: {"pk": w.organisation_a.pk, "link_pk": _link_request_to_a(w).pk},
            method="post",
            secrets=_de_minimis_secrets,
            unchanged=_link_request_state,
        )
        for name in ("registry:undertaking_link_confirm", "registry:undertaking_link_refuse")
    },
}

DE_MINIMIS_API_CASES: dict[str, Case] = {
    "grants_api_registry_get_de_minimis": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk}, secrets=_de_minimis_secrets
    ),
    "grants_api_registry_declare_de_minimis_aid": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"granted_on": "2024-01-02", "granting_body": "B", "amount": "1.00"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_remove_declared_aid": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "aid_id": _de_minimis_of_a(w)[0].pk},
        method="delete",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_link_undertaking": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"fiscal_code": w.organisation_b.fiscal_code, "relationship": "other"},
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    "grants_api_registry_end_undertaking_link": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "link_id": _de_minimis_of_a(w)[1].pk},
        method="delete",
        secrets=_de_minimis_secrets,
        unchanged=_de_minimis_state,
    ),
    **{
        name: Case(
            args=lambda w: {"organisation_id": w.organisation_a.pk, "link_id": _link_request_to_a(w).pk},
            method="post",
            secrets=_de_minimis_secrets,
            unchanged=_link_request_state,
        )
        for name in (
            "grants_api_registry_confirm_undertaking_link",
            "grants_api_registry_refuse_undertaking_link",
        )
    },
}


# --- projects of A: the funded project and its changes; B never reads or acts on them --------------------
def _project_of_a(w: World):
    """A's active project (CUP, agreement, start) with a pending budget variation above the tolerance."""

    def build():
        from grants.projects import services as project_services
        from grants.projects.tests.factories import ProjectFactory

        project = ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        lines = {line.category.code: line for line in project.budget_lines.select_related("category")}
        change = project_services.request_budget_variation(
            actor=w.user_a,
            project=project,
            amounts={
                lines["personale"].pk: Decimal("30000.00"),
                lines["attrezzature"].pk: Decimal("50000.00"),
            },
            reason="Variazione riservata Alfa",
        )
        return project, change

    return _cached(w, "project", build)


def _project_pk(w: World) -> dict:
    return {"pk": _project_of_a(w)[0].pk}


def _project_id(w: World) -> dict:
    return {"project_id": _project_of_a(w)[0].pk}


def _project_secrets(w: World) -> list[str]:
    project, _change = _project_of_a(w)
    return [project.cup, "Variazione riservata Alfa", w.organisation_a.name]


def _project_state(w: World):
    from grants.projects.models import Project

    project = Project.objects.get(pk=_project_of_a(w)[0].pk)
    return (
        project.status,
        project.cup,
        project.grant,
        project.planned_end_date,
        project.signed_agreement_sha256,
        sorted(project.changes.values_list("pk", "status")),
        sorted(project.budget_lines.values_list("pk", "approved_amount")),
    )


def _funded_application_of_a(w: World) -> dict:
    """A funded application of A still without project (the officer creates it)."""

    def build():
        from grants.projects.tests.factories import funded_application

        return funded_application(user=w.user_a, organisation=w.organisation_a)

    return {"application_pk": _cached(w, "funded_application", build).pk}


def _funded_application_state(w: World):
    from grants.projects.models import Project

    return Project.objects.filter(application_id=_funded_application_of_a(w)["application_pk"]).count()


def _milestone_of_a(w: World) -> int:
    return _project_of_a(w)[0].milestones.order_by("pk").values_list("pk", flat=True).first()


def _milestone_state(w: World):
    from grants.projects.models import ProjectMilestone

    return list(ProjectMilestone.objects.filter(project=_project_of_a(w)[0]).values_list("pk", "achieved_on"))


def _project_post(name: str, body: Callable[[World], Any]) -> tuple[str, Case]:
    return name, Case(
        args=_project_pk, method="post", body=body, secrets=_project_secrets, unchanged=_project_state
    )


PROJECT_PAGE_CASES: dict[str, Case] = {
    "projects:project_detail": Case(args=_project_pk, secrets=_project_secrets),
    "projects:agreement_pdf": Case(args=_project_pk, secrets=_project_secrets),
    "projects:signed_agreement": Case(args=_project_pk, secrets=_project_secrets),
    "projects:upload_agreement": Case(
        args=_project_pk,
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("atto.pdf", PDF, content_type="application/pdf")},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    **dict(
        [
            _project_post("projects:communicate_start", lambda w: {"start_date": "2026-01-01"}),
            _project_post("projects:request_variation", lambda w: {"variation-reason": "Presa da B"}),
            _project_post(
                "projects:request_partner_change",
                lambda w: {"partner-action": "withdraw", "partner-reason": "Presa da B"},
            ),
            _project_post(
                "projects:request_extension",
                lambda w: {"extension-new_end_date": "2040-01-01", "extension-reason": "Presa da B"},
            ),
            _project_post("projects:renounce", lambda w: {"renounce-reason": "Presa da B"}),
            _project_post("projects:assign_cup", lambda w: {"cup": "J11B99000000001"}),
            _project_post("projects:suspend_or_resume", lambda w: {"suspend-reason": "Presa da B"}),
            _project_post(
                "projects:revoke", lambda w: {"revoke-new_grant": "0", "revoke-reason": "Presa da B"}
            ),
            _project_post("projects:conclude", lambda w: {"conclude-end_date": "2026-01-02"}),
        ]
    ),
    "projects:decide_change": Case(
        args=lambda w: {"pk": _project_of_a(w)[0].pk, "change_pk": _project_of_a(w)[1].pk},
        method="post",
        body=lambda w: {
            f"change-{_project_of_a(w)[1].pk}-decision": "approve",
            f"change-{_project_of_a(w)[1].pk}-note": "B",
        },
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    "projects:create_missing_project": Case(
        args=_funded_application_of_a, method="post", unchanged=_funded_application_state
    ),
    "projects:mark_milestone_achieved": Case(
        args=lambda w: {"pk": _project_of_a(w)[0].pk, "milestone_pk": _milestone_of_a(w)},
        method="post",
        body=lambda w: {f"milestone-{_milestone_of_a(w)}-achieved_on": "2026-01-01"},
        secrets=_project_secrets,
        unchanged=_milestone_state,
    ),
}


def _project_api_post(name: str, body: Callable[[World], Any], method: str = "post") -> tuple[str, Case]:
    return name, Case(
        args=_project_id, method=method, body=body, secrets=_project_secrets, unchanged=_project_state
    )


PROJECT_API_CASES: dict[str, Case] = {
    "grants_api_projects_get_project": Case(args=_project_id, secrets=_project_secrets),
    "grants_api_projects_get_agreement": Case(args=_project_id, secrets=_project_secrets),
    "grants_api_projects_upload_agreement": Case(
        args=_project_id,
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("atto.pdf", PDF, content_type="application/pdf")},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    **dict(
        [
            _project_api_post(
                "grants_api_projects_communicate_start", lambda w: {"start_date": "2026-01-01"}
            ),
            _project_api_post(
                "grants_api_projects_request_variation", lambda w: {"amounts": {}, "reason": "Presa da B"}
            ),
            _project_api_post(
                "grants_api_projects_request_partner_change",
                lambda w: {"action": "withdraw", "reason": "Presa da B"},
            ),
            _project_api_post(
                "grants_api_projects_request_extension",
                lambda w: {"new_end_date": "2040-01-01", "reason": "Presa da B"},
            ),
            _project_api_post("grants_api_projects_renounce", lambda w: {"reason": "Presa da B"}),
            _project_api_post("grants_api_projects_assign_cup", lambda w: {"cup": "J11B99000000001"}, "put"),
            _project_api_post("grants_api_projects_suspend", lambda w: {"reason": "Presa da B"}),
            _project_api_post("grants_api_projects_resume", lambda w: {"reason": "Presa da B"}),
            _project_api_post(
                "grants_api_projects_revoke", lambda w: {"new_grant": "0", "reason": "Presa da B"}
            ),
            _project_api_post("grants_api_projects_conclude", lambda w: {"end_date": "2026-01-02"}),
        ]
    ),
    "grants_api_projects_decide_change": Case(
        args=lambda w: {"project_id": _project_of_a(w)[0].pk, "change_id": _project_of_a(w)[1].pk},
        method="post",
        body=lambda w: {"approve": True, "note": "B"},
        secrets=_project_secrets,
        unchanged=_project_state,
    ),
    "grants_api_projects_mark_milestone_achieved": Case(
        args=lambda w: {"project_id": _project_of_a(w)[0].pk, "milestone_id": _milestone_of_a(w)},
        method="post",
        body=lambda w: {"achieved_on": "2026-01-01"},
        secrets=_project_secrets,
        unchanged=_milestone_state,
    ),
    "grants_api_projects_create_missing_project": Case(
        args=lambda w: {"application_id": _funded_application_of_a(w)["application_pk"]},
        method="post",
        unchanged=_funded_application_state,
    ),
}

# --- the finance of A's project: payments, guarantee, loan, recovery, a claim with an item ---------------
# Who may reach them (grants/finance/permissions.py): A's members, finance staff by permission, the
# controller assigned to the claim. B is an applicant of another organisation: none of them.
FINANCE_SECRET = "Fattura riservata della Cooperativa Alfa"


@dataclass
class FinanceOfA:
    project: Any
    payment: Any
    guarantee: Any
    loan: Any
    recovery: Any
    claim: Any
    item: Any
    attachment: Any


def _finance_of_a(w: World) -> FinanceOfA:
    def build():
        from grants.finance import services as finance_services
        from grants.finance.models import Recovery
        from grants.finance.tests import factories as finance_factories

        project = finance_factories.ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        officer = finance_factories.officer()
        guarantee = finance_factories.guarantee(project, actor=officer)
        payment = finance_services.propose_payment(
            actor=officer, project=project, kind="advance", guarantee=guarantee
        )
        loan = finance_services.record_loan(
            actor=officer,
            project=project,
            principal="10000",
            annual_rate_percent="1",
            term_months=24,
            pre_amortisation_months=0,
            frequency_months=6,
            first_due_date=finance_factories.today(),
        )
        recovery = Recovery.objects.create(
            project=project,
            amount=Decimal(10),
            reason=FINANCE_SECRET,
            paid_at_opening=Decimal(10),
            new_grant=0,
        )
        claim = finance_factories.claim_with(
            project, finance_factories.invoice(project, description=FINANCE_SECRET), submit=False
        )
        item = claim.items.get()
        return FinanceOfA(project, payment, guarantee, loan, recovery, claim, item, item.attachments.get())

    return _cached(w, "finance", build)


def _finance_secrets(w: World) -> list[str]:
    return [FINANCE_SECRET, w.organisation_a.name]


def _finance_state(w: World):
    from grants.finance.models import ExpenseClaim, Payment

    finance = _finance_of_a(w)
    claim = ExpenseClaim.objects.get(pk=finance.claim.pk)
    finance.recovery.refresh_from_db()
    return (
        sorted(Payment.objects.filter(project=finance.project).values_list("pk", "status", "amount")),
        sorted(finance.project.guarantees.values_list("pk", "amount")),
        list(finance.loan.repayments.values_list("pk", "amount")),
        (finance.recovery.status, finance.recovery.recovered_amount),
        sorted(finance.project.expense_claims.values_list("pk", "status", "controller_id")),
        (claim.status, claim.sample_note, claim.outcome_note, claim.counter_arguments),
        sorted(claim.items.values_list("pk", "outcome", "admitted_amount", "counter_argument")),
        sorted(claim.checklist.values_list("code", "satisfied")),
        list(finance.item.attachments.values_list("pk", flat=True)),
        finance.project.call.payment_plan.pk if hasattr(finance.project.call, "payment_plan") else None,
    )


def _finance_case(args: Callable[[World], dict], method: str = "get", body=None, multipart=False) -> Case:
    return Case(
        args=args,
        method=method,
        body=body,
        multipart=multipart,
        secrets=_finance_secrets,
        unchanged=_finance_state if method != "get" else None,
    )


def _finance_id(key: str, attribute: str) -> Callable[[World], dict]:
    return lambda w: {key: getattr(_finance_of_a(w), attribute).pk}


def _finance_call_id(w: World) -> dict:
    return {"call_id": _finance_of_a(w).project.call_id}


def _finance_project_post(body: Callable[[World], dict]) -> Case:
    return _finance_case(_finance_id("pk", "project"), "post", body)


def _finance_claim_post(body: Callable[[World], dict]) -> Case:
    return _finance_case(_finance_id("pk", "claim"), "post", body)


def _finance_payment(w: World) -> dict:
    return {"payment_id": _finance_of_a(w).payment.pk}


def _finance_item(w: World) -> dict:
    return {"item_id": _finance_of_a(w).item.pk}


FINANCE_PAGE_CASES: dict[str, Case] = {
    "finance:project_finance": _finance_case(_finance_id("pk", "project")),
    "finance:project_report": _finance_case(lambda w: {"pk": _finance_of_a(w).project.pk, "fmt": "xlsx"}),
    "finance:claim_detail": _finance_case(_finance_id("pk", "claim")),
    "finance:attachment_download": _finance_case(_finance_id("pk", "attachment")),
    # one URL per action on A's project
    "finance:payment_propose": _finance_project_post(lambda w: {"kind": "interim", "amount": "1"}),
    "finance:payment_approve": _finance_project_post(_finance_payment),
    "finance:payment_reject": _finance_project_post(lambda w: {**_finance_payment(w), "reason": "B"}),
    "finance:payment_paid": _finance_project_post(lambda w: {**_finance_payment(w), "reference": "B"}),
    "finance:guarantee_add": _finance_project_post(
        lambda w: {
            "issuer": "Banca B",
            "number": "B-1",
            "guarantee_amount": "1000",
            "issued_on": "2026-01-01",
            "expires_on": "2030-01-01",
        }
    ),
    "finance:loan_add": _finance_project_post(
        lambda w: {
            "principal": "1000",
            "annual_rate_percent": "1",
            "term_months": "12",
            "pre_amortisation_months": "0",
            "frequency_months": "6",
            "first_due_date": "2030-01-01",
        }
    ),
    "finance:loan_repay": _finance_project_post(
        lambda w: {"repaid_on": "2026-01-01", "repayment_amount": "1", "repayment_reference": "B"}
    ),
    "finance:recovery_record": _finance_project_post(
        lambda w: {"recovery_id": _finance_of_a(w).recovery.pk, "recovered_amount": "1"}
    ),
    "finance:claim_create": _finance_project_post(lambda w: {}),
    # one URL per action on A's claim
    "finance:claim_submit": _finance_claim_post(lambda w: {}),
    "finance:item_add": _finance_claim_post(
        lambda w: {"partner_id": 0, "category_id": 0, "description": "Spesa di B"}
    ),
    "finance:item_remove": _finance_claim_post(_finance_item),
    "finance:item_attach": _finance_claim_post(_finance_item),
    "finance:item_check": _finance_claim_post(
        lambda w: {**_finance_item(w), "outcome": "not_admitted", "reason": "B"}
    ),
    "finance:claim_counter": _finance_claim_post(lambda w: {"counter_text": "B"}),
    "finance:claim_assign": _finance_claim_post(lambda w: {"controller_id": w.user_b.pk}),
    "finance:claim_checklist": _finance_claim_post(lambda w: {"sample_note": "B"}),
    "finance:claim_close": _finance_claim_post(lambda w: {"outcome_note": "B"}),
    "finance:claim_finalise": _finance_claim_post(lambda w: {"final_note": "B"}),
}

_TODAY_BODY = {"paid_on": "2026-01-01", "reference": "B", "amount": "1"}
FINANCE_API_CASES: dict[str, Case] = {
    "grants_api_finance_get_payment_plan": _finance_case(_finance_call_id),
    "grants_api_finance_put_payment_plan": _finance_case(
        _finance_call_id,
        "put",
        lambda w: {
            "advance_percent": "90",
            "guarantee_required": False,
            "interim_thresholds": [],
            "retention_percent": "0",
        },
    ),
    "grants_api_finance_get_project_finance": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_get_project_report": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_propose_payment": _finance_case(
        _finance_id("project_id", "project"), "post", lambda w: {"kind": "interim", "amount": "1"}
    ),
    "grants_api_finance_record_guarantee": _finance_case(
        _finance_id("project_id", "project"),
        "post",
        lambda w: {
            "issuer": "B",
            "number": "B-1",
            "amount": "1",
            "issued_on": "2026-01-01",
            "expires_on": "2027-01-01",
        },
    ),
    "grants_api_finance_get_loan": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_record_loan": _finance_case(
        _finance_id("project_id", "project"),
        "post",
        lambda w: {
            "principal": "1",
            "annual_rate_percent": "1",
            "term_months": 12,
            "first_due_date": "2027-01-01",
        },
    ),
    "grants_api_finance_list_claims": _finance_case(_finance_id("project_id", "project")),
    "grants_api_finance_create_claim": _finance_case(
        _finance_id("project_id", "project"), "post", lambda w: {}
    ),
    "grants_api_finance_approve_payment": _finance_case(_finance_id("payment_id", "payment"), "post"),
    "grants_api_finance_reject_payment": _finance_case(
        _finance_id("payment_id", "payment"), "post", lambda w: {"reason": "B"}
    ),
    "grants_api_finance_mark_payment_paid": _finance_case(
        _finance_id("payment_id", "payment"), "post", lambda w: _TODAY_BODY
    ),
    "grants_api_finance_record_recovered": _finance_case(
        _finance_id("recovery_id", "recovery"), "post", lambda w: {"amount": "1"}
    ),
    "grants_api_finance_record_repayment": _finance_case(
        _finance_id("loan_id", "loan"), "post", lambda w: _TODAY_BODY
    ),
    "grants_api_finance_get_claim": _finance_case(_finance_id("claim_id", "claim")),
    "grants_api_finance_add_claim_item": _finance_case(
        _finance_id("claim_id", "claim"),
        "post",
        lambda w: {"partner_id": 0, "category_id": 0, "description": "B", "document_type": "invoice"},
    ),
    "grants_api_finance_submit_claim": _finance_case(_finance_id("claim_id", "claim"), "post"),
    "grants_api_finance_assign_claim": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"controller_id": w.user_b.pk}
    ),
    "grants_api_finance_save_claim_checklist": _finance_case(
        _finance_id("claim_id", "claim"), "put", lambda w: {"answers": [], "sample_note": "B"}
    ),
    "grants_api_finance_close_claim_check": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"outcome_note": "B"}
    ),
    "grants_api_finance_submit_counter_arguments": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"text": "B"}
    ),
    "grants_api_finance_finalise_claim": _finance_case(
        _finance_id("claim_id", "claim"), "post", lambda w: {"final_note": "B"}
    ),
    "grants_api_finance_remove_claim_item": _finance_case(_finance_id("item_id", "item"), "delete"),
    "grants_api_finance_attach_to_item": _finance_case(
        _finance_id("item_id", "item"),
        "post",
        lambda w: {"file": SimpleUploadedFile("fattura.pdf", PDF, content_type="application/pdf")},
        multipart=True,
    ),
    "grants_api_finance_check_claim_item": _finance_case(
        _finance_id("item_id", "item"), "post", lambda w: {"outcome": "not_admitted", "reason": "B"}
    ),
}


# --- monitoring of A's project: participants, an import, a monitoring report; B never reads or writes them --
MONITORING_SECRET = "SAL riservato Alfa"


@dataclass
class MonitoringOfA:
    project: Any
    participant: Any
    job: Any
    report: Any
    indicator: Any


def _monitoring_of_a(w: World) -> MonitoringOfA:
    def build():
        from django.core.files.uploadedfile import SimpleUploadedFile as Upload

        from grants.monitoring import services as monitoring_services
        from grants.monitoring.models import Indicator
        from grants.monitoring.tests import factories as monitoring_factories

        project = _project_of_a(w)[0]
        participant = monitoring_services.add_participant(
            actor=w.user_a, project=project, data=monitoring_factories.row(901)
        )
        job = monitoring_services.start_import(
            actor=w.user_a,
            project=project,
            upload=Upload(
                "p.csv", b"codice_fiscale;sesso;data_ingresso;condizione_occupazionale;titolo_studio\n"
            ),
        )
        report = monitoring_services.create_report(
            actor=w.user_a,
            project=project,
            period_end=monitoring_factories.today(),
            sal_reference=MONITORING_SECRET,
        )
        from grants.monitoring.catalogue import COMMON_CATALOGUE, load_catalogue

        load_catalogue(COMMON_CATALOGUE)  # gone after any transactional test
        indicator = Indicator.objects.filter(measure__isnull=True).order_by("pk").first()
        return MonitoringOfA(project, participant, job, report, indicator)

    return _cached(w, "monitoring", build)


def _monitoring_secrets(w: World) -> list[str]:
    m = _monitoring_of_a(w)
    return [MONITORING_SECRET, m.participant.reference, w.organisation_a.name]


def _monitoring_state(w: World):
    from grants.monitoring.models import (
        CallIndicatorTarget,
        IndicatorActual,
        Participant,
        ParticipantImport,
        ProjectIndicatorTarget,
    )

    m = _monitoring_of_a(w)
    m.report.refresh_from_db()
    return (
        sorted(
            Participant.objects.filter(project=m.project).values_list("pk", "exit_date", "employed_on_exit")
        ),
        ParticipantImport.objects.filter(project=m.project).count(),
        m.report.status,
        m.project.monitoring_reports.count(),
        IndicatorActual.objects.filter(report=m.report).count(),
        ProjectIndicatorTarget.objects.filter(project=m.project).count(),
        CallIndicatorTarget.objects.count(),
    )


def _monitoring_case(args: Callable[[World], dict], method: str = "get", body=None) -> Case:
    return Case(args=args, method=method, body=body, secrets=_monitoring_secrets, unchanged=_monitoring_state)


def _m(name: str, attribute: str) -> Callable[[World], dict]:
    return lambda w: {name: getattr(_monitoring_of_a(w), attribute).pk}


MONITORING_PAGE_CASES: dict[str, Case] = {
    "monitoring:project": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {"period_end": "2026-01-01"}
    ),
    "monitoring:project_targets": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {f"target-{_monitoring_of_a(w).indicator.pk}": "9"}
    ),
    "monitoring:participants": _monitoring_case(
        _m("pk", "project"), "post", lambda w: {"codice_fiscale": "RSSMRA85T10A562S", "sesso": "M"}
    ),
    "monitoring:participant_import": _monitoring_case(_m("pk", "project"), "post"),
    "monitoring:participant_exit": _monitoring_case(
        lambda w: {
            "pk": _monitoring_of_a(w).project.pk,
            "participant_pk": _monitoring_of_a(w).participant.pk,
        },
        "post",
        lambda w: {"data_uscita": "2026-01-02", "occupato_uscita": "si"},
    ),
    "monitoring:participant_remove": _monitoring_case(
        lambda w: {
            "pk": _monitoring_of_a(w).project.pk,
            "participant_pk": _monitoring_of_a(w).participant.pk,
        },
        "post",
    ),
    "monitoring:import_detail": _monitoring_case(_m("pk", "job")),
    "monitoring:report_detail": _monitoring_case(_m("pk", "report"), "post", lambda w: {"action": "submit"}),
    "monitoring:call_targets": _monitoring_case(
        lambda w: {"code": _monitoring_of_a(w).project.call.code},
        "post",
        lambda w: {f"target-{_monitoring_of_a(w).indicator.pk}": "9"},
    ),
    "monitoring:dashboard_export": _monitoring_case(lambda w: {"fmt": "csv"}),
}

MONITORING_API_CASES: dict[str, Case] = {
    "grants_api_monitoring_project_indicators": _monitoring_case(_m("project_id", "project")),
    "grants_api_monitoring_put_project_target": _monitoring_case(
        lambda w: {
            "project_id": _monitoring_of_a(w).project.pk,
            "indicator_id": _monitoring_of_a(w).indicator.pk,
        },
        "put",
        lambda w: {"target": "9"},
    ),
    "grants_api_monitoring_put_call_target": _monitoring_case(
        lambda w: {
            "call_id": _monitoring_of_a(w).project.call_id,
            "indicator_id": _monitoring_of_a(w).indicator.pk,
        },
        "put",
        lambda w: {"target": "9"},
    ),
    "grants_api_monitoring_list_participants": _monitoring_case(_m("project_id", "project")),
    "grants_api_monitoring_add_participant": _monitoring_case(
        _m("project_id", "project"),
        "post",
        lambda w: {
            "codice_fiscale": "RSSMRA85T10A562S",
            "sesso": "M",
            "data_ingresso": "2026-01-02",
            "condizione_occupazionale": "occupato",
            "titolo_studio": "3",
        },
    ),
    "grants_api_monitoring_participant_exit": _monitoring_case(
        _m("participant_id", "participant"),
        "post",
        lambda w: {"data_uscita": "2026-01-02", "occupato_uscita": True},
    ),
    "grants_api_monitoring_remove_participant": _monitoring_case(
        _m("participant_id", "participant"), "delete"
    ),
    "grants_api_monitoring_start_import": Case(
        args=_m("project_id", "project"),
        method="post",
        multipart=True,
        body=lambda w: {
            "file": SimpleUploadedFile("p.csv", b"codice_fiscale;sesso\n", content_type="text/csv")
        },
        secrets=_monitoring_secrets,
        unchanged=_monitoring_state,
    ),
    "grants_api_monitoring_get_import": _monitoring_case(_m("import_id", "job")),
    "grants_api_monitoring_create_report": _monitoring_case(
        _m("project_id", "project"), "post", lambda w: {"period_end": "2026-01-01"}
    ),
    "grants_api_monitoring_get_report": _monitoring_case(_m("report_id", "report")),
    "grants_api_monitoring_put_report_values": _monitoring_case(
        _m("report_id", "report"), "put", lambda w: {"values": []}
    ),
    "grants_api_monitoring_submit_report": _monitoring_case(_m("report_id", "report"), "post"),
    "grants_api_monitoring_review_report": _monitoring_case(
        _m("report_id", "report"), "post", lambda w: {"approve": True}
    ),
}

# --- transparency: A's knowledge-base sheet (a draft), accompaniment activities (staff-only writes) ---------
SHEET_SECRET = "Bisogno riservato della sperimentazione Alfa"


def _sheet_of_a(w: World):
    """A draft sheet of A's active project: only A's members and reviewing staff may see it."""

    def build():
        from grants.projects.tests.factories import ProjectFactory
        from grants.transparency import services as transparency_services

        project = ProjectFactory(user=w.user_a, organisation=w.organisation_a)
        return transparency_services.save_sheet(
            actor=w.user_a, project=project, data=transparency_services.SheetInput(need=SHEET_SECRET)
        )

    return _cached(w, "sheet", build)


def _sheet_secrets(w: World) -> list[str]:
    return [SHEET_SECRET, w.organisation_a.name]


def _sheet_state(w: World):
    from grants.transparency.models import ExperimentSheet, ReplicationInterest

    sheet = ExperimentSheet.objects.get(pk=_sheet_of_a(w).pk)
    return (
        sheet.status,
        sheet.need,
        sheet.published_at,
        ReplicationInterest.objects.filter(sheet=sheet).count(),
    )


def _activity(w: World, *, published: bool = True):
    def build():
        from datetime import date

        from grants.territory.tests.factories import CohesionDistrictFactory
        from grants.transparency import services as transparency_services

        manager = UserFactory(is_staff=True, is_superuser=True)
        return transparency_services.create_activity(
            actor=manager,
            data=transparency_services.ActivityInput(
                kind="workshop",
                title="Laboratorio pubblico" if published else "Riunione riservata",
                topics="coprogettazione",
                organiser="Regione Piemonte",
                starts_on=date(2026, 3, 2),
                ends_on=date(2026, 3, 2),
                hours="2",
                participants_count=10,
                district=CohesionDistrictFactory(),
                is_published=published,
            ),
        )

    return _cached(w, f"activity-{published}", build)


def _activity_state(w: World):
    activity = _activity(w)
    activity.refresh_from_db()
    return (activity.title, activity.participants_count, activity.materials.count())


def _activity_body(w: World) -> dict:
    return {
        "kind": "coaching",
        "title": "Presa da B",
        "topics": "x",
        "organiser": "B",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-02",
        "hours": "1",
        "participants_count": 1,
        "district": _activity(w).district.code,
    }


def _hidden_material(w: World) -> dict:
    from grants.transparency.models import AccompanimentMaterial

    activity = _activity(w, published=False)
    material = AccompanimentMaterial.objects.create(
        activity=activity,
        title="Verbale riservato",
        file=SimpleUploadedFile("verbale.pdf", PDF),
        original_name="verbale.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=UserFactory(is_staff=True),
    )
    return {"pk": material.pk}


def _project_to_accept_of_a(w: World):
    from grants.projects.states import ProjectStatus
    from grants.projects.tests.factories import ProjectFactory

    return ProjectFactory(user=w.user_a, organisation=w.organisation_a, status=ProjectStatus.TO_ACCEPT)


TRANSPARENCY_PAGE_CASES: dict[str, Case] = {
    "transparency:activity_update": Case(
        args=lambda w: {"pk": _activity(w).pk}, method="post", body=_activity_body, unchanged=_activity_state
    ),
    "transparency:material_upload": Case(
        args=lambda w: {"pk": _activity(w).pk},
        method="post",
        body=lambda w: {
            "title": "Di B",
            "file": SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
        },
        unchanged=_activity_state,
    ),
    "transparency:sheet_edit": Case(
        args=lambda w: {"project_pk": _sheet_of_a(w).project_id},
        method="post",
        body=lambda w: {"need": "Presa da B", "invia": "1"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "transparency:declare_interest": Case(
        args=lambda w: {"pk": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"organisation": w.organisation_b.pk, "message": "B vuole replicare"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "transparency:review_sheet": Case(
        args=lambda w: {"pk": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"decision": "return", "note": "Da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
}
TRANSPARENCY_API_CASES: dict[str, Case] = {
    "grants_api_transparency_update_activity": Case(
        args=lambda w: {"activity_id": _activity(w).pk},
        method="put",
        body=_activity_body,
        unchanged=_activity_state,
    ),
    "grants_api_transparency_save_sheet": Case(
        args=lambda w: {"project_id": _sheet_of_a(w).project_id},
        method="put",
        body=lambda w: {"need": "Presa da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_submit_sheet": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_review_sheet": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"decision": "return", "note": "Da B"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
    "grants_api_transparency_declare_interest": Case(
        args=lambda w: {"sheet_id": _sheet_of_a(w).pk},
        method="post",
        body=lambda w: {"organisation_id": w.organisation_b.pk, "message": "B vuole replicare"},
        secrets=_sheet_secrets,
        unchanged=_sheet_state,
    ),
}
TRANSPARENCY_PUBLIC_PAGES = {
    "transparency:project_detail": lambda: Public(
        "I progetti finanziati (contributo accettato) sono pubblici; uno da accettare no.",
        lambda w: {"pk": _project_to_accept_of_a(w).pk},
    ),
    "transparency:opendata_metadata": lambda: Public(
        "Metadati DCAT-AP_IT dei dataset aperti; un dataset inesistente è 404.", lambda w: {"slug": "segreti"}
    ),
    "transparency:opendata_download": lambda: Public(
        "Dataset aperti (CC BY 4.0) dei soli progetti pubblici; un dataset inesistente è 404.",
        lambda w: {"slug": "segreti", "extension": "csv"},
    ),
    "transparency:activity_detail": lambda: Public(
        "Le attività di accompagnamento pubblicate sono pubbliche; una non pubblicata no.",
        lambda w: {"pk": _activity(w, published=False).pk},
    ),
    "transparency:material_download": lambda: Public(
        "I materiali delle attività pubblicate sono pubblici; quelli delle altre no.", _hidden_material
    ),
    "transparency:knowledge_detail": lambda: Public(
        "Le schede pubblicate della banca delle conoscenze sono pubbliche; una bozza no.",
        lambda w: {"pk": _sheet_of_a(w).pk},
    ),
}
TRANSPARENCY_PUBLIC_API = {
    "grants_api_transparency_get_public_project": lambda: Public(
        "Progetti finanziati: dati pubblici; uno da accettare no.",
        lambda w: {"project_id": _project_to_accept_of_a(w).pk},
    ),
    "grants_api_transparency_get_activity": lambda: Public(
        "Attività di accompagnamento pubblicate; una non pubblicata no.",
        lambda w: {"activity_id": _activity(w, published=False).pk},
    ),
    "grants_api_transparency_get_experience": lambda: Public(
        "Schede pubblicate della banca delle conoscenze; una bozza no.",
        lambda w: {"sheet_id": _sheet_of_a(w).pk},
    ),
}


# --- officers on A's submitted applications: export, one document, the zip of the documents ------------
# Staff-only (grants/applications/permissions.py: can_view_call_applications); B, an applicant, gets 403.
DOCUMENT_SECRET = b"Relazione riservata della Cooperativa Alfa"


def _document_of_a(w: World) -> dict:
    """A's application submitted to ``w.call`` with one document, and that document."""

    def build():
        application = ready_application(call=w.call, user=w.user_a, organisation=w.organisation_a)
        required = w.call.required_documents.get(code=w.document_code)
        document = application_services.attach_document(
            actor=w.user_a,
            application=application,
            required_document=required,
            uploaded_file=SimpleUploadedFile(
                "relazione.pdf", PDF + b"% " + DOCUMENT_SECRET, content_type="application/pdf"
            ),
        )
        application_services.submit(
            actor=w.user_a,
            application=application,
            idempotency_key="idor-document",
            declarations_accepted=True,
        )
        return application, document

    application, document = _cached(w, "document_of_a", build)
    return {"code": w.call.code, "pk": application.pk, "document_pk": document.pk}


def _own_document_args(w: World) -> dict:
    """A's document as its applicant reaches it: under the application, not under the call."""
    found = _document_of_a(w)
    return {"pk": found["pk"], "document_pk": found["document_pk"]}


def _document_secrets(w: World) -> list[str]:
    _document_of_a(w)
    return [w.organisation_a.name, w.organisation_a.fiscal_code, DOCUMENT_SECRET.decode()]


def _archive_of_a(w: World):
    """A finished zip of ``w.call``'s documents (A's among them), made for an officer; and a failed one."""
    from grants.applications.bulk_download import build_document_archive
    from grants.applications.models import DocumentArchive, DocumentArchiveStatus

    def build():
        _document_of_a(w)
        done = DocumentArchive.objects.create(call=w.call, requested_by=_officer(w))
        build_document_archive(done.pk)
        failed = DocumentArchive.objects.create(
            call=w.call,
            requested_by=_officer(w),
            status=DocumentArchiveStatus.FAILED,
            error=f"Il file della domanda di {w.organisation_a.name} non si legge.",
        )
        return done, failed

    return _cached(w, "archive_of_a", build)


def _archive_state(w: World):
    from grants.applications.models import DocumentArchive

    return sorted(DocumentArchive.objects.values_list("pk", "status", "done", "error"))


def _archive_args(key: str, *, api: bool) -> Callable[[World], dict]:
    def args(w: World) -> dict:
        done, failed = _archive_of_a(w)
        archive = failed if key == "failed" else done
        return {"code": w.call.code, ("archive_id" if api else "pk"): archive.pk}

    return args


def _officer_call_args(w: World) -> dict:
    _document_of_a(w)
    return {"code": w.call.code}


def _api_document_args(w: World) -> dict:
    found = _document_of_a(w)
    return {"code": found["code"], "application_id": found["pk"], "document_id": found["document_pk"]}


OFFICER_PAGE_CASES: dict[str, Case] = {
    "applications:officer_application_export": Case(args=_officer_call_args, secrets=_document_secrets),
    "applications:officer_document_download": Case(args=_document_of_a, secrets=_document_secrets),
    "applications:officer_archive_start": Case(
        args=_officer_call_args, method="post", secrets=_document_secrets, unchanged=_archive_state
    ),
    "applications:officer_archive_status": Case(
        args=_archive_args("failed", api=False), secrets=_document_secrets
    ),
    "applications:officer_archive_retry": Case(
        args=_archive_args("failed", api=False),
        method="post",
        secrets=_document_secrets,
        unchanged=_archive_state,
    ),
    "applications:officer_archive_download": Case(
        args=_archive_args("done", api=False), secrets=_document_secrets
    ),
}
OFFICER_API_CASES: dict[str, Case] = {
    "grants_api_applications_export_call_applications": Case(
        args=_officer_call_args, secrets=_document_secrets
    ),
    "grants_api_applications_download_application_document": Case(
        args=_api_document_args, secrets=_document_secrets
    ),
    "grants_api_applications_start_document_archive": Case(
        args=_officer_call_args, method="post", secrets=_document_secrets, unchanged=_archive_state
    ),
    "grants_api_applications_get_document_archive": Case(
        args=_archive_args("failed", api=True), secrets=_document_secrets
    ),
    "grants_api_applications_retry_document_archive": Case(
        args=_archive_args("failed", api=True),
        method="post",
        secrets=_document_secrets,
        unchanged=_archive_state,
    ),
    "grants_api_applications_download_document_archive": Case(
        args=_archive_args("done", api=True), secrets=_document_secrets
    ),
}


# Pages, by URL name.
PAGE_CASES: dict[str, Case] = {
    "ops:failed_task_rerun": Case(args=_failed_task, method="post", unchanged=_failed_task_state),
    "registry:organisation_detail": Case(args=lambda w: {"pk": w.organisation_a.pk}),
    "registry:organisation_update": Case(args=lambda w: {"pk": w.organisation_a.pk}),
    "registry:membership_revoke": Case(
        args=lambda w: {"pk": w.organisation_a.pk, "membership_pk": w.membership_a.pk},
        method="post",
        unchanged=_organisation_state,
    ),
    "applications:application_detail": Case(args=lambda w: {"pk": w.draft.pk}, secrets=_application_secrets),
    "applications:application_submit": Case(
        args=lambda w: {"pk": w.draft.pk},
        method="post",
        body=lambda w: {"declarations_accepted": "on", "idempotency_key": "idor-b"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "applications:application_submitted": Case(
        args=lambda w: {"pk": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "applications:application_receipt": Case(
        args=lambda w: {"pk": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "applications:application_document": Case(args=_own_document_args, secrets=_document_secrets),
    "applications:application_withdraw": Case(
        args=lambda w: {"pk": w.submitted.pk},
        method="post",
        secrets=_submitted_secrets,
        unchanged=_submitted_state,
    ),
    "applications:officer_application_list": Case(
        args=lambda w: {"code": w.call.code}, secrets=_application_secrets
    ),
    "applications:officer_application_detail": Case(
        args=lambda w: {"code": w.call.code, "pk": w.draft.pk}, secrets=_application_secrets
    ),
    **OFFICER_PAGE_CASES,
    **EVALUATION_PAGE_CASES,
    **NOTIFICATION_PAGE_CASES,
    **DE_MINIMIS_PAGE_CASES,
    **PROJECT_PAGE_CASES,
    **FINANCE_PAGE_CASES,
    **MONITORING_PAGE_CASES,
    **TRANSPARENCY_PAGE_CASES,
}

# API operations, by operationId.
API_CASES: dict[str, Case] = {
    "grants_api_registry_get_organisation": Case(args=lambda w: {"organisation_id": w.organisation_a.pk}),
    "grants_api_registry_update_organisation": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="patch",
        body=lambda w: {"name": "Presa da B"},
        unchanged=_organisation_state,
    ),
    "grants_api_registry_list_members": Case(args=lambda w: {"organisation_id": w.organisation_a.pk}),
    "grants_api_registry_grant_delegate": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk},
        method="post",
        body=lambda w: {"email": w.user_b.email},
        unchanged=_organisation_state,
    ),
    "grants_api_registry_revoke_membership": Case(
        args=lambda w: {"organisation_id": w.organisation_a.pk, "membership_id": w.membership_a.pk},
        method="delete",
        unchanged=_organisation_state,
    ),
    "grants_api_applications_get_application": Case(
        args=lambda w: {"application_id": w.draft.pk}, secrets=_application_secrets
    ),
    "grants_api_applications_update_application_general": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"title": "Presa da B"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "grants_api_applications_set_application_partners": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"partners": []},
        secrets=_application_secrets,
        unchanged=lambda w: list(w.draft.partners.values_list("pk", flat=True)),
    ),
    "grants_api_applications_set_application_stamp_duty": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"exemption": "third_sector"},
        secrets=_application_secrets,
        unchanged=lambda w: Application.objects.values_list("stamp_duty_exemption").get(pk=w.draft.pk),
    ),
    "grants_api_applications_set_application_budget": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="put",
        body=lambda w: {"lines": []},
        secrets=_application_secrets,
        unchanged=lambda w: list(w.draft.budget_lines.values_list("pk", "amount")),
    ),
    "grants_api_applications_attach_application_document": Case(
        args=lambda w: {"application_id": w.draft.pk, "document_code": w.document_code},
        method="post",
        multipart=True,
        body=lambda w: {"file": SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf")},
        secrets=_application_secrets,
        unchanged=lambda w: w.draft.documents.count(),
    ),
    "grants_api_applications_application_checks": Case(
        args=lambda w: {"application_id": w.draft.pk}, secrets=_application_secrets
    ),
    "grants_api_applications_submit_application": Case(
        args=lambda w: {"application_id": w.draft.pk},
        method="post",
        body=lambda w: {"declarations_accepted": True},
        headers={"Idempotency-Key": "idor-b"},
        secrets=_application_secrets,
        unchanged=_draft_state,
    ),
    "grants_api_applications_download_application_receipt": Case(
        args=lambda w: {"application_id": w.submitted.pk}, secrets=_submitted_secrets
    ),
    "grants_api_applications_download_own_document": Case(
        args=lambda w: {
            "application_id": _own_document_args(w)["pk"],
            "document_id": _own_document_args(w)["document_pk"],
        },
        secrets=_document_secrets,
    ),
    "grants_api_applications_withdraw_application": Case(
        args=lambda w: {"application_id": w.submitted.pk},
        method="post",
        secrets=_submitted_secrets,
        unchanged=_submitted_state,
    ),
    "grants_api_applications_confirm_partnership": Case(
        args=lambda w: {"partner_id": w.partner.pk},
        method="post",
        secrets=_application_secrets,
        unchanged=_partner_state,
    ),
    "grants_api_audit_object_audit_trail": Case(
        args=lambda w: {"app_label": "registry", "model": "organisation", "object_id": w.organisation_a.pk},
    ),
    **OFFICER_API_CASES,
    **EVALUATION_API_CASES,
    **NOTIFICATION_API_CASES,
    **DE_MINIMIS_API_CASES,
    **PROJECT_API_CASES,
    **FINANCE_API_CASES,
    **MONITORING_API_CASES,
    **TRANSPARENCY_API_CASES,
}


@dataclass
class Public:
    """Allowlisted: public by design. ``hidden`` builds a non-public object of the same kind (must be 404)."""

    reason: str
    hidden: Callable[[World], dict] | None = None
    anonymous_redirects_to_login: bool = False


def _draft_call(w: World) -> dict:
    return {"code": CallFactory(status=CallStatus.DRAFT, published_at=None, title="Bando in bozza").code}


PUBLIC_PAGES: dict[str, Public] = {
    "transparency:measure": Public("Le misure del programma sono pubblicate per tutti (trasparenza)."),
    "transparency:call_detail": Public(
        "I bandi pubblicati sono pubblici; un bando in bozza no.", _draft_call
    ),
    "transparency:ranking": Public(
        "Le graduatorie approvate sono pubbliche; un bando in bozza non ne ha.", _draft_call
    ),
    "transparency:ranking_csv": Public(
        "Il CSV delle graduatorie approvate è pubblico; un bando in bozza non ne ha.", _draft_call
    ),
    "transparency:ranking_pdf": Public(
        "Il PDF delle graduatorie approvate è pubblico; un bando in bozza non ne ha.", _draft_call
    ),
    "applications:participate": Public(
        "Ogni organizzazione può partecipare a un bando pubblicato; la pagina elenca solo le proprie.",
        _draft_call,
        anonymous_redirects_to_login=True,
    ),
    **{name: make() for name, make in TRANSPARENCY_PUBLIC_PAGES.items()},
}
PUBLIC_API: dict[str, Public] = {
    "grants_api_programme_get_programme": Public("Programmi: dati pubblici di riferimento."),
    "grants_api_programme_get_measure": Public("Misure: dati pubblici di riferimento."),
    "grants_api_programme_get_call": Public(
        "I bandi pubblicati sono pubblici; un bando in bozza no.", _draft_call
    ),
    "grants_api_territory_get_municipality": Public("Comuni ISTAT: dati pubblici di riferimento."),
    "grants_api_territory_get_district": Public("Distretti della Coesione Sociale: dati pubblici."),
    "grants_api_transparency_get_ranking_pdf": Public(
        "Il PDF delle graduatorie approvate è pubblico, come la pagina e il CSV; un bando in bozza no.",
        _draft_call,
    ),
    **{name: make() for name, make in TRANSPARENCY_PUBLIC_API.items()},
}


# --- discovery -------------------------------------------------------------------------------------------
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_PARAMETER = re.compile(r"\(\?P<(?P<name>\w+)>")


@dataclass(frozen=True)
class Pattern:
    name: str
    route: str
    parameters: tuple[str, ...]
    namespace: str


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            route = prefix + str(pattern.pattern)
            names = [m["name"] for m in _ROUTE_PARAMETER.finditer(route)]
            names += [m["name"] for m in _REGEX_PARAMETER.finditer(route)]
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or route)
            yield Pattern(name=name, route=route, parameters=tuple(names), namespace=namespace)


def id_taking_pages() -> list[Pattern]:
    return [
        p
        for p in _walk(get_resolver(URLCONF).url_patterns)
        if p.parameters and p.namespace.split(":")[0] not in API_NAMESPACES
    ]


def _schemas(client) -> list[dict]:
    urls = ["/api/v1/openapi.json", *(f"/api/v1{a.openapi_url}" for a in security_urls.EXTRA_APIS)]
    schemas = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        schemas.append(response.json())
    return schemas


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    parameters: tuple[str, ...]


def id_taking_operations(schemas) -> list[Operation]:
    found = []
    for schema in schemas:
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                names = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
                if names:
                    found.append(Operation(operation["operationId"], method, path, names))
    return found


def _page_classification(pattern: Pattern) -> str:
    if pattern.name in PAGE_CASES:
        return "mapped"
    if pattern.name in PUBLIC_PAGES:
        return "public"
    if set(pattern.parameters) <= TOKEN_PARAMETERS:
        return "token"
    if pattern.namespace == ADMIN_NAMESPACE:
        return "admin"
    return "unknown"


def test_every_id_taking_endpoint_is_covered(client):
    pages = id_taking_pages()
    operations = id_taking_operations(_schemas(client))

    unknown_pages = [f"{p.name} ({p.route})" for p in pages if _page_classification(p) == "unknown"]
    unknown_operations = [
        f"{o.operation_id} ({o.method.upper()} {o.path})"
        for o in operations
        if o.operation_id not in API_CASES and o.operation_id not in PUBLIC_API
    ]

    assert not unknown_pages, (
        f"pages with an object id and no IDOR builder or allowlist entry: {unknown_pages}"
    )
    assert not unknown_operations, (
        f"API operations with no IDOR builder or allowlist entry: {unknown_operations}"
    )
    # The walk really found the endpoints (a broken discovery would make every other test vacuous).
    assert {"registry:organisation_detail", "transparency:call_detail"} <= {p.name for p in pages}
    assert "grants_api_registry_get_organisation" in {o.operation_id for o in operations}


def test_the_coverage_check_fails_for_an_unmapped_endpoint():
    stray = Pattern(
        name="registry:secret_report",
        route="organizzazioni/<int:pk>/report/",
        parameters=("pk",),
        namespace="registry",
    )
    assert _page_classification(stray) == "unknown"


# --- requests ---------------------------------------------------------------------------------------------
def _send(client, method: str, url: str, case: Case, world: World, *, api: bool):
    body = case.body(world) if case.body else None
    headers = dict(case.headers)
    if api and not case.multipart:
        return getattr(client, method)(
            url,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers=headers,
        )
    return getattr(client, method)(url, data=body or {}, headers=headers)


def _assert_no_leak(response, secrets: list[str]) -> None:
    content = response.content.decode("utf-8", errors="replace")
    for secret in secrets:
        assert secret not in content, f"{secret!r} leaked in a {response.status_code} answer"


def _pages_discovered() -> set[str]:
    return {p.name for p in id_taking_pages()}


def _page_params(kind: str):
    discovered = _pages_discovered()
    table = PAGE_CASES if kind == "mapped" else PUBLIC_PAGES
    return [pytest.param(name, id=name) for name in table if name in discovered]


def _api_path(schemas, operation_id: str) -> tuple[str, str] | None:
    for operation in id_taking_operations(schemas):
        if operation.operation_id == operation_id:
            return operation.method, operation.path
    return None


@functools.cache
def _schemas_offline() -> list[dict]:
    from grants.api.urls import api

    with override_settings(ROOT_URLCONF=URLCONF):
        return [api.get_openapi_schema(), *(a.get_openapi_schema() for a in security_urls.EXTRA_APIS)]


def _api_params(table):
    discovered = {o.operation_id for o in id_taking_operations(_schemas_offline())}
    return [pytest.param(name, id=name) for name in table if name in discovered]


def _fill(path: str, args: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(args[m.group(1)]), path)


@pytest.mark.parametrize("name", _page_params("mapped"))
def test_another_organisation_cannot_reach_a_page_of_a(client, world, name):
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(world.user_b)
    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code in (403, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


@pytest.mark.parametrize("name", _page_params("mapped"))
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name):
    case = PAGE_CASES[name]
    url = reverse(name, kwargs=case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    response = _send(client, case.method, url, case, world, api=False)

    assert response.status_code == 302, f"{name}: {response.status_code}"
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if case.unchanged:
        assert case.unchanged(world) == before


@pytest.mark.parametrize("name", _page_params("public"))
def test_public_pages_hide_what_is_not_published(client, world, name):
    public = PUBLIC_PAGES[name]
    assert public.reason
    if public.anonymous_redirects_to_login:
        url = reverse(name, kwargs={"code": world.call.code})
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if public.hidden is None:
        return
    url = reverse(name, kwargs=public.hidden(world))
    client.force_login(world.user_b)
    assert client.get(url).status_code == 404
    if not public.anonymous_redirects_to_login:
        client.logout()
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", _api_params(API_CASES))
def test_another_organisation_cannot_reach_an_api_object_of_a(client, world, name):
    case = API_CASES[name]
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    client.force_login(world.user_b)
    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (403, 404), f"{name}: {response.status_code} {response.content[:300]!r}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before, f"{name} changed A's data"


@pytest.mark.parametrize("name", _api_params(API_CASES))
def test_anonymous_api_clients_are_refused(client, world, name):
    case = API_CASES[name]
    method, path = _api_path(_schemas_offline(), name)
    url = _fill(path, case.args(world))
    before = case.unchanged(world) if case.unchanged else None

    response = _send(client, method, url, case, world, api=True)

    assert response.status_code in (401, 404), f"{name}: {response.status_code}"
    _assert_no_leak(response, case.secrets(world))
    if case.unchanged:
        assert case.unchanged(world) == before


@pytest.mark.parametrize("name", _api_params(PUBLIC_API))
def test_public_api_hides_what_is_not_published(client, world, name):
    public = PUBLIC_API[name]
    assert public.reason
    if public.hidden is None:
        return
    _, path = _api_path(_schemas_offline(), name)
    url = _fill(path, public.hidden(world))
    assert client.get(url).status_code == 404
    client.force_login(world.user_b)
    assert client.get(url).status_code == 404


def test_the_back_office_turns_away_everyone_but_staff(client, world):
    admin_patterns = [p for p in id_taking_pages() if _page_classification(p) == "admin"]
    assert admin_patterns, "the admin's object URLs were not discovered"
    admin_login = reverse("admin:login")
    client.force_login(world.user_b)
    for pattern in admin_patterns:
        kwargs = {name: ("registry" if name == "app_label" else "1") for name in pattern.parameters}
        if "content_type_id" in kwargs:
            continue  # admin:view_on_site redirects to the object's public URL by design (no data shown)
        if "<" in pattern.name:  # unnamed (the admin's redirect from <object_id>/ to its change page)
            url = "/" + _ROUTE_PARAMETER.sub(lambda m, values=kwargs: values[m["name"]], pattern.route)
        else:
            url = reverse(pattern.name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith(admin_login), pattern.name


def test_staff_with_the_audit_permission_read_the_trail_of_a(client, world):
    officer = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(officer)
    response = client.get(f"/api/v1/audit/applications/application/{world.draft.pk}")

    assert response.status_code == 200
    items = response.json()["items"]
    assert {"application.created", "application.updated"} <= {item["action"] for item in items}
    assert all(item["object_id"] == str(world.draft.pk) for item in items)
    assert client.get("/api/v1/audit/registry/nosuchmodel/1").status_code == 404

    staff_without_permission = UserFactory(is_staff=True)
    client.force_login(staff_without_permission)
    assert client.get(f"/api/v1/audit/registry/organisation/{world.organisation_a.pk}").status_code == 403

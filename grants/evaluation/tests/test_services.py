"""Services of the evaluation: each rule with a refused and an accepted case."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from grants.applications.states import ApplicationStatus
from grants.core.models import AuditEvent
from grants.core.timeutils import in_rome, now
from grants.evaluation import selectors, services
from grants.evaluation.models import (
    AdmissibilityOutcome,
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    EntryOutcome,
    IntegrationStatus,
    Notice,
    RankingStatus,
    ScoreMethod,
)
from grants.evaluation.services import ChecklistAnswer, ChecklistItemInput, EvaluationError, WrongState
from grants.programme.models import CallStatus

from .factories import (
    DETERMINATION,
    FULL_MARKS,
    admissible,
    close,
    evaluate,
    evaluated_call,
    evaluator,
    justified,
    manager,
    officer,
    panel_with,
    scored_call,
    submitted,
    without_pec,
)

pytestmark = pytest.mark.django_db

GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}  # 70
LOW_A = {"A1": "2", "A2": "5", "B1": "30", "B2": "35", "E1": "0"}  # A = 7 < 12
LOW_TOTAL = {"A1": "6", "A2": "6", "B1": "20", "B2": "20", "E1": "5"}  # 52 + 5 bonus; min total 60


# --- admissibility ------------------------------------------------------------------------------------------
def test_checklist_is_configured_per_call_and_answered_items_stay():
    call = scored_call()
    actor = officer()
    items = services.save_checklist(
        actor=actor,
        call=call,
        items=[ChecklistItemInput("firma", "Firma digitale valida"), ChecklistItemInput("pec", "PEC")],
    )
    assert [i.code for i in selectors.checklist(call)] == ["firma", "pec"]
    application = submitted(call=call)
    services.record_admissibility(
        actor=actor, application=application, answers={items[0].pk: ChecklistAnswer(True)}
    )
    with pytest.raises(EvaluationError) as caught:
        services.save_checklist(actor=actor, call=call, items=[ChecklistItemInput("pec", "PEC")])
    assert caught.value.errors[0]["code"] == "in_use"
    services.save_checklist(actor=actor, call=call, items=[ChecklistItemInput("firma", "Firma")])
    assert [i.code for i in selectors.checklist(call)] == ["firma"]


def test_only_officers_check_admissibility():
    application = submitted(call=scored_call())
    with pytest.raises(PermissionDenied):
        services.record_admissibility(
            actor=evaluator(), application=application, answers={}, outcome="admissible"
        )


def test_admissible_needs_every_item_verified():
    call = scored_call()
    actor = officer()
    [item] = services.save_checklist(actor=actor, call=call, items=[ChecklistItemInput("firma", "Firma")])
    application = submitted(call=call)
    with pytest.raises(EvaluationError) as caught:
        services.record_admissibility(
            actor=actor,
            application=application,
            answers={item.pk: ChecklistAnswer(False)},
            outcome="admissible",
        )
    assert caught.value.errors[0]["code"] == "item_not_verified"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    review = services.record_admissibility(
        actor=actor,
        application=application,
        answers={item.pk: ChecklistAnswer(True, "ok")},
        outcome="admissible",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMISSIBLE
    assert review.outcome == AdmissibilityOutcome.ADMISSIBLE and review.decided_by == actor
    assert Notice.objects.filter(application=application, subject__contains="ammissibile").exists()
    assert AuditEvent.objects.filter(action="admissibility.decided", object_id=str(review.pk)).exists()


def test_not_admissible_needs_reasons_which_reach_the_applicant():
    application = submitted(call=scored_call())
    actor = officer()
    with pytest.raises(EvaluationError):
        services.record_admissibility(
            actor=actor, application=application, answers={}, outcome="not_admissible"
        )
    services.record_admissibility(
        actor=actor,
        application=application,
        answers={},
        outcome="not_admissible",
        reasons="Domanda firmata da persona non legittimata.",
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    notice = Notice.objects.get(application=application)
    assert "non legittimata" in notice.body
    assert selectors.notices_for_user(application.created_by).get() == notice


def test_admissible_despite_automatic_violations_requires_a_reason():
    call = scored_call()
    application = submitted(call=call)
    call.max_grant = Decimal("20000.00")  # the rules changed after submission: the check now complains
    call.save()
    application = type(application).objects.get(pk=application.pk)
    actor = officer()
    assert selectors.automatic_checks(application)
    with pytest.raises(EvaluationError) as caught:
        services.record_admissibility(actor=actor, application=application, answers={}, outcome="admissible")
    assert caught.value.errors[-1]["code"] == "reasons_required"
    review = services.record_admissibility(
        actor=actor,
        application=application,
        answers={},
        outcome="admissible",
        reasons="Massimale rettificato.",
    )
    assert review.automatic_violations


def test_admissibility_only_on_submitted_applications():
    application = admissible(submitted(call=scored_call()))
    with pytest.raises(WrongState):
        services.record_admissibility(
            actor=officer(), application=application, answers={}, outcome="admissible"
        )


# --- integration requests -----------------------------------------------------------------------------------
def test_integration_request_defaults_to_ten_days_and_waits_for_the_applicant():
    application = without_pec(submitted(call=scored_call()))
    moment = now()
    with pytest.raises(EvaluationError):
        services.request_integration(actor=officer(), application=application, items=["  "], moment=moment)
    request = services.request_integration(
        actor=officer(), application=application, items=["Copia del documento d'identità"], moment=moment
    )
    assert request.deadline is None  # no PEC: the term waits for the applicant's first reading
    request = services.record_reading(actor=application.created_by, target=request, moment=moment)
    # the end of the tenth day from the reading, in Rome: never the clock time of the request
    expected = in_rome(moment).date() + timedelta(days=10)
    assert in_rome(request.deadline).date() == expected
    assert in_rome(request.deadline).time() == time(23, 59, 59)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.INTEGRATION_REQUESTED
    with pytest.raises(WrongState):  # the formal check waits for the answer
        services.record_admissibility(
            actor=officer(), application=application, answers={}, outcome="admissible"
        )


def test_the_applicant_answers_exactly_the_requested_items():
    application = submitted(call=scored_call())
    request = services.request_integration(
        actor=officer(), application=application, items=["Documento", "Visura"]
    )
    first, second = request.items.all()
    user = application.created_by
    with pytest.raises(PermissionDenied):
        services.answer_integration(
            actor=evaluator(), request=request, responses={first.pk: "x", second.pk: "y"}
        )
    with pytest.raises(EvaluationError) as caught:
        services.answer_integration(actor=user, request=request, responses={first.pk: "allegato"})
    assert caught.value.errors[0]["code"] == "response_required"
    with pytest.raises(EvaluationError) as caught:
        services.answer_integration(
            actor=user, request=request, responses={first.pk: "a", second.pk: "b", 999999: "altro"}
        )
    assert caught.value.errors[0]["code"] == "unknown_item"
    services.answer_integration(actor=user, request=request, responses={first.pk: "a", second.pk: "b"})
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.status == IntegrationStatus.ANSWERED
    assert application.status == ApplicationStatus.SUBMITTED
    assert [i.response for i in request.items.all()] == ["a", "b"]


def test_no_answer_after_the_deadline():
    application = without_pec(submitted(call=scored_call()))
    request = services.request_integration(actor=officer(), application=application, items=["Documento"])
    request = services.record_reading(actor=application.created_by, target=request)
    [item] = request.items.all()
    with pytest.raises(WrongState) as caught:
        services.answer_integration(
            actor=application.created_by,
            request=request,
            responses={item.pk: "tardi"},
            moment=request.deadline + timedelta(seconds=1),
        )
    assert caught.value.code == "deadline_passed"


def test_expired_requests_make_the_application_not_admissible_once():
    application = without_pec(submitted(call=scored_call()))
    other = without_pec(submitted(call=application.call))
    request = services.request_integration(actor=officer(), application=application, items=["Documento"])
    request = services.record_reading(actor=application.created_by, target=request)
    services.record_reading(
        actor=other.created_by,
        target=services.request_integration(
            actor=officer(), application=other, items=["Documento"], deadline=now() + timedelta(days=30)
        ),
    )
    assert services.expire_integration_requests(request.deadline - timedelta(seconds=1)) == []
    expired = services.expire_integration_requests(request.deadline + timedelta(seconds=1))
    assert [a.pk for a in expired] == [application.pk]
    application.refresh_from_db()
    other.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE
    assert other.status == ApplicationStatus.INTEGRATION_REQUESTED
    review = selectors.review_of(application)
    assert review.outcome == AdmissibilityOutcome.NOT_ADMISSIBLE and review.decided_by is None
    assert "Integrazione non pervenuta" in Notice.objects.filter(application=application).first().body
    assert services.expire_integration_requests(request.deadline + timedelta(days=1)) == []


def test_expire_command(capsys):
    application = submitted(call=scored_call())
    services.request_integration(
        actor=officer(), application=application, items=["Documento"], deadline=now() + timedelta(seconds=1)
    )
    from grants.evaluation.models import IntegrationRequest

    IntegrationRequest.objects.filter(application=application).update(deadline=now() - timedelta(minutes=1))
    call_command("expire_integration_requests")
    assert "Richieste scadute: 1" in capsys.readouterr().out
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ADMISSIBLE


# --- panel, assignments, conflicts --------------------------------------------------------------------------
def test_panel_has_one_president():
    call = scored_call()
    panel, (_first, second) = panel_with(call, members=2)
    services.add_panel_member(actor=officer(), panel=panel, user=second, is_president=True)
    presidents = [m.user for m in selectors.panel_members(panel) if m.is_president]
    assert presidents == [second]


@pytest.mark.parametrize(
    ("evaluators", "threshold", "fields"),
    [
        (0, "10", {"evaluators_per_application"}),
        (services.MAX_EVALUATORS_PER_APPLICATION + 1, "10", {"evaluators_per_application"}),
        (2, "-1", {"disagreement_threshold"}),
        (2, "10.005", {"disagreement_threshold"}),
        (2, "1e30", {"disagreement_threshold"}),
        (-3, "dieci", {"evaluators_per_application", "disagreement_threshold"}),
    ],
)
def test_a_panel_out_of_range_is_refused_with_its_fields(evaluators, threshold, fields):
    call = scored_call()
    with pytest.raises(EvaluationError) as refused:
        services.set_panel(
            actor=officer(),
            call=call,
            evaluators_per_application=evaluators,
            disagreement_threshold=threshold,
        )
    assert {error["field"] for error in refused.value.errors} == fields
    assert selectors.panel_of(call) is None
    panel = services.set_panel(
        actor=officer(), call=call, evaluators_per_application=1, disagreement_threshold="7.5"
    )
    assert (panel.evaluators_per_application, panel.disagreement_threshold) == (1, Decimal("7.50"))


def test_only_staff_join_a_panel_and_only_officers_manage_it():
    call = scored_call()
    panel, _users = panel_with(call, members=1)
    from grants.registry.tests.factories import UserFactory

    with pytest.raises(EvaluationError):
        services.add_panel_member(actor=officer(), panel=panel, user=UserFactory())
    with pytest.raises(PermissionDenied):
        services.add_panel_member(actor=evaluator(), panel=panel, user=evaluator())


def test_auto_assign_balances_least_loaded_first_and_deterministically():
    call = scored_call()
    applications = [submitted(call=call) for _ in range(3)]
    close(call)
    actor = officer()
    for application in applications:
        admissible(application, actor=actor)
    panel, users = panel_with(call, members=3, per_application=2, actor=actor)
    result = services.auto_assign(actor=actor, call=call)
    assert len(result.created) == 6 and not result.short
    loads = {m.user: m.load for m in selectors.panel_members(panel)}
    assert sorted(loads.values()) == [2, 2, 2]
    # Deterministic: arrival order, least loaded, then the order members joined.
    pairs = [(a.application_id, a.member.user) for a in result.created]
    assert pairs == [
        (applications[0].pk, users[0]),
        (applications[0].pk, users[1]),
        (applications[1].pk, users[2]),
        (applications[1].pk, users[0]),
        (applications[2].pk, users[1]),
        (applications[2].pk, users[2]),
    ]
    assert services.auto_assign(actor=actor, call=call).created == []  # nothing left to fill


def test_auto_assign_reports_applications_without_enough_members():
    call = scored_call()
    application = submitted(call=call)
    admissible(application)
    panel_with(call, members=1, per_application=2)
    result = services.auto_assign(actor=officer(), call=call)
    assert len(result.created) == 1 and result.short == [application]


def test_manual_assignment_only_for_admissible_applications_and_panel_members():
    call = scored_call()
    application = submitted(call=call)
    panel, _users = panel_with(call, members=1)
    member = panel.members.get()
    with pytest.raises(WrongState):
        services.assign(actor=officer(), application=application, member=member)
    admissible(application)
    other_panel, _ = panel_with(scored_call(), members=1)
    with pytest.raises(EvaluationError):
        services.assign(actor=officer(), application=application, member=other_panel.members.get())
    assignment = services.assign(actor=officer(), application=application, member=member)
    assert assignment.status == AssignmentStatus.TO_DECLARE and not assignment.automatic


def test_declaration_covers_lead_and_every_partner_before_scoring():
    call = scored_call()
    application = admissible(submitted(call=call, partner="Comune di Prova"))
    panel_with(call, members=1)
    services.auto_assign(actor=officer(), call=call)
    assignment = application.assignments.get()
    user = assignment.member.user
    with pytest.raises(WrongState) as caught:
        services.save_scores(actor=user, assignment=assignment, points=GOOD, justifications=justified(GOOD))
    assert caught.value.code == "declaration_required"
    lead, partner = selectors.lead_first(selectors.parties(application))
    with pytest.raises(EvaluationError):
        services.declare_conflicts(actor=user, assignment=assignment, conflicts={lead.pk: False})
    with pytest.raises(PermissionDenied):
        services.declare_conflicts(
            actor=evaluator(), assignment=assignment, conflicts={lead.pk: False, partner.pk: False}
        )
    result = services.declare_conflicts(
        actor=user, assignment=assignment, conflicts={lead.pk: False, partner.pk: False}
    )
    assert not result.conflict and result.assignment.status == AssignmentStatus.ACTIVE
    assert ConflictDeclaration.objects.filter(assignment=assignment).count() == 2


def test_a_declared_conflict_reassigns_to_a_member_without_conflict():
    call = scored_call()
    application = admissible(submitted(call=call, partner="Comune di Prova"))
    _panel, _users = panel_with(call, members=3, per_application=1)
    services.auto_assign(actor=officer(), call=call)
    first = application.assignments.get()
    lead, partner = selectors.lead_first(selectors.parties(application))
    result = services.declare_conflicts(
        actor=first.member.user,
        assignment=first,
        conflicts={lead.pk: False, partner.pk: True},
        notes={partner.pk: "Consigliere comunale"},
    )
    assert result.conflict
    first.refresh_from_db()
    assert first.status == AssignmentStatus.CONFLICT
    assert result.replacement is not None and result.replacement.member.user != first.member.user
    assert selectors.assignments_for_evaluator(first.member.user).count() == 0
    # The declaration is kept, the conflicted member never gets it back.
    assert ConflictDeclaration.objects.get(assignment=first, has_conflict=True).note == "Consigliere comunale"
    second = result.replacement
    second_parties = {p.pk: True for p in selectors.parties(application)}
    third = services.declare_conflicts(actor=second.member.user, assignment=second, conflicts=second_parties)
    assert third.replacement.member.user not in {first.member.user, second.member.user}
    last = services.declare_conflicts(
        actor=third.replacement.member.user, assignment=third.replacement, conflicts=second_parties
    )
    assert last.replacement is None  # nobody left without a conflict: the officer must add a member
    assert Assignment.objects.filter(application=application).count() == 3


# --- scores -------------------------------------------------------------------------------------------------
def _one_assignment(members=1, per_application=1, **call_kwargs):
    call = scored_call(**call_kwargs)
    application = admissible(submitted(call=call))
    panel_with(call, members=members, per_application=per_application)
    services.auto_assign(actor=officer(), call=call)
    return application, list(application.assignments.order_by("pk"))


def _declare(assignment):
    services.declare_conflicts(
        actor=assignment.member.user,
        assignment=assignment,
        conflicts={p.pk: False for p in assignment.application.partners.all()},
    )
    assignment.refresh_from_db()


@pytest.mark.parametrize(
    ("points", "code"),
    [
        ({**GOOD, "A1": "11"}, "score_out_of_range"),
        ({**GOOD, "A1": "-1"}, "score_out_of_range"),
        ({**GOOD, "A1": "1.234"}, "score_out_of_range"),
        ({**GOOD, "A": "20"}, "criterion_invalid"),
        ({k: v for k, v in GOOD.items() if k != "B2"}, "score_missing"),
    ],
)
def test_scores_are_checked(points, code):
    _application, [assignment] = _one_assignment()
    _declare(assignment)
    with pytest.raises(EvaluationError) as caught:
        services.save_scores(
            actor=assignment.member.user,
            assignment=assignment,
            points=points,
            justifications=justified(points),
            submit=True,
        )
    assert code in {e["code"] for e in caught.value.errors}


def test_justification_is_mandatory():
    _application, [assignment] = _one_assignment()
    _declare(assignment)
    with pytest.raises(EvaluationError) as caught:
        services.save_scores(
            actor=assignment.member.user,
            assignment=assignment,
            points=GOOD,
            justifications={**justified(GOOD), "B1": " "},
        )
    assert [e["field"] for e in caught.value.errors] == ["justifications.B1"]


def test_a_draft_may_be_partial_and_submission_consolidates():
    application, [assignment] = _one_assignment()
    _declare(assignment)
    user = assignment.member.user
    partial = {"A1": "8"}
    draft = services.save_scores(
        actor=user, assignment=assignment, points=partial, justifications=justified(partial)
    )
    assert draft.status == "draft" and draft.total == Decimal("8.00")
    evaluation = services.save_scores(
        actor=user,
        assignment=assignment,
        points=FULL_MARKS,
        justifications=justified(FULL_MARKS),
        submit=True,
    )
    assert (evaluation.total, evaluation.bonus) == (Decimal("95.00"), Decimal("5.00"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.EVALUATED
    consolidated = application.consolidated
    assert (consolidated.base_score, consolidated.bonus_score, consolidated.total_score) == (
        Decimal("90.00"),
        Decimal("5.00"),
        Decimal("95.00"),
    )
    assert consolidated.meets_thresholds
    with pytest.raises(WrongState):
        services.save_scores(actor=user, assignment=assignment, points=GOOD, justifications=justified(GOOD))


def test_thresholds_per_criterion_and_overall_bonus_on_top():
    application, [assignment] = _one_assignment()
    evaluate(assignment, LOW_A)
    application.refresh_from_db()
    assert not application.consolidated.meets_thresholds
    assert application.consolidated.threshold_failures == [
        "Criterio A: 7 punti, sotto la soglia minima di 12."
    ]
    other, [second] = _one_assignment()
    evaluate(second, LOW_TOTAL)  # 52 + 5 bonus = 57; the bonus does not count towards the minimum of 60
    other.refresh_from_db()
    assert other.consolidated.total_score == Decimal("57.00")
    assert other.consolidated.threshold_failures == [
        "Punteggio complessivo 52, sotto il minimo del bando di 60."
    ]


def test_weights_multiply_the_points():
    call = scored_call()
    call.criteria.filter(code="B").update(weight=Decimal("2"))
    application = admissible(submitted(call=call))
    panel_with(call, members=1)
    services.auto_assign(actor=officer(), call=call)
    evaluation = evaluate(application.assignments.get(), GOOD)
    assert evaluation.total == Decimal("20") + Decimal("50") * 2


def test_mean_of_evaluations_rounded_and_disagreement_flagged():
    application, assignments = _one_assignment(members=3, per_application=3, budget=Decimal("100000.00"))
    evaluate(assignments[0], GOOD)  # 70
    evaluate(assignments[1], {**GOOD, "B2": "26"})  # 71
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMISSIBLE  # waits for the third evaluator
    evaluate(assignments[2], {**GOOD, "B2": "35"})  # 80
    application.refresh_from_db()
    consolidated = application.consolidated
    assert consolidated.method == ScoreMethod.MEAN
    assert consolidated.total_score == Decimal("73.67")  # 221 / 3
    assert consolidated.spread == Decimal("10.00") and not consolidated.disagreement  # not beyond 10

    other, pair = _one_assignment(members=2, per_application=2)
    evaluate(pair[0], GOOD)  # 70
    evaluate(pair[1], {**GOOD, "B1": "30", "B2": "31"})  # 81
    other.refresh_from_db()
    assert other.consolidated.disagreement and other.consolidated.spread == Decimal("11.00")


def test_an_evaluator_sees_others_scores_only_after_submitting():
    application, (first, second) = _one_assignment(members=2, per_application=2)
    evaluate(first, GOOD)
    _declare(second)
    services.save_scores(
        actor=second.member.user, assignment=second, points={"A1": "5"}, justifications=justified({"A1": "5"})
    )
    seen = selectors.visible_evaluations(second.member.user, application)
    assert [e.evaluator for e in seen] == [second.member.user]
    services.save_scores(
        actor=second.member.user, assignment=second, points=GOOD, justifications=justified(GOOD), submit=True
    )
    seen = selectors.visible_evaluations(second.member.user, application)
    assert {e.evaluator for e in seen} == {first.member.user, second.member.user}
    assert selectors.visible_evaluations(evaluator(), application) == []


def test_consensus_only_by_the_president_after_every_evaluation():
    application, (first, second) = _one_assignment(members=2, per_application=2)
    president = first.member.user if first.member.is_president else second.member.user
    evaluate(first, GOOD)
    with pytest.raises(WrongState):
        services.set_consensus(
            actor=president,
            application=application,
            points=GOOD,
            justifications=justified(GOOD),
            note="Accordo",
        )
    evaluate(second, {**GOOD, "B2": "35"})
    not_president = second.member.user if president == first.member.user else first.member.user
    with pytest.raises(PermissionDenied):
        services.set_consensus(
            actor=not_president,
            application=application,
            points=GOOD,
            justifications=justified(GOOD),
            note="x",
        )
    with pytest.raises(EvaluationError):
        services.set_consensus(
            actor=president, application=application, points=GOOD, justifications=justified(GOOD), note=""
        )
    consolidated = services.set_consensus(
        actor=president,
        application=application,
        points={**GOOD, "B2": "30"},
        justifications=justified(GOOD),
        note="Il nucleo concorda",
    )
    assert consolidated.method == ScoreMethod.CONSENSUS and consolidated.total_score == Decimal("75.00")


# --- ranking, approval, renunciation ------------------------------------------------------------------------
def test_ranking_orders_by_score_and_allocates_with_a_partial_last():
    call, (a, b, c, d), _actor = evaluated_call(
        [
            ("40000", GOOD),  # 70
            ("50000", {**GOOD, "B2": "35"}),  # 80
            ("30000", {**GOOD, "B2": "30"}),  # 75
            ("20000", LOW_A),  # below the threshold of A
        ],
        budget=Decimal("100000.00"),
    )
    ranking = services.compute_ranking(actor=officer(), call=call)
    rows = [(e.application_id, e.position, e.outcome, e.granted) for e in selectors.ranking_entries(ranking)]
    assert rows == [
        (b.pk, 1, EntryOutcome.FUNDED, Decimal("50000.00")),
        (c.pk, 2, EntryOutcome.FUNDED, Decimal("30000.00")),
        (a.pk, 3, EntryOutcome.PARTIALLY_FUNDED, Decimal("20000.00")),
        (d.pk, None, EntryOutcome.NOT_ELIGIBLE, Decimal("0.00")),
    ]
    a.refresh_from_db()
    assert a.status == ApplicationStatus.EVALUATED  # nothing changes before the manager approves


def test_ties_are_broken_by_the_calls_rules_then_protocol():
    same_total_more_b = {"A1": "10", "A2": "15", "B1": "20", "B2": "25", "E1": "0"}  # 70, B = 45
    same_total_less_b = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}  # 70, B = 50
    call, (first, second, third), _ = evaluated_call(
        [("10000", same_total_more_b), ("10000", same_total_less_b), ("10000", same_total_less_b)]
    )
    ranking = services.compute_ranking(actor=officer(), call=call)
    entries = list(selectors.ranking_entries(ranking))
    assert [e.application_id for e in entries] == [second.pk, third.pk, first.pk]
    assert entries[1].tie_break_note == "Ordine cronologico di presentazione della domanda"
    assert entries[2].tie_break_note.startswith("Maggior punteggio nel criterio B")


def test_rules_the_platform_cannot_read_are_reported():
    call, _apps, _ = evaluated_call([("10000", GOOD)], tie_break_rules=["Sorteggio pubblico"])
    ranking = services.compute_ranking(actor=officer(), call=call)
    assert ranking.ignored_tie_break_rules == ["Sorteggio pubblico"]


def test_ranking_waits_for_the_deadline_and_every_evaluation():
    call = scored_call()
    application = submitted(call=call)
    with pytest.raises(WrongState) as caught:
        services.compute_ranking(actor=officer(), call=call)
    assert caught.value.code == "call_open"
    close(call)
    with pytest.raises(WrongState) as caught:
        services.compute_ranking(actor=officer(), call=call)
    assert caught.value.code == "evaluations_pending"
    services.record_admissibility(
        actor=officer(),
        application=application,
        answers={},
        outcome="not_admissible",
        reasons="Fuori termine",
    )
    with pytest.raises(WrongState) as caught:
        services.compute_ranking(actor=officer(), call=call)
    assert caught.value.code == "nothing_to_rank"
    with pytest.raises(PermissionDenied):
        services.compute_ranking(actor=evaluator(), call=call)


def test_the_manager_approves_and_applications_take_their_outcome():
    call, (a, b, c), _ = evaluated_call(
        [("60000", GOOD), ("60000", {**GOOD, "B2": "35"}), ("10000", LOW_A)], budget=Decimal("100000.00")
    )
    ranking = services.compute_ranking(actor=officer(), call=call)
    with pytest.raises(PermissionDenied):
        services.approve_ranking(actor=officer(), ranking=ranking, **DETERMINATION)
    boss = manager()
    ranking = services.approve_ranking(actor=boss, ranking=ranking, **DETERMINATION)
    assert ranking.status == RankingStatus.APPROVED and ranking.approved_by == boss
    call.refresh_from_db()
    assert call.status == CallStatus.RANKING_APPROVED
    statuses = {x.pk: x.status for x in type(a).objects.filter(pk__in=[a.pk, b.pk, c.pk])}
    assert statuses == {
        a.pk: ApplicationStatus.FUNDED,  # partly: 40.000 of 60.000
        b.pk: ApplicationStatus.FUNDED,
        c.pk: ApplicationStatus.NOT_ELIGIBLE,
    }
    assert selectors.published_ranking(call) == ranking
    assert [r["granted"] for r in selectors.published_ranking_rows(call)] == [
        Decimal("60000.00"),
        Decimal("40000.00"),
        Decimal("0.00"),
    ]
    with pytest.raises(WrongState):
        services.compute_ranking(actor=officer(), call=call)


def test_approval_refused_when_scores_changed_after_the_proposal():
    call, (a, _b), _ = evaluated_call([("10000", GOOD), ("10000", GOOD)])
    ranking = services.compute_ranking(actor=officer(), call=call)
    a.consolidated.save()  # changed after the proposal
    with pytest.raises(WrongState) as caught:
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
    assert caught.value.code == "ranking_stale"
    ranking = services.compute_ranking(actor=officer(), call=call)
    services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)


def test_renunciation_slides_the_ranking():
    call, (_a, b, c, d), _ = evaluated_call(
        [
            ("50000", {**GOOD, "B2": "35"}),  # 80: funded 50.000
            ("40000", {**GOOD, "B2": "30"}),  # 75: funded 40.000
            ("30000", GOOD),  # 70: partial 10.000
            ("25000", {**GOOD, "B2": "20"}),  # 65: eligible not funded
        ],
        budget=Decimal("100000.00"),
    )
    ranking = services.approve_ranking(
        actor=manager(), ranking=services.compute_ranking(actor=officer(), call=call), **DETERMINATION
    )
    with pytest.raises(WrongState):
        services.record_renunciation(actor=d.created_by, application=d, reason="Non finanziata")
    with pytest.raises(PermissionDenied):
        services.record_renunciation(actor=evaluator(), application=b, reason="x")
    changed = services.record_renunciation(actor=b.created_by, application=b, reason="Il progetto non parte")
    entries = {e.application_id: e for e in selectors.ranking_entries(ranking)}
    assert entries[b.pk].outcome == EntryOutcome.RENOUNCED and entries[b.pk].granted == 0
    assert entries[c.pk].granted == Decimal("30000.00") and entries[c.pk].outcome == EntryOutcome.FUNDED
    assert (
        entries[d.pk].granted == Decimal("20000.00")
        and entries[d.pk].outcome == EntryOutcome.PARTIALLY_FUNDED
    )
    assert [e.application_id for e in changed] == [c.pk, d.pk]
    d.refresh_from_db()
    b.refresh_from_db()
    assert (b.status, d.status) == (ApplicationStatus.RENOUNCED, ApplicationStatus.FUNDED)
    totals = selectors.ranking_totals(ranking)
    assert totals["granted"] == Decimal("100000.00") and totals["remaining"] == 0

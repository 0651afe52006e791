"""The transitions of the evaluation context's entities (grants.evaluation.states, declared on the models)."""

import pytest
from django_fsm import TransitionNotAllowed

from grants.evaluation.models import (
    Assignment,
    AssignmentStatus,
    Evaluation,
    EvaluationStatus,
    IntegrationRequest,
    IntegrationStatus,
    Ranking,
    RankingStatus,
)


@pytest.mark.parametrize(
    ("make", "move", "expected"),
    [
        (lambda: IntegrationRequest(), "mark_answered", IntegrationStatus.ANSWERED),
        (lambda: IntegrationRequest(), "mark_expired", IntegrationStatus.EXPIRED),
        (lambda: Assignment(), "mark_declared_free", AssignmentStatus.ACTIVE),
        (lambda: Assignment(), "mark_conflict", AssignmentStatus.CONFLICT),
        (lambda: Assignment(), "mark_revoked", AssignmentStatus.REVOKED),
        (lambda: Assignment(status=AssignmentStatus.ACTIVE), "mark_submitted", AssignmentStatus.SUBMITTED),
        (lambda: Assignment(status=AssignmentStatus.ACTIVE), "mark_revoked", AssignmentStatus.REVOKED),
        (lambda: Evaluation(), "mark_submitted", EvaluationStatus.SUBMITTED),
        (lambda: Evaluation(), "mark_consensus_set", EvaluationStatus.SUBMITTED),
        (
            lambda: Evaluation(status=EvaluationStatus.SUBMITTED),
            "mark_consensus_set",
            EvaluationStatus.SUBMITTED,
        ),
        (lambda: Ranking(), "mark_approved", RankingStatus.APPROVED),
    ],
)
def test_allowed_transitions(make, move, expected):
    entity = make()
    getattr(entity, move)()
    assert entity.status == expected


@pytest.mark.parametrize(
    ("make", "move"),
    [
        (lambda: IntegrationRequest(status=IntegrationStatus.EXPIRED), "mark_answered"),
        (lambda: IntegrationRequest(status=IntegrationStatus.ANSWERED), "mark_expired"),
        (lambda: Assignment(status=AssignmentStatus.ACTIVE), "mark_conflict"),
        (lambda: Assignment(), "mark_submitted"),
        (lambda: Assignment(status=AssignmentStatus.SUBMITTED), "mark_revoked"),
        (lambda: Assignment(status=AssignmentStatus.CONFLICT), "mark_declared_free"),
        (lambda: Evaluation(status=EvaluationStatus.SUBMITTED), "mark_submitted"),
        (lambda: Ranking(status=RankingStatus.APPROVED), "mark_approved"),
    ],
)
def test_refused_transitions(make, move):
    entity = make()
    before = entity.status
    with pytest.raises(TransitionNotAllowed):
        getattr(entity, move)()
    assert entity.status == before

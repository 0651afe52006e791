"""The transitions of the evaluation context's entities (grants.evaluation.states, declared on the models)."""

import pytest
from django_fsm import TransitionNotAllowed

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
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
        # the application's evaluation transitions of art. 10-bis on first-come calls
        (
            lambda: Application(status=ApplicationStatus.INTEGRATION_REQUESTED),
            "mark_integration_expired",
            ApplicationStatus.SUBMITTED,
        ),
        (
            lambda: Application(status=ApplicationStatus.SUBMITTED),
            "mark_rejection_notified",
            ApplicationStatus.REJECTION_NOTIFIED,
        ),
        (
            lambda: Application(status=ApplicationStatus.EVALUATED),
            "mark_rejection_notified",
            ApplicationStatus.REJECTION_NOTIFIED,
        ),
        (
            lambda: Application(status=ApplicationStatus.REJECTION_NOTIFIED),
            "mark_observations_accepted",
            ApplicationStatus.EVALUATED,
        ),
        (
            lambda: Application(status=ApplicationStatus.REJECTION_NOTIFIED),
            "mark_not_eligible",
            ApplicationStatus.NOT_ELIGIBLE,
        ),
        (
            lambda: Application(status=ApplicationStatus.EVALUATED),
            "mark_not_eligible",
            ApplicationStatus.NOT_ELIGIBLE,
        ),
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
        (lambda: Application(status=ApplicationStatus.SUBMITTED), "mark_integration_expired"),
        (lambda: Application(status=ApplicationStatus.ADMISSIBLE), "mark_rejection_notified"),
        (lambda: Application(status=ApplicationStatus.SUBMITTED), "mark_observations_accepted"),
        (lambda: Application(status=ApplicationStatus.SUBMITTED), "mark_not_eligible"),
    ],
)
def test_refused_transitions(make, move):
    entity = make()
    before = entity.status
    with pytest.raises(TransitionNotAllowed):
        getattr(entity, move)()
    assert entity.status == before

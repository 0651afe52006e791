"""Evaluation of the applications submitted to a call: formal check (istruttoria di ammissibilità) with the
request for integrations (soccorso istruttorio), the evaluation panel (nucleo di valutazione) with its
conflict-of-interest declarations and scores, the consolidated score, the ranking (graduatoria) and the
allocation of the call's budget, with slides (scorrimento) after renunciations.

Every state change goes through grants.evaluation.services; the states of these entities are declared in
grants.evaluation.states, their transitions here, and the application's own states in
grants.applications.states.

One module per sub-domain: admissibility (checklist, review, answers, notice), integration (requests and
their items), panel (members, assignments, conflict declarations), scores (evaluations, scores, consolidated
score), ranking (ranking and entries), rejection (notices of intended rejection, art. 10-bis), desk (grant
decisions of first-come calls). This package imports every model so that Django finds them and re-exports
every public name, with the states that callers import from here.
"""

from ..states import (
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    EvaluationStatus,
    IntegrationStatus,
    RankingStatus,
    RejectionNoticeStatus,
    RejectionOutcome,
    RejectionStage,
)
from .admissibility import (
    AdmissibilityAnswer,
    AdmissibilityItem,
    AdmissibilityOutcome,
    AdmissibilityReview,
    Notice,
)
from .desk import DecisionGrant, GrantDecision
from .integration import DEFAULT_INTEGRATION_DAYS, IntegrationItem, IntegrationRequest
from .panel import Assignment, ConflictDeclaration, Panel, PanelMember
from .ranking import FUNDED_OUTCOMES, EntryOutcome, Ranking, RankingEntry, RankingStage
from .rejection import OBSERVATION_DAYS, RejectionNotice
from .scores import ConsolidatedScore, Evaluation, Score, ScoreMethod

__all__ = [
    "DEFAULT_INTEGRATION_DAYS",
    "FUNDED_OUTCOMES",
    "LIVE_ASSIGNMENT_STATUSES",
    "OBSERVATION_DAYS",
    "AdmissibilityAnswer",
    "AdmissibilityItem",
    "AdmissibilityOutcome",
    "AdmissibilityReview",
    "Assignment",
    "AssignmentStatus",
    "ConflictDeclaration",
    "ConsolidatedScore",
    "DecisionGrant",
    "EntryOutcome",
    "Evaluation",
    "EvaluationStatus",
    "GrantDecision",
    "IntegrationItem",
    "IntegrationRequest",
    "IntegrationStatus",
    "Notice",
    "Panel",
    "PanelMember",
    "Ranking",
    "RankingEntry",
    "RankingStage",
    "RankingStatus",
    "RejectionNotice",
    "RejectionNoticeStatus",
    "RejectionOutcome",
    "RejectionStage",
    "Score",
    "ScoreMethod",
]

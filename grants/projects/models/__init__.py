"""Funded projects (operazioni): the project born from a funded application, its partners, approved budget,
phases and milestones, the per-call project rules, and the change requests with their decisions.

Every write goes through grants.projects.services; the states are declared in grants.projects.states and the
transitions here. Amounts are Decimal (grants.core.money) and never negative.

One module per sub-domain: project (project, call project rules and their defaults), partners, plan (budget
lines, phases, milestones), changes (change requests and budget variation items). This package imports every
model so that Django finds them and re-exports every public name; ``agreement_upload_to`` stays importable
here, where the migrations reference it.
"""

from .changes import BudgetVariationItem, ProjectChange
from .partners import ProjectPartner
from .plan import ProjectBudgetLine, ProjectMilestone, ProjectPhase
from .project import (
    DEFAULT_ACCEPTANCE_DAYS,
    DEFAULT_DURATION_MONTHS,
    DEFAULT_MAX_EXTENSION_MONTHS,
    DEFAULT_VARIATION_TOLERANCE,
    CallProjectRules,
    Project,
    agreement_upload_to,
    rules_for,
)

__all__ = [
    "DEFAULT_ACCEPTANCE_DAYS",
    "DEFAULT_DURATION_MONTHS",
    "DEFAULT_MAX_EXTENSION_MONTHS",
    "DEFAULT_VARIATION_TOLERANCE",
    "BudgetVariationItem",
    "CallProjectRules",
    "Project",
    "ProjectBudgetLine",
    "ProjectChange",
    "ProjectMilestone",
    "ProjectPartner",
    "ProjectPhase",
    "agreement_upload_to",
    "rules_for",
]

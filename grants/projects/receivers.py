"""Reactions of the projects context to the evaluation's outcomes (connected in ProjectsConfig.ready)."""

import logging
from datetime import date

from grants.core.timeutils import in_rome
from grants.evaluation.signals import application_defunded, application_funded

from . import services

logger = logging.getLogger(__name__)


def create_project(sender, *, application, granted_amount, ranking, **kwargs) -> None:
    """The ranking is approved (or slid): the funded application becomes a project to accept, granted in the
    name of the manager who approved the ranking.

    Runs after the ranking's transaction committed: a failure here must not turn the approval into an error
    page. It is logged, and the application appears among the officers' "funded applications without
    project", where one click creates it."""
    try:
        services.create_project_from_application(
            actor=None,
            application=application,
            granted_amount=granted_amount,
            granted_by=getattr(ranking, "approved_by", None),
            granted_on=decision_day(ranking),
        )
    except Exception:
        logger.exception(
            "project not created for a funded application", extra={"application": application.pk}
        )


def decision_day(ranking) -> date | None:
    """The date of the grant decision: a first-come determination's own date, a ranking's approval day."""
    day = getattr(ranking, "date", None)
    if isinstance(day, date):
        return day
    approved = getattr(ranking, "approved_at", None)
    return in_rome(approved).date() if approved else None


def renounce_project(sender, *, application, reason, **kwargs) -> None:
    try:
        services.on_application_defunded(application=application, reason=reason)
    except Exception:
        logger.exception("project not marked renounced", extra={"application": application.pk})


def connect() -> None:
    application_funded.connect(create_project, dispatch_uid="projects.create_project")
    application_defunded.connect(renounce_project, dispatch_uid="projects.renounce_project")

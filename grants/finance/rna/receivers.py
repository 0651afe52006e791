"""The RNA records follow the projects' grants (connected by grants.finance.receivers)."""

import logging

from django.dispatch import receiver

from grants.projects.signals import project_granted, project_revoked

from . import services

logger = logging.getLogger(__name__)


@receiver(project_granted, dispatch_uid="finance.rna_on_grant")
def register_on_grant(sender, *, project, granted_on, previous=None, **kwargs):
    """Runs after the grant committed: a failure is logged, never turns the decision into an error."""
    try:
        services.register_grant(project=project, granted_on=granted_on, previous=previous)
    except Exception:
        logger.exception("RNA record not created", extra={"project": project.pk})


@receiver(project_revoked, dispatch_uid="finance.rna_on_revocation")
def record_revocation(sender, *, project, new_grant, reason="", **kwargs):
    try:
        services.revoked(project=project, new_grant=new_grant, reason=reason)
    except Exception:
        logger.exception("RNA revocation record not created", extra={"project": project.pk})

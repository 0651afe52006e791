"""Reactions of the finance context to the contexts below it."""

from django.dispatch import receiver

from grants.projects.signals import project_revoked

from . import services


@receiver(project_revoked, dispatch_uid="finance.recovery_on_revocation")
def open_recovery_on_revocation(sender, *, project, new_grant, reason="", **kwargs):
    """A revocation (total or partial) opens a recovery of what was paid above the new grant."""
    services.open_recovery_for_revocation(project=project, new_grant=new_grant, reason=reason)

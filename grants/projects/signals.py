"""Signals of the projects context, for the contexts above it.

- ``project_revoked(project, new_grant: Decimal, reason: str)``: an officer revoked the project, totally
  (``new_grant`` is 0 and the project is revoked) or partially (the project stays active with the reduced
  grant). Sent only once the revoking transaction has committed. The finance context computes from what was
  paid the amount to recover and opens the recovery record (only finance knows what was paid).
  The sender is ``grants.projects.models.Project``.
"""

from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal

from .models import Project

project_revoked = Signal()


def send_revoked_on_commit(*, project: Project, new_grant: Decimal, reason: str) -> None:
    transaction.on_commit(
        lambda: project_revoked.send(sender=Project, project=project, new_grant=new_grant, reason=reason)
    )

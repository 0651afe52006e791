"""Signals of the projects context, for the contexts above it.

- ``project_revoked(project, new_grant: Decimal, reason: str)``: an officer revoked the project, totally
  (``new_grant`` is 0 and the project is revoked) or partially (the project stays active with the reduced
  grant). Sent only once the revoking transaction has committed. The finance context computes from what was
  paid the amount to recover and opens the recovery record (only finance knows what was paid).
  The sender is ``grants.projects.models.Project``.
- ``project_granted(project, granted_on: date, previous: Decimal | None)``: a grant was decided for the
  project (its creation from a funded application, whichever path: ranking, slide, first-come decision;
  ``previous`` None) or its amount changed before acceptance (a slide topping up a partial grant:
  ``previous`` is the amount before). ``granted_on`` is the date of the decision (determinazione). Sent once
  the transaction has committed. Finance registers the aid in the RNA (grants.finance.rna).
"""

from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal

from .models import Project

project_revoked = Signal()
project_granted = Signal()


def send_revoked_on_commit(*, project: Project, new_grant: Decimal, reason: str) -> None:
    transaction.on_commit(
        lambda: project_revoked.send(sender=Project, project=project, new_grant=new_grant, reason=reason)
    )


def send_granted_on_commit(*, project: Project, granted_on, previous: Decimal | None = None) -> None:
    transaction.on_commit(
        lambda: project_granted.send(
            sender=Project, project=project, granted_on=granted_on, previous=previous
        )
    )

"""Signals of the evaluation context, for the contexts above it (projects creates the funded project).

Both are sent only once the transaction that decided the outcome has committed (``transaction.on_commit``):
a receiver never sees an outcome that was rolled back, and a receiver's failure cannot undo the ranking.
The sender is ``grants.evaluation.models.Ranking``.

- ``application_funded(application, granted_amount: Decimal, ranking)``: the application is funded, on the
  approval of the ranking or by a slide (scorrimento) after a renunciation. A slide may also raise the grant
  of an application that was only partly funded: the signal is sent again with the new total
  ``granted_amount``, so a receiver creates the project or updates its amount (it must be idempotent).
  On a first-come call (sportello) the grant decision sends it, ``ranking`` being that ``GrantDecision``.
- ``application_defunded(application, reason: str)``: a funded application renounced its grant.
"""

from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal

from .models import Ranking

application_funded = Signal()
application_defunded = Signal()


def send_funded_on_commit(*, application, granted_amount: Decimal, ranking) -> None:
    """``ranking``: the approved ranking, or the grant decision of a first-come call (``GrantDecision``:
    its ``approved_by`` is who recorded the determination)."""
    transaction.on_commit(
        lambda: application_funded.send(
            sender=Ranking, application=application, granted_amount=granted_amount, ranking=ranking
        )
    )


def send_defunded_on_commit(*, application, reason: str) -> None:
    transaction.on_commit(
        lambda: application_defunded.send(sender=Ranking, application=application, reason=reason)
    )

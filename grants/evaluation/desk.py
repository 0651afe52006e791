"""The rules of the sportello valutativo (first-come call with evaluation), as pure functions (no database).

On a first-come call there is no ranking: each booked application is checked (istruttoria formale), scored
by the panel against the call's grid and minimum score, and funded by its own grant decision
(determinazione dirigenziale), one application at a time.

**The order rule.** Grant decisions follow the protocol order of the booked applications: an application
may be funded only when every booked application of the same call with an earlier protocol number has been
decided — funded, or gone from the queue (not admissible, below the minimum score, renounced, withdrawn:
each of those releases its booking). One determination may fund several applications (a batch): it is read
in protocol order, so a batch may include the earlier applications that hold a later one back.
A negative outcome (formal check failed, score below the minimum) is never held back: it only gives money
back to the waiting list, which moves up in protocol order (grants.applications.services.release_booking).

**Below the minimum.** A score below the minimum is not a decision yet (art. 10-bis L. 241/1990): the
application stays in the queue, keeps its booking (so it still holds later ones back) and is flagged for
the notice of intended rejection; after the notice and its term the officer decides (``rejection_step``).

**The deadline.** Each booked application must be decided within the call's ``decision_days`` calendar
days of its submission (Europe/Rome); an undecided one past that is overdue.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from grants.applications.states import ApplicationStatus

# States in which a booked application is still waiting for its decision (in the queue).
PENDING_STATUSES = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.INTEGRATION_REQUESTED,
        ApplicationStatus.REJECTION_NOTIFIED,
        ApplicationStatus.ADMISSIBLE,
        ApplicationStatus.EVALUATED,
    }
)


# What an application below the minimum waits for (``rejection_step``), in the order it happens.
NOTICE_TO_SEND = "preavviso"  # below the minimum: the officer sends the notice of intended rejection
OBSERVATION_TERM = "osservazioni"  # notice sent: the term for observations runs
DECISION_AFTER_NOTICE = "decisione_preavviso"  # observations in or term over: not eligible, or accepted
RESCORE = "nuovo_punteggio"  # observations accepted: the panel scores it again
REJECTION_STEPS = (NOTICE_TO_SEND, OBSERVATION_TERM, DECISION_AFTER_NOTICE, RESCORE)


def rejection_step(
    status: str, meets_thresholds: bool | None, *, score_notice_ready: bool | None, rescore_pending: bool
) -> str:
    """Where an application of the queue stands on the way to a negative outcome on its score ("" when
    not on it). ``score_notice_ready``: None when it waits on no notice about its score, else whether the
    officer may decide (observations in, or term over)."""
    if status == ApplicationStatus.REJECTION_NOTIFIED and score_notice_ready is not None:
        return DECISION_AFTER_NOTICE if score_notice_ready else OBSERVATION_TERM
    if status == ApplicationStatus.EVALUATED and meets_thresholds is False:
        return RESCORE if rescore_pending else NOTICE_TO_SEND
    return ""


@dataclass(frozen=True)
class QueueItem:
    key: int  # application id
    protocol: tuple[int, int]  # (year, number)
    status: str

    @property
    def pending(self) -> bool:
        return self.status in PENDING_STATUSES


def blockers(queue: Iterable[QueueItem], key: int, batch: Iterable[int] = ()) -> list[QueueItem]:
    """The booked applications with an earlier protocol than ``key`` still undecided and not in ``batch``
    (the applications decided together with it), in protocol order: those that must be decided first."""
    items = sorted(queue, key=lambda item: item.protocol)
    target = next((item for item in items if item.key == key), None)
    if target is None:
        return []
    together = set(batch)
    return [
        item
        for item in items
        if item.protocol < target.protocol and item.pending and item.key not in together
    ]


def out_of_order(queue: Sequence[QueueItem], keys: Iterable[int]) -> dict[int, list[QueueItem]]:
    """For a batch ``keys``: each application that some earlier undecided application outside the batch
    holds back, with those applications (empty: the batch respects the order)."""
    batch = set(keys)
    found = {}
    for key in batch:
        earlier = blockers(queue, key, batch)
        if earlier:
            found[key] = earlier
    return found


def days_elapsed(submitted_on: date, today: date) -> int:
    """Calendar days from the submission (the day of submission is day 0)."""
    return max((today - submitted_on).days, 0)


def days_overdue(submitted_on: date, today: date, decision_days: int) -> int:
    """How many days past the deadline for deciding (0 when within it)."""
    return max(days_elapsed(submitted_on, today) - decision_days, 0)

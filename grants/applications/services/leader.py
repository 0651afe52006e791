"""Leadership of the sequencer across every node: a PostgreSQL session-level advisory lock.

The process holding the lock numbers the arrivals; any other ``run_sequencer`` waits, trying again every
``retry`` seconds, and takes over as soon as the leader's database session ends (process killed, host lost,
connection dropped: PostgreSQL releases a session's advisory locks with it). Leadership is checked again
before every batch, so a leader whose connection was lost (a database restart) stops numbering until it
holds the lock again. Batches also take a transaction-level lock of their own (``sequencer.BATCH_LOCK``), so
even two leaders could never interleave their numbers. On SQLite (development) there is one process and no
lock.
"""

import contextlib
import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, close_old_connections, connection

from grants.core.timeutils import now

from . import sequencer

logger = logging.getLogger("grants.sequencer")


def try_lead() -> bool:
    """Take the leader lock if it is free (held until this process's session ends)."""
    if not sequencer.is_postgresql():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [sequencer.LEADER_LOCK])
        return bool(cursor.fetchone()[0])


def still_leading() -> bool:
    """Does this session still hold the leader lock? (False after the connection was lost.)"""
    if not sequencer.is_postgresql():
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            " AND granted AND ((classid::bigint << 32) | objid::bigint) = %s)",
            [sequencer.LEADER_LOCK],
        )
        return bool(cursor.fetchone()[0])


def step_down() -> None:
    """Give the leader lock back (a clean stop: the standby need not wait for the session to end)."""
    if sequencer.is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [sequencer.LEADER_LOCK])


DEFAULT_INTERVAL = 0.2


class BatchReport:
    """What the leader logs while it numbers, at most once every ``every`` seconds and when it falls idle:
    batches, arrivals, the longest batch and the longest wait from arrival to protocol number."""

    def __init__(self, every: float = 5.0):
        self.every = every
        self.opened = time.monotonic()
        self.batches = self.arrivals = 0
        self.longest_batch = self.longest_lag = 0.0

    def add(self, applications, seconds: float) -> None:
        moment = now()
        self.batches += 1
        self.arrivals += len(applications)
        self.longest_batch = max(self.longest_batch, seconds)
        lags = [(moment - a.submitted_at).total_seconds() for a in applications if a.submitted_at]
        self.longest_lag = max([self.longest_lag, *lags])
        if time.monotonic() - self.opened >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.batches:
            logger.info(
                "sequencer: %d arrivals numbered in %d batches in %.1f s; longest batch %.0f ms, "
                "longest wait from arrival to number %.0f ms",
                self.arrivals,
                self.batches,
                time.monotonic() - self.opened,
                self.longest_batch * 1000,
                self.longest_lag * 1000,
            )
        self.__init__(self.every)


def run(
    *,
    poll: float = 0.05,
    interval: float = DEFAULT_INTERVAL,
    retry: float = 1.0,
    batch_size: int = sequencer.DEFAULT_BATCH_SIZE,
    should_stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[int], None] = lambda count: None,
) -> None:
    """Lead (or wait to), then number arrivals until ``should_stop()``: a batch whenever some are waiting,
    otherwise a probe every ``poll`` seconds. After a batch that did not fill up, the next one starts no
    sooner than ``interval`` seconds after it: a batch costs about the same thirty statements whatever it
    holds, so while arrivals trickle in, gathering them for a moment numbers them with a fraction of the
    work (on a click day's two shared cores, batches of three or four took a fifth of the machine), and
    adds at most ``interval`` to the wait for a number."""
    leading = False
    report = BatchReport()
    while not should_stop():
        try:
            if not leading or not still_leading():
                if leading:
                    logger.warning("sequencer: leadership lost, waiting to lead again")
                if not connection.in_atomic_block:
                    connection.close()  # a fresh session: a lost one may still look open
                leading = try_lead()
                if not leading:
                    time.sleep(retry)
                    continue
                logger.info("sequencer: leading")
            started = time.monotonic()
            batch = sequencer.sequence_batch(limit=batch_size)
            if batch:
                took = time.monotonic() - started
                report.add(batch, took)
                on_batch(len(batch))
                if len(batch) < batch_size and took < interval:
                    # Arrivals trickle in: let the next batch gather them (see ``interval``).
                    time.sleep(interval - took)
            else:
                report.flush()
                time.sleep(poll)
        except (OperationalError, InterfaceError) as exc:  # the database went away: wait, then lead again
            logger.warning("sequencer: database unavailable (%s), retrying", exc)
            leading = False
            close_old_connections()
            time.sleep(retry)
    report.flush()
    if leading:
        with contextlib.suppress(OperationalError, InterfaceError):  # a lost session took its lock with it
            step_down()

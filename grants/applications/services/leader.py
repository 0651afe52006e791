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


def run(
    *,
    poll: float = 0.05,
    retry: float = 1.0,
    batch_size: int = sequencer.DEFAULT_BATCH_SIZE,
    should_stop: Callable[[], bool] = lambda: False,
    on_batch: Callable[[int], None] = lambda count: None,
) -> None:
    """Lead (or wait to), then number arrivals until ``should_stop()``: a batch whenever some are waiting,
    otherwise a probe every ``poll`` seconds."""
    leading = False
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
            numbered = len(sequencer.sequence_batch(limit=batch_size))
            if numbered:
                on_batch(numbered)
            else:
                time.sleep(poll)
        except (OperationalError, InterfaceError) as exc:  # the database went away: wait, then lead again
            logger.warning("sequencer: database unavailable (%s), retrying", exc)
            leading = False
            close_old_connections()
            time.sleep(retry)
    if leading:
        with contextlib.suppress(OperationalError, InterfaceError):  # a lost session took its lock with it
            step_down()

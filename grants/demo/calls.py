"""The demo edition's dates, moved to today: the demo programme file is written around ``ANCHOR``
(23/11/2026); ``load_demo`` loads it with every date moved by the days from that day to today (Europe/Rome),
so an open call is open now and a closed call closed whenever the demo is run.

Idempotent within a day: the same day gives the same dates, so a second run changes nothing; a run on a later
day moves the calls forward (the programme loader records the change like any other).

``at`` runs a block as if it were another moment (``django.utils.timezone.now``, the clock every service
reads): the demo uses it to submit applications to the closed call while its window was open, through the
real services, so every record carries a time consistent with the call.
"""

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from unittest import mock

from django.utils import timezone

from grants.core.timeutils import ROME, in_rome, now
from grants.programme.loader import load_programme_file
from grants.programme.loader.reading import read_programme_file

ANCHOR = date(2026, 11, 23)
DATE_KEYS = frozenset({"start", "end", "start_date", "end_date", "opens_at", "closes_at", "published_at"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shift_days(today: date | None = None) -> int:
    return ((today or in_rome(now()).date()) - ANCHOR).days


def _shift(value: str, days: int) -> str:
    if _DAY.match(value):
        return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return (moment + timedelta(days=days)).isoformat()
    local = in_rome(moment)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None))
    return moved.replace(tzinfo=ROME).isoformat()


def shifted(data, days: int):
    """A copy of a programme file's data with every date and moment moved by ``days``."""
    if isinstance(data, dict):
        return {
            key: _shift(value, days)
            if key in DATE_KEYS and isinstance(value, str) and value
            else shifted(value, days)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [shifted(item, days) for item in data]
    return data


def load_demo_programme_file(path: Path, *, today: date | None = None):
    """Load the demo programme file with its dates moved to ``today``; returns the loader's report."""
    data = shifted(read_programme_file(path), shift_days(today))
    with tempfile.TemporaryDirectory(prefix="wecare-demo-") as folder:
        moved = Path(folder) / f"{Path(path).stem}.json"
        moved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return load_programme_file(moved)


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Run the block with the clock of the services set to ``moment``."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment


def noon_before(moment: datetime, days: int) -> datetime:
    """Midday (Rome) ``days`` days before ``moment``."""
    return datetime.combine(in_rome(moment).date() - timedelta(days=days), time(12), tzinfo=ROME)

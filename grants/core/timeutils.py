"""Times are aware; deadlines are stated and compared in Europe/Rome."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

ROME = ZoneInfo("Europe/Rome")


def now() -> datetime:
    return timezone.now()


def in_rome(moment: datetime) -> datetime:
    return moment.astimezone(ROME)


def rome_datetime(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """An instant given as a wall-clock time in Rome (how calls state their deadlines)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=ROME)


def format_rome(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    return in_rome(moment).strftime("%d/%m/%Y %H:%M")

"""Times are aware; deadlines are stated and compared in Europe/Rome."""

from datetime import date, datetime, time, timedelta
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


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Rome (23:59:59): what a deadline given as a date means."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=ROME)


def deadline_from(
    value: date | datetime | None, *, default_days: int, moment: datetime | None = None
) -> datetime:
    """A deadline as typed: a date (or nothing: ``default_days`` days from today in Rome) is the end of that
    day in Rome; a date and time without a zone is a wall-clock time in Rome; an aware one stays as it is."""
    if value is None:
        return end_of_day(in_rome(moment or now()).date() + timedelta(days=default_days))
    if not isinstance(value, datetime):
        return end_of_day(value)
    if timezone.is_naive(value):
        return value.replace(tzinfo=ROME)
    return value

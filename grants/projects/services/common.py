"""What every write of the projects context shares: its error types, the permission and state checks, the row
lock, the reason and the dates."""

import calendar
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from grants.core.errors import DomainError
from grants.core.errors import WrongState as StateError
from grants.core.timeutils import ROME

from ..models import (
    Project,
)

AGREEMENT_MAX_BYTES = 10 * 1024 * 1024


# --- errors -------------------------------------------------------------------------------------------------
class ProjectError(DomainError):
    """A request the projects rules refuse (grants/core/errors.py)."""


class WrongState(ProjectError, StateError):
    """The object's state does not allow the action (409)."""


def _field_error(code: str, field: str, message: str) -> ProjectError:
    return ProjectError(message, errors=[{"code": code, "field": field, "message": message}], code=code)


def _wrong_state(project: Project, action: str) -> WrongState:
    return WrongState(
        _("Non è possibile %(action)s: il progetto è nello stato «%(status)s».")
        % {"action": action, "status": project.get_status_display()}
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("call", "beneficiary")
        .get(pk=project.pk)
    )


def _reason(reason: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise _field_error("reason_required", field, _("Indicare la motivazione."))
    return text


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_day_in_rome(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=ROME)

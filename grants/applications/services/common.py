"""What every write of the applications context shares: its error types, the row lock and the checks of
membership, editability and the submission window."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from grants.core.errors import DomainError
from grants.core.timeutils import in_rome
from grants.programme.models import Call, CallPhase, CallStatus

from .. import permissions
from ..models import Application


# --- errors: a message for people, a code and field errors for programs --------------------------------
class ApplicationError(DomainError):
    """A request the applications rules refuse (grants/core/errors.py)."""


class NotEditable(ApplicationError):
    status = 409
    code = "not_editable"


class SubmissionRefused(ApplicationError):
    code = "submission_refused"


class OutsideSubmissionWindow(SubmissionRefused):
    code = "outside_submission_window"


class AlreadySubmitted(ApplicationError):
    """The application already has a protocol number, sent by a request with another idempotency key."""

    status = 409
    code = "already_submitted"

    def __init__(self, application: Application):
        if application.protocol:
            message = _("La domanda è già stata inviata con il numero di protocollo %(protocol)s.") % {
                "protocol": application.protocol
            }
        else:
            day, time = _format_day_and_time(application.submitted_at)
            message = _(
                "La domanda è già stata ricevuta il %(day)s alle %(time)s ed è in protocollazione."
            ) % {"day": day, "time": time}
        super().__init__(message)
        self.application = application

    def problem_members(self) -> dict:
        return {"protocol": self.application.protocol}


class IdempotencyKeyReused(ApplicationError):
    status = 409
    code = "idempotency_key_reused"


# --- helpers ------------------------------------------------------------------------------------------------
def _format_day_and_time(moment) -> tuple[str, str]:
    local = in_rome(moment)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M")


def _lock(application: Application) -> Application:
    # of=("self",): lock the application row only. A plain FOR UPDATE over the join would also lock the call
    # row, and every submission to the call would queue behind the previous one for its whole transaction.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .get(pk=application.pk)
    )


def _require_member(actor, application: Application) -> None:
    if not permissions.can_write_application(actor, application):
        raise PermissionDenied(_("Non sei abilitato ad agire per il soggetto proponente di questa domanda."))


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise NotEditable(
            _("La domanda è nello stato «%(status)s»: non si può più modificare.")
            % {"status": application.get_status_display()}
        )


def _require_window(call: Call, moment) -> None:
    if call.status != CallStatus.PUBLISHED:
        raise OutsideSubmissionWindow(_("Il bando non accetta domande."), code="call_not_open")
    if moment < call.opens_at:
        day, time = _format_day_and_time(call.opens_at)
        raise OutsideSubmissionWindow(
            _("Il bando apre il %(day)s alle %(time)s: la domanda non può ancora essere inviata.")
            % {"day": day, "time": time},
            code="call_not_yet_open",
        )
    if moment >= call.closes_at:
        day, time = _format_day_and_time(call.closes_at)
        raise OutsideSubmissionWindow(
            _("La scadenza era il %(day)s alle %(time)s.") % {"day": day, "time": time}, code="call_closed"
        )


def _require_executive_window(application: Application, moment) -> None:
    """An executive project (two-phase call: it names its admitted idea) is sent in the call's last phase
    (the second window), not merely before the call's deadline."""
    if application.preliminary_id is None or not application.call.is_two_phase:
        return
    window = CallPhase.objects.filter(call_id=application.call_id).order_by("order", "opens_at").last()
    if window is None or window.opens_at <= moment < window.closes_at:
        return
    opens, closes = _format_day_and_time(window.opens_at), _format_day_and_time(window.closes_at)
    message = _(
        "Il progetto esecutivo si invia nella fase «%(phase)s», dal %(od)s alle %(ot)s al %(cd)s alle %(ct)s."
    ) % {"phase": window.title, "od": opens[0], "ot": opens[1], "cd": closes[0], "ct": closes[1]}
    raise OutsideSubmissionWindow(
        message,
        code="outside_executive_window",
        errors=[_error("outside_executive_window", "executive_window", message)],
    )


def _error(code: str, field_name: str, message: str) -> dict:
    return {"code": code, "field": field_name, "message": message}

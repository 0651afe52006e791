"""What every write of the evaluation context shares: its error types, the permission and state
checks, the row lock and the notice to the applicant."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.core.audit import save_audited
from grants.core.errors import DomainError
from grants.core.errors import WrongState as StateError
from grants.core.timeutils import in_rome
from grants.notifications import events
from grants.notifications.services import notify
from grants.programme.models import CallStaff

from ..models import Notice


# --- errors -------------------------------------------------------------------------------------------------
class EvaluationError(DomainError):
    """A request the evaluation rules refuse (grants/core/errors.py)."""


class WrongState(EvaluationError, StateError):
    """The object's state does not allow the action (409)."""


def _wrong_state(application: Application, action: str) -> WrongState:
    return WrongState(
        _("La domanda è nello stato «%(status)s»: non è possibile %(action)s.")
        % {"status": application.get_status_display(), "action": action}
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "applicant")
        .get(pk=application.pk)
    )


def _notify(
    *,
    actor,
    application: Application,
    subject: str,
    body: str,
    event: str = events.ADMISSIBILITY_OUTCOME,
    link: str = "",
) -> Notice:
    """The communication to the applicant, kept on the application (``Notice``: what an e-mail or PEC
    would carry), and sent to the applicant organisation's members in the app and by e-mail (``event``
    lets each user choose whether to receive it by e-mail)."""
    notice = save_audited(
        Notice(
            application=application,
            subject=subject[:255],
            body=body,
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        ),
        actor=actor,
        reason=subject,
    )
    notify(
        event=event,
        subject=subject,
        body=body,
        organisation=application.applicant,
        link=link or reverse("applications:application_detail", args=[application.pk]),
        target=application,
        actor=actor,
    )
    return notice


def _notify_call_staff(*, actor, application: Application, event: str, subject: str, body: str, link: str):
    """The call's RUP and officers learn something they must act on (as for a withdrawn application)."""
    staff = CallStaff.objects.filter(call_id=application.call_id).values_list("user_id", flat=True)
    return notify(
        event=event,
        subject=subject,
        body=body,
        users=list(dict.fromkeys(staff)),
        link=link,
        target=application,
        actor=actor,
    )


def check_determination(number: str, determination_date, moment) -> str:
    """The number (stripped) of a determinazione, refused when the number or the date is missing, the
    number is longer than 40 characters or the date is after ``moment``'s day (Europe/Rome)."""
    number = (number or "").strip()
    errors = []
    if not number or len(number) > 40:
        errors.append(
            {
                "code": "required",
                "field": "determination_number",
                "message": _("Indicare il numero della determinazione (al massimo 40 caratteri)."),
            }
        )
    if determination_date is None:
        errors.append(
            {
                "code": "required",
                "field": "determination_date",
                "message": _("Indicare la data della determinazione."),
            }
        )
    elif determination_date > in_rome(moment).date():
        errors.append(
            {
                "code": "future_date",
                "field": "determination_date",
                "message": _("La data della determinazione non può essere futura."),
            }
        )
    if errors:
        raise EvaluationError(_("La determinazione di approvazione è incompleta."), errors=errors)
    return number

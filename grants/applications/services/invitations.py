"""The invitation of a partner not registered yet: an e-mail to the address the lead gave (e-mail or PEC),
telling how to register with SPID/CIE and confirm the participation. Sent once per partner and address (a new
address is invited again); sent again on request, at most once every ``RESEND_AFTER``. The platform's mail
server writes to addresses a user typed, so one person sends at most ``DAILY_INVITATIONS`` invitations in
any 24 hours, whatever the applications and partners: past that the address is kept, nothing is sent, and
the partners table offers to send it later."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import in_rome, now
from grants.notifications import events
from grants.notifications.models import ExternalEmail

from .. import notices
from ..models import ApplicationPartner
from .common import ApplicationError, _lock, _require_editable, _require_member

RESEND_AFTER = timedelta(hours=24)
DAILY_INVITATIONS = 20


class InvitationTooSoon(ApplicationError):
    status = 429
    code = "invitation_too_soon"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def invite_if_new_address(*, actor, application, partner: ApplicationPartner) -> bool:
    """Invite a partner not registered whose address was never invited (inside the caller's transaction)."""
    if partner.organisation_id is not None or not partner.email:
        return False
    if partner.invitation_sent_to.casefold() == partner.email.casefold():
        return False
    if _daily_cap_reached(actor, now()):
        return False  # the address stays on the row; "Reinvia l'invito" sends it once the day allows
    _send(actor=actor, application=application, partner=partner)
    return True


def _sent_today(actor, moment) -> list:
    return list(
        ExternalEmail.objects.filter(
            actor=actor, event=events.PARTNER_INVITATION, created_at__gt=moment - RESEND_AFTER
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


def _daily_cap_reached(actor, moment) -> bool:
    return len(_sent_today(actor, moment)) >= DAILY_INVITATIONS


def _send(*, actor, application, partner: ApplicationPartner) -> None:
    notices.unregistered_partner_invited(actor=actor, application=application, partner=partner)
    partner.invitation_sent_to = partner.email
    partner.invitation_sent_at = now()
    save_audited(partner, actor=actor, reason="Invito a registrarsi inviato")


@transaction.atomic
def resend_partner_invitation(*, actor, partner: ApplicationPartner) -> ApplicationPartner:
    """The lead sends the invitation again (a lost e-mail), refused within ``RESEND_AFTER`` of the last one to
    the same address; or sends it at last to an address the daily cap held back."""
    application = _lock(partner.application)
    _require_member(actor, application)
    _require_editable(application)
    partner = ApplicationPartner.objects.select_for_update().get(pk=partner.pk)
    if partner.organisation_id is not None or not partner.email:
        raise ApplicationError(
            _("Si può invitare solo un partner non registrato di cui è indicata l'e-mail o la PEC."),
            code="invitation_not_possible",
            errors=[{"field": "email", "message": _("Indicare l'e-mail o la PEC del partner.")}],
        )
    moment = now()
    already_invited = partner.invitation_sent_to.casefold() == partner.email.casefold()
    if already_invited and partner.invitation_sent_at and moment - partner.invitation_sent_at < RESEND_AFTER:
        next_time = partner.invitation_sent_at + RESEND_AFTER
        again = in_rome(next_time)
        raise InvitationTooSoon(
            _("L'invito è stato inviato da poco: si potrà inviare di nuovo dal %(day)s alle %(time)s.")
            % {"day": f"{again:%d/%m/%Y}", "time": f"{again:%H:%M}"},
            retry_after=max(int((next_time - moment).total_seconds()) + 1, 1),
        )
    sent = _sent_today(actor, moment)
    if len(sent) >= DAILY_INVITATIONS:
        next_time = sent[-DAILY_INVITATIONS] + RESEND_AFTER
        again = in_rome(next_time)
        raise InvitationTooSoon(
            _(
                "Hai già inviato %(n)d inviti nelle ultime 24 ore: si potrà inviarne un altro dal %(day)s "
                "alle %(time)s."
            )
            % {"n": DAILY_INVITATIONS, "day": f"{again:%d/%m/%Y}", "time": f"{again:%H:%M}"},
            retry_after=max(int((next_time - moment).total_seconds()) + 1, 1),
        )
    _send(actor=actor, application=application, partner=partner)
    return partner

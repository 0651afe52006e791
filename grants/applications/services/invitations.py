"""The invitation of a partner not registered yet: an e-mail to the address the lead gave (e-mail or PEC),
telling how to register with SPID/CIE and confirm the participation. Sent once per partner and address (a new
address is invited again); sent again on request, at most once every ``RESEND_AFTER``."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import in_rome, now

from .. import notices
from ..models import ApplicationPartner
from .common import ApplicationError, _lock, _require_editable, _require_member

RESEND_AFTER = timedelta(hours=24)


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
    _send(actor=actor, application=application, partner=partner)
    return True


def _send(*, actor, application, partner: ApplicationPartner) -> None:
    notices.unregistered_partner_invited(actor=actor, application=application, partner=partner)
    partner.invitation_sent_to = partner.email
    partner.invitation_sent_at = now()
    save_audited(partner, actor=actor, reason="Invito a registrarsi inviato")


@transaction.atomic
def resend_partner_invitation(*, actor, partner: ApplicationPartner) -> ApplicationPartner:
    """The lead sends the invitation again (a lost e-mail); refused within ``RESEND_AFTER`` of the last."""
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
    if partner.invitation_sent_at and moment - partner.invitation_sent_at < RESEND_AFTER:
        next_time = partner.invitation_sent_at + RESEND_AFTER
        again = in_rome(next_time)
        raise InvitationTooSoon(
            _("L'invito è stato inviato da poco: si potrà inviare di nuovo dal %(day)s alle %(time)s.")
            % {"day": f"{again:%d/%m/%Y}", "time": f"{again:%H:%M}"},
            retry_after=max(int((next_time - moment).total_seconds()) + 1, 1),
        )
    _send(actor=actor, application=application, partner=partner)
    return partner

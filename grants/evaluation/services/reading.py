"""Presa visione: the term of a notice sent to an organisation without PEC runs from its first reading.

Without a PEC address there is no delivery receipt to count a term from, and counting it from the sending
would let a term run out on a notice nobody has seen. So the communication is the notice in the reserved
area, and its term (integration request, notice of intended rejection) starts on the day a member of the
organisation first opens it, on the page or through the API: the deadline is the end of (that day + the
term's days) in Rome, recorded with who read it and when, audited, and told to the applicant. Until then
there is no deadline, nothing expires and the officer sees "non ancora letta". Only the first reading
counts; officers reading their own pages never start a term.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.timeutils import end_of_day, format_rome, in_rome, now

from .. import permissions
from ..models import IntegrationRequest, RejectionNotice
from .common import _notify


def term_end(seen_at: datetime, days: int) -> datetime:
    """The end of the day ``days`` after the reading's day, in Rome."""
    return end_of_day(in_rome(seen_at).date() + timedelta(days=days))


def record_reading(*, actor, target: IntegrationRequest | RejectionNotice, moment: datetime | None = None):
    """A member of the applicant organisation opened ``target``: the first reading is recorded and, when the
    term runs from it, the deadline is set. Returns the target as stored (unchanged after the first reading,
    or when ``actor`` may not answer for the organisation)."""
    if target.seen_at is not None or not permissions.can_answer_integration(actor, target.application):
        return target
    return _first_reading(actor=actor, target=target, moment=moment or now())


@transaction.atomic
def _first_reading(*, actor, target, moment: datetime):
    target = (
        type(target)
        .objects.select_for_update(of=("self",))
        .select_related("application__applicant", "application__call")
        .get(pk=target.pk)
    )
    if target.seen_at is not None:
        return target
    target.seen_at = moment
    target.seen_by = actor
    starts = target.term_from_reading and target.deadline is None
    if starts:
        target.deadline = term_end(moment, target.term_days or 0)
    is_integration = isinstance(target, IntegrationRequest)
    save_audited(
        target,
        actor=actor,
        reason=f"Presa visione nell'area riservata il {format_rome(moment)}",
        action=("integration" if is_integration else "rejection_notice") + ".seen",
    )
    if starts:
        application = target.application
        if is_integration:
            link = reverse("evaluation:integration_answer", args=[target.pk])
            subject = _("Scadenza dell'integrazione per la domanda %(p)s") % {"p": application.protocol}
            body = _(
                "Avete preso visione della richiesta di integrazione il %(at)s: la risposta va inviata "
                "entro il %(d)s (ora di Roma)."
            )
        else:
            link = reverse("evaluation:rejection_observations", args=[target.pk])
            subject = _("Scadenza delle osservazioni per la domanda %(p)s") % {"p": application.protocol}
            body = _(
                "Avete preso visione del preavviso di rigetto il %(at)s: le osservazioni vanno presentate "
                "entro il %(d)s (ora di Roma)."
            )
        _notify(
            actor=actor,
            application=application,
            link=link,
            subject=subject,
            body=body % {"at": format_rome(moment), "d": format_rome(target.deadline)},
        )
    return target

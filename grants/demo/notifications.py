"""Demo notifications: the demo applicant finds, on signing in, the receipt of the submitted demo application
and a reminder about the demo draft, unread, in /notifiche/ (and the count in the header).

Idempotent: each is sent through ``send_once`` with a fixed key, so a second ``load_demo`` adds nothing.
"""

from django.urls import reverse

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.timeutils import format_rome
from grants.notifications import events
from grants.notifications.services import send_once

from .applications import DEMO_PROGRAMME_CODE, DRAFT_TITLE, SUBMITTED_TITLE

# The applicant the README names; its organisation's applications come first when it leads one.
DEMO_APPLICANT_EMAIL = "presidenza@coop-ilponte.demo"


def _demo(title: str, **conditions) -> Application | None:
    applications = Application.objects.filter(
        call__measure__programme__code=DEMO_PROGRAMME_CODE, title=title, **conditions
    ).select_related("call", "applicant")
    return (
        applications.filter(
            applicant__memberships__user__email=DEMO_APPLICANT_EMAIL, applicant__memberships__revoked_at=None
        )
        .order_by("pk")
        .first()
        or applications.order_by("pk").first()
    )


def load_demo_notifications() -> list[str]:
    lines = []
    submitted = _demo(SUBMITTED_TITLE, submitted_at__isnull=False)
    if submitted is not None:
        sent = send_once(
            key=f"demo:receipt:{submitted.pk}",
            event=events.APPLICATION_RECEIPT,
            subject=f"[DEMO] Domanda presentata: protocollo {submitted.protocol}",
            body=(
                f"La domanda «{submitted.title}» al bando «{submitted.call.title}» è stata presentata il "
                f"{format_rome(submitted.submitted_at)} con il numero di protocollo {submitted.protocol}. "
                "La ricevuta in PDF è disponibile nella pagina della domanda."
            ),
            organisation=submitted.applicant,
            link=reverse("applications:application_detail", args=[submitted.pk]),
            target=submitted,
        )
        lines.append(f"notifiche demo (ricevuta): {len(sent)}")
    draft = _demo(DRAFT_TITLE, status=ApplicationStatus.DRAFT)
    if draft is not None:
        sent = send_once(
            key=f"demo:draft-reminder:{draft.pk}",
            event=events.DEADLINE_REMINDER,
            subject=f"[DEMO] La domanda «{draft.title}» è ancora in bozza",
            body=(
                f"Il bando «{draft.call.title}» chiude il {format_rome(draft.call.closes_at)} (ora di Roma): "
                "completa le sezioni mancanti e presenta la domanda prima della scadenza."
            ),
            organisation=draft.applicant,
            link=reverse("applications:application_detail", args=[draft.pk]),
            target=draft,
        )
        lines.append(f"notifiche demo (promemoria): {len(sent)}")
    return lines

"""The ranking is published: every applicant of the call learns it, with where their application stands.

``approve_ranking`` calls ``ranking_published`` once, inside its transaction, after the outcomes are set: one
``RANKING_PUBLISHED`` notification per application submitted to the call (not withdrawn), to the applicant
organisation's active members, with the position and outcome (or why the application is not in the ranking)
and the link to the public ranking page. The per-application outcome notice (``RANKING_OUTCOME``) is separate:
each user switches the e-mail of either on or off.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.money import format_eur
from grants.notifications import events
from grants.notifications.services import notify

from .models import Ranking, RankingEntry, RankingStage


def _standing(entry: RankingEntry | None, application: Application) -> str:
    if entry is None:
        return _("la domanda non è in graduatoria (stato: %(status)s).") % {
            "status": application.get_status_display().lower()
        }
    values = {
        "n": entry.position if entry.position is not None else "–",
        "outcome": entry.get_outcome_display().lower(),
        "score": entry.score,
    }
    text = _("posizione %(n)s, punteggio %(score)s, esito: %(outcome)s") % values
    if entry.granted:
        text += _(", contributo %(g)s") % {"g": format_eur(entry.granted)}
    return text + "."


def ranking_published(*, actor, ranking: Ranking) -> int:
    """Tell every applicant of the ranking's call that it is published; returns the notifications written."""
    call = ranking.call
    entries = {entry.application_id: entry for entry in ranking.entries.all()}
    applications = (
        Application.objects.filter(call=call, protocol_number__isnull=False)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("applicant")
        .order_by("protocol_year", "protocol_number")
    )
    kind = (
        _("La graduatoria provvisoria delle idee progettuali")
        if ranking.stage == RankingStage.PRELIMINARY
        else _("La graduatoria")
    )
    link = reverse("transparency:ranking", args=[call.code])
    written = 0
    for application in applications:
        values = {
            "kind": kind,
            "call": call.title,
            "number": ranking.determination_number,
            "protocol": application.protocol,
            "standing": _standing(entries.get(application.pk), application),
        }
        written += len(
            notify(
                event=events.RANKING_PUBLISHED,
                subject=_("Pubblicata la graduatoria del bando «%(call)s»") % values,
                body=_(
                    "%(kind)s del bando «%(call)s» è stata approvata con determinazione n. %(number)s ed è "
                    "pubblicata. La vostra domanda %(protocol)s: %(standing)s"
                )
                % values,
                organisation=application.applicant,
                link=link,
                target=application,
                actor=actor,
            )
        )
    return written

"""The notice of intended rejection (preavviso di rigetto, art. 10-bis L. 241/1990) of the formal check and,
on the sportello valutativo, of a score below the minimum.

The rule, as the law has it:
- before declaring an application not admissible the officer tells the applicant the reasons, by PEC; the
  applicant has ``OBSERVATION_DAYS`` (10) days from the delivery to send written observations, with a
  document if it wants; meanwhile the procedure is suspended and the officer cannot decide;
- when the observations arrive, or the term passes without them, the officer decides: admissible (the
  observations overcame the reasons) or not admissible, giving in the reasons why the observations were
  not accepted;
- competitive procedures are outside art. 10-bis: on ranking calls the notice is the officer's choice; on
  first-come (sportello) calls a formal check cannot fail without it (``notice_required``): neither after
  an integration request left unanswered (``integration``: the application goes back to the formal check)
  nor after a score below the minimum (the application stays evaluated, flagged in the desk queue, until
  the notice and the decision of ``below_minimum``).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.audit import save_audited
from grants.core.timeutils import end_of_day, format_rome, in_rome, now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.programme.models import CallMode

from .. import permissions
from ..models import (
    OBSERVATION_DAYS,
    ConsolidatedScore,
    RejectionNotice,
    RejectionNoticeStatus,
    RejectionOutcome,
    RejectionStage,
)
from .common import EvaluationError, WrongState, _lock, _notify, _require, _wrong_state
from .formal import rejection_notice

MAX_TERM_DAYS = 60
OBSERVATION_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def notice_required(application: Application) -> bool:
    """A negative formal check needs a notice first: every call except the competitive (ranking) ones."""
    return application.call.mode == CallMode.FIRST_COME


def below_minimum(application: Application) -> bool:
    """An evaluated application of a first-come call whose consolidated score misses a threshold and is
    not waiting to be re-scored (``rescore_pending``): it waits for the notice of intended rejection (and
    then the decision), never funded meanwhile."""
    return (
        application.status == ApplicationStatus.EVALUATED
        and notice_required(application)
        and ConsolidatedScore.objects.filter(application=application, meets_thresholds=False).exists()
        and not rescore_pending(application)
    )


def rescore_pending(application: Application) -> bool:
    """The observations to a notice on the score were accepted and the panel has not scored it again since
    (its consolidated score is older than that decision)."""
    notice = latest_notice(application)
    if notice is None or notice.stage != RejectionStage.SCORE or notice.outcome != RejectionOutcome.ACCEPTED:
        return False
    score = ConsolidatedScore.objects.filter(application=application).first()
    return score is None or score.updated_at <= notice.decided_at


def in_formal_check(application: Application) -> bool:
    """Submitted, or waiting on a notice of the formal check (not on one about the score)."""
    if application.status == ApplicationStatus.SUBMITTED:
        return True
    if application.status != ApplicationStatus.REJECTION_NOTIFIED:
        return False
    notice = latest_notice(application)
    return notice is None or notice.stage == RejectionStage.ADMISSIBILITY


def latest_notice(application: Application) -> RejectionNotice | None:
    return RejectionNotice.objects.filter(application=application).order_by("-created_at", "-pk").first()


@transaction.atomic
def notify_intended_rejection(
    *,
    actor,
    application: Application,
    reasons: str,
    term_days: int | None = None,
    moment: datetime | None = None,
) -> RejectionNotice:
    """Send the notice with its reasons: the application waits for the observations, the PEC carries the
    legal text, and the term runs from its delivery (for an organisation without PEC the notice in its
    reserved area is the communication, and the term runs from its first reading: ``services.reading``).

    From the formal check (a submitted application) or, on a first-come call, from a score below the
    minimum (an evaluated application: ``below_minimum``); the notice records which (``stage``)."""
    _require(
        permissions.can_check_admissibility(actor, application.call_id),
        _("Non puoi inviare il preavviso di rigetto."),
    )
    application = _lock(application)
    if application.status == ApplicationStatus.SUBMITTED:
        stage = RejectionStage.ADMISSIBILITY
    elif below_minimum(application):
        stage = RejectionStage.SCORE
    else:
        raise _wrong_state(application, _("inviare il preavviso di rigetto"))
    moment = moment or now()
    reasons = (reasons or "").strip()
    days = OBSERVATION_DAYS if term_days is None else term_days
    errors = []
    if not reasons:
        errors.append(
            {
                "code": "reasons_required",
                "field": "reasons",
                "message": _("Indicare i motivi che ostano all'accoglimento della domanda."),
            }
        )
    if not OBSERVATION_DAYS <= days <= MAX_TERM_DAYS:
        errors.append(
            {
                "code": "term_out_of_range",
                "field": "term_days",
                "message": _("Il termine per le osservazioni va da %(a)d a %(b)d giorni.")
                % {"a": OBSERVATION_DAYS, "b": MAX_TERM_DAYS},
            }
        )
    if errors:
        raise EvaluationError(_("Il preavviso di rigetto contiene errori."), errors=errors)
    by_pec = bool(application.applicant.pec)
    notice = save_audited(
        RejectionNotice(
            application=application,
            issued_by=actor,
            reasons=reasons,
            term_days=days,
            deadline=None,
            term_from_reading=not by_pec,
            stage=stage,
        ),
        actor=actor,
        reason="Preavviso di rigetto (art. 10-bis L. 241/1990)",
        action="rejection_notice.sent",
    )
    application.mark_rejection_notified()
    save_audited(application, actor=actor, reason="Preavviso di rigetto inviato")
    rejection_notice(actor=actor, application=application, notice=notice)
    when = (
        _("entro %(n)d giorni dalla consegna della PEC che riceverete") % {"n": days}
        if by_pec
        else _("entro %(n)d giorni dalla presa visione di questo preavviso nell'area riservata") % {"n": days}
    )
    _notify(
        actor=actor,
        application=application,
        link=reverse("evaluation:rejection_observations", args=[notice.pk]),
        subject=_("Preavviso di rigetto per la domanda %(p)s") % {"p": application.protocol},
        body=(
            _("L'istruttoria formale ha rilevato motivi che ostano all'accoglimento della domanda:")
            if stage == RejectionStage.ADMISSIBILITY
            else _("La valutazione di merito non ha raggiunto il punteggio minimo del bando:")
        )
        + "\n"
        + _("%(r)s\nPotete presentare osservazioni scritte, eventualmente con un documento, %(when)s.")
        % {"r": reasons, "when": when},
    )
    return notice


@transaction.atomic
def set_observation_deadline_from_delivery(*, notice) -> RejectionNotice | None:
    """The PEC of a notice was delivered (``notice_delivered``): the term starts; once."""
    found = (
        RejectionNotice.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__applicant")
        .filter(pk=notice.target_id)
        .first()
        if str(notice.target_id).isdigit()
        else None
    )
    if found is None or found.deadline is not None:
        return found
    found.deadline = end_of_day(in_rome(notice.delivered_at).date() + timedelta(days=found.term_days))
    save_audited(
        found,
        reason=f"Termine dalla consegna della PEC del {format_rome(notice.delivered_at)}",
        action="rejection_notice.deadline_set",
    )
    _notify(
        actor=None,
        application=found.application,
        link=reverse("evaluation:rejection_observations", args=[found.pk]),
        subject=_("Scadenza delle osservazioni per la domanda %(p)s") % {"p": found.application.protocol},
        body=_(
            "La PEC con il preavviso di rigetto è stata consegnata il %(at)s: le osservazioni vanno "
            "presentate entro il %(d)s (ora di Roma)."
        )
        % {"at": format_rome(notice.delivered_at), "d": format_rome(found.deadline)},
    )
    return found


@transaction.atomic
def submit_observations(
    *,
    actor,
    notice: RejectionNotice,
    text: str,
    document=None,
    moment: datetime | None = None,
) -> RejectionNotice:
    """The applicant's written observations (and a PDF or signed .p7m document, optional) within the term:
    the officer may then decide. Nothing is stored when anything is refused."""
    notice = RejectionNotice.objects.select_for_update().select_related("application").get(pk=notice.pk)
    application = _lock(notice.application)
    _require(
        permissions.can_answer_integration(actor, application),
        _("Non sei abilitato a presentare osservazioni."),
    )
    moment = moment or now()
    if notice.status != RejectionNoticeStatus.OPEN:
        raise WrongState(
            _("Il termine per le osservazioni è chiuso (%(s)s).") % {"s": notice.get_status_display()},
            code="notice_closed",
        )
    if notice.deadline is not None and moment > notice.deadline:
        raise WrongState(
            _("Il termine per le osservazioni è scaduto il %(d)s.") % {"d": format_rome(notice.deadline)},
            code="deadline_passed",
        )
    text = (text or "").strip()
    errors = []
    if not text:
        errors.append(
            {"code": "required", "field": "observations", "message": _("Scrivere le osservazioni.")}
        )
    if document is not None:
        try:
            check_upload(
                document, allowed_types=[PDF], max_bytes=OBSERVATION_DOCUMENT_MAX_BYTES, allow_signed=True
            )
        except UploadRefused as refusal:
            errors.append({"code": refusal.code, "field": "document", "message": str(refusal)})
    if errors:
        raise EvaluationError(_("Le osservazioni non sono state inviate."), errors=errors)
    notice.observations = text
    if document is not None:
        notice.observations_document.save(safe_filename(document.name), document, save=False)
    notice.mark_observed()
    notice.observed_by = actor
    notice.observed_at = moment
    save_audited(
        notice, actor=actor, reason="Osservazioni al preavviso di rigetto", action="rejection_notice.observed"
    )
    return notice


def ready_for_decision(application: Application, moment: datetime | None = None) -> RejectionNotice | None:
    """For an application waiting on a notice: the notice once the officer may decide (observations in, or
    the term over — a passed term is recorded here as lapsed); WrongState while the term runs."""
    notice = latest_notice(application)
    if notice is None:
        return None
    moment = moment or now()
    if notice.status == RejectionNoticeStatus.OPEN:
        if notice.deadline is None or moment <= notice.deadline:
            if notice.deadline is not None:
                when = _("fino al %(d)s (ora di Roma)") % {"d": format_rome(notice.deadline)}
            elif notice.term_from_reading:
                when = _("dalla presa visione nell'area riservata, non ancora avvenuta")
            else:
                when = _("dalla consegna della PEC, non ancora avvenuta")
            raise WrongState(
                _(
                    "Il termine per le osservazioni al preavviso di rigetto è in corso (%(w)s): "
                    "si decide dopo."
                )
                % {"w": when},
                code="observation_term_running",
            )
        notice.mark_lapsed()
        save_audited(notice, reason="Termine per le osservazioni scaduto", action="rejection_notice.lapsed")
    return notice


def lapse_rejection_notices(moment: datetime | None = None) -> list[RejectionNotice]:
    """Open notices past their term: lapsed, so the officer sees them to decide. Repeatable (Celery beat)."""
    moment = moment or now()
    lapsed = []
    for pk in RejectionNotice.objects.filter(
        status=RejectionNoticeStatus.OPEN, deadline__isnull=False, deadline__lt=moment
    ).values_list("pk", flat=True):
        with transaction.atomic():
            notice = RejectionNotice.objects.select_for_update().filter(pk=pk).first()
            if (
                notice is not None
                and notice.status == RejectionNoticeStatus.OPEN
                and notice.deadline < moment
            ):
                notice.mark_lapsed()
                save_audited(
                    notice, reason="Termine per le osservazioni scaduto", action="rejection_notice.lapsed"
                )
                lapsed.append(notice)
    return lapsed

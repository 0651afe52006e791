"""The formal notices of the evaluation sent by PEC (grants.notifications.pec) to the applicant
organisation's PEC address, in the transaction of the act: the integration request (its term counts from
the delivery, grants.evaluation.receivers), the notice of intended rejection (preavviso di rigetto, art.
10-bis L. 241/1990: its term for observations counts from the delivery too) and the grant decision
(ranking approval, slide, or a first-come call's own determination)."""

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from grants.applications.models import Application
from grants.core.money import format_eur
from grants.notifications.pec import texts
from grants.notifications.pec.models import PecKind, PecNotice
from grants.notifications.pec.services import issue_notice

from ..models import IntegrationRequest, RankingEntry, RejectionNotice, RejectionStage


def _heading(application: Application) -> str:
    return texts.heading(
        organisation_name=application.applicant.name,
        call_title=application.call.title,
        protocol=application.protocol,
    )


def _send(*, actor, application: Application, kind: str, subject: str, body: str, target, term_days: int):
    """The formal notice of an act on ``application`` to the applicant organisation's PEC; ``subject`` names
    the protocol (``%(p)s``) and the call (``%(call)s``)."""
    return issue_notice(
        actor=actor,
        kind=kind,
        recipient=application.applicant.pec,
        organisation=application.applicant,
        subject=subject % {"p": application.protocol, "call": application.call.title},
        body=body,
        call=application.call,
        target=target,
        term_days=term_days,
    )


def _acceptance() -> str:
    """What a grant decision asks of the beneficiary next (ranking, slide and sportello alike)."""
    return _(
        "Il contributo va accettato dall'area riservata della piattaforma entro il termine indicato "
        "nella pagina del progetto e nel bando; in mancanza di accettazione entro il termine il "
        "contributo decade."
    )


def integration_request_notice(
    *, actor, application: Application, request: IntegrationRequest, items: Sequence[str], message: str
) -> PecNotice:
    listed = "\n".join(f"{n}. {d}" for n, d in enumerate(items, start=1))
    body = texts.compose(
        _heading(application),
        _(
            "Oggetto: richiesta di integrazione documentale (soccorso istruttorio, art. 6, comma 1, lett. b, "
            "L. 241/1990) relativa alla domanda protocollo n. %(p)s."
        )
        % {"p": application.protocol},
        _("Nel corso dell'istruttoria formale si chiede di integrare la domanda con:\n%(items)s")
        % {"items": listed},
        _(
            "Per ciascun elemento va allegato un documento firmato digitalmente (PAdES o CAdES) dal legale "
            "rappresentante o da un delegato dell'organizzazione."
        )
        if request.signature_required
        else "",
        message,
        _(
            "L'integrazione va inviata dall'area riservata della piattaforma entro %(n)d giorni dalla "
            "consegna di questa comunicazione PEC, fino alle 23:59:59 (ora di Roma) dell'ultimo giorno. "
            "Fino alla risposta, e comunque fino alla scadenza del termine, il procedimento è sospeso. "
            "In mancanza di risposta entro il termine la domanda sarà dichiarata non ammissibile."
        )
        % {"n": request.term_days},
        texts.signature(),
    )
    return _send(
        actor=actor,
        application=application,
        kind=PecKind.INTEGRATION_REQUEST,
        subject=_("Richiesta di integrazione – domanda %(p)s – %(call)s"),
        body=body,
        target=request,
        term_days=request.term_days,
    )


def rejection_notice(*, actor, application: Application, notice: RejectionNotice) -> PecNotice:
    """Art. 10-bis L. 241/1990: the reasons that stand in the way of the application, the term for written
    observations (from the delivery of this PEC), and that the terms of the procedure are suspended."""
    body = texts.compose(
        _heading(application),
        _(
            "Oggetto: comunicazione dei motivi ostativi all'accoglimento dell'istanza (preavviso di rigetto, "
            "art. 10-bis L. 241/1990) – domanda protocollo n. %(p)s."
        )
        % {"p": application.protocol},
        _("Dall'istruttoria formale risultano i seguenti motivi che ostano all'accoglimento della domanda:")
        if notice.stage == RejectionStage.ADMISSIBILITY
        else _(
            "Dalla valutazione di merito risulta un punteggio inferiore al minimo previsto dal bando, per i "
            "seguenti motivi che ostano all'accoglimento della domanda:"
        ),
        notice.reasons,
        _(
            "Entro %(n)d giorni dalla consegna di questa comunicazione PEC, fino alle 23:59:59 (ora di Roma) "
            "dell'ultimo giorno, il proponente può presentare per iscritto le proprie osservazioni, "
            "eventualmente corredate da documenti, dall'area riservata della piattaforma. "
            "La comunicazione sospende i termini del procedimento, che riprendono dalla presentazione "
            "delle osservazioni o, in mancanza, dalla scadenza del termine. Dell'eventuale mancato "
            "accoglimento delle osservazioni sarà data ragione nel provvedimento finale."
        )
        % {"n": notice.term_days},
        texts.signature(),
    )
    return _send(
        actor=actor,
        application=application,
        kind=PecKind.REJECTION_NOTICE,
        subject=_("Preavviso di rigetto (art. 10-bis L. 241/1990) – domanda %(p)s – %(call)s"),
        body=body,
        target=notice,
        term_days=notice.term_days,
    )


def grant_decision_notice(
    *,
    actor,
    application: Application,
    entry: RankingEntry,
    determination_number: str,
    determination_date: date | None,
    slide: bool = False,
) -> PecNotice:
    act = _("determinazione n. %(n)s del %(d)s") % {
        "n": determination_number or "–",
        "d": determination_date.strftime("%d/%m/%Y") if determination_date else "–",
    }
    how = (
        _("per scorrimento della graduatoria approvata con %(act)s, a seguito di una rinuncia")
        if slide
        else _("con %(act)s di approvazione della graduatoria")
    ) % {"act": act}
    partial = entry.granted < entry.requested
    body = texts.compose(
        _heading(application),
        _("Oggetto: provvedimento di concessione del contributo – domanda protocollo n. %(p)s.")
        % {"p": application.protocol},
        _(
            "Si comunica che, %(how)s, la domanda è ammessa a finanziamento con un contributo di %(g)s"
            "%(partial)s, in posizione %(pos)s della graduatoria."
        )
        % {
            "how": how,
            "g": format_eur(entry.granted),
            "partial": (_(" su %(r)s richiesti (risorse residue)") % {"r": format_eur(entry.requested)})
            if partial
            else "",
            "pos": entry.position or "–",
        },
        _acceptance(),
        texts.remedies(),
        texts.signature(),
    )
    return _send(
        actor=actor,
        application=application,
        kind=PecKind.GRANT_DECISION,
        subject=_("Provvedimento di concessione – domanda %(p)s – %(call)s"),
        body=body,
        target=application,
        term_days=texts.APPEAL_DAYS_TAR,
    )


def desk_grant_notice(
    *, actor, application: Application, amount, loan_amount, number: str, decided_on: date
) -> PecNotice:
    """The concession of a first-come (sportello) application by its own determination."""
    loan = (
        _(" (di cui %(l)s come finanziamento agevolato e %(g)s a fondo perduto)")
        % {"l": format_eur(loan_amount), "g": format_eur(amount - loan_amount)}
        if loan_amount
        else ""
    )
    body = texts.compose(
        _heading(application),
        _("Oggetto: provvedimento di concessione dell'agevolazione – domanda protocollo n. %(p)s.")
        % {"p": application.protocol},
        _(
            "Si comunica che, con determinazione n. %(n)s del %(d)s, la domanda, esaminata a sportello in "
            "ordine di protocollo, è ammessa a finanziamento con un'agevolazione di %(a)s%(loan)s."
        )
        % {"n": number, "d": decided_on.strftime("%d/%m/%Y"), "a": format_eur(amount), "loan": loan},
        _acceptance(),
        texts.remedies(),
        texts.signature(),
    )
    return _send(
        actor=actor,
        application=application,
        kind=PecKind.GRANT_DECISION,
        subject=_("Provvedimento di concessione – domanda %(p)s – %(call)s"),
        body=body,
        target=application,
        term_days=texts.APPEAL_DAYS_TAR,
    )

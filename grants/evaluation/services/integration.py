"""Integration requests (soccorso istruttorio): asked by the officer, answered by the applicant,
expired by the clock."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.core.audit import save_audited
from grants.core.signatures import P7M, SignatureCheck, has_pdf_signature
from grants.core.timeutils import deadline_from, end_of_day, format_rome, in_rome, now
from grants.core.uploads import PDF, UploadRefused, check_upload, safe_filename
from grants.notifications import events
from grants.registry.signing import signed_for

from .. import permissions, selectors
from ..models import (
    DEFAULT_INTEGRATION_DAYS,
    AdmissibilityOutcome,
    AdmissibilityReview,
    IntegrationItem,
    IntegrationRequest,
    IntegrationStatus,
)
from .common import (
    EvaluationError,
    WrongState,
    _lock,
    _notify,
    _notify_call_staff,
    _require,
    _wrong_state,
)
from .formal import integration_request_notice
from .rejection import notice_required


# --- integration requests (soccorso istruttorio) ------------------------------------------------------------
@transaction.atomic
def request_integration(
    *,
    actor,
    application: Application,
    items: Sequence[str],
    message: str = "",
    deadline: date | datetime | None = None,
    signature_required: bool = False,
    moment: datetime | None = None,
) -> IntegrationRequest:
    """Ask the applicant for the listed items; the formal check waits. ``signature_required``: each item is
    answered with a document signed digitally by the applicant's legal representative or a delegate. The
    officer's deadline (a date, or none: 10 days) gives the term in days, and a formal notice goes by PEC
    to the applicant organisation in this transaction: the deadline is the end of (delivery day + term) in
    Rome, set when the PEC is delivered (``set_deadline_from_delivery``). An organisation without PEC gets
    the notice in its reserved area only (the PEC notice is recorded as undeliverable for the officer) and
    the term runs from its first reading there (``services.reading``)."""
    _require(
        permissions.can_check_admissibility(actor, application.call_id),
        _("Non puoi richiedere integrazioni."),
    )
    application = _lock(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise _wrong_state(application, _("richiedere integrazioni"))
    moment = moment or now()
    descriptions = [item.strip() for item in items if item and item.strip()]
    errors = []
    if not descriptions:
        errors.append(
            {
                "code": "items_required",
                "field": "items",
                "message": _("Indicare almeno un elemento da integrare."),
            }
        )
    deadline = deadline_from(deadline, default_days=DEFAULT_INTEGRATION_DAYS, moment=moment)
    if deadline <= moment:
        errors.append(
            {"code": "deadline_past", "field": "deadline", "message": _("La scadenza deve essere futura.")}
        )
    if errors:
        raise EvaluationError(_("La richiesta di integrazione contiene errori."), errors=errors)
    term_days = max(1, (in_rome(deadline).date() - in_rome(moment).date()).days)
    by_pec = bool(application.applicant.pec)
    request = save_audited(
        IntegrationRequest(
            application=application,
            requested_by=actor,
            message=message.strip(),
            term_days=term_days,
            deadline=None,
            term_from_reading=not by_pec,
            signature_required=signature_required,
        ),
        actor=actor,
        reason="Richiesta di integrazione",
        action="integration.requested",
    )
    for order, description in enumerate(descriptions, start=1):
        save_audited(
            IntegrationItem(request=request, description=description[:500], order=order),
            actor=actor,
            reason="Elemento da integrare",
        )
    application.mark_integration_requested()
    save_audited(application, actor=actor, reason="Integrazione richiesta")
    integration_request_notice(
        actor=actor, application=application, request=request, items=descriptions, message=message.strip()
    )
    listed = "\n".join(f"- {d}" for d in descriptions)
    when = (
        _("entro %(n)d giorni dalla consegna della PEC che riceverete") % {"n": term_days}
        if by_pec
        else _("entro %(n)d giorni dalla presa visione di questa richiesta nell'area riservata")
        % {"n": term_days}
    )
    _notify(
        actor=actor,
        application=application,
        event=events.INTEGRATION_REQUESTED,
        link=reverse("evaluation:integration_answer", args=[request.pk]),
        subject=_("Richiesta di integrazione per la domanda %(p)s") % {"p": application.protocol},
        body=_("Si richiede di integrare %(when)s:\n%(items)s\n%(m)s")
        % {"when": when, "items": listed, "m": message.strip()}
        + (
            "\n"
            + _(
                "Per ogni elemento va allegato un documento firmato digitalmente dal legale rappresentante o "
                "da un delegato."
            )
            if signature_required
            else ""
        ),
    )
    return request


@transaction.atomic
def set_deadline_from_delivery(*, notice) -> IntegrationRequest | None:
    """The PEC of an integration request was delivered (``notice_delivered``): its deadline is the end of
    (delivery day + term) in Rome, audited, and the applicant is told the date. Once: a deadline already set
    stays."""
    request = (
        IntegrationRequest.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__applicant")
        .filter(pk=notice.target_id)
        .first()
        if notice.target_id.isdigit()
        else None
    )
    if request is None or request.deadline is not None:
        return request
    days = request.term_days or notice.term_days or DEFAULT_INTEGRATION_DAYS
    request.deadline = end_of_day(in_rome(notice.delivered_at).date() + timedelta(days=days))
    save_audited(
        request,
        reason=f"Termine dalla consegna della PEC del {format_rome(notice.delivered_at)}",
        action="integration.deadline_set",
    )
    application = request.application
    _notify(
        actor=None,
        application=application,
        event=events.INTEGRATION_REQUESTED,
        link=reverse("evaluation:integration_answer", args=[request.pk]),
        subject=_("Scadenza dell'integrazione per la domanda %(p)s") % {"p": application.protocol},
        body=_(
            "La PEC con la richiesta di integrazione è stata consegnata il %(at)s: l'integrazione va inviata "
            "entro il %(d)s (ora di Roma)."
        )
        % {"at": format_rome(notice.delivered_at), "d": format_rome(request.deadline)},
    )
    return request


@transaction.atomic
def answer_integration(
    *,
    actor,
    request: IntegrationRequest,
    responses: Mapping[int, str],
    documents: Mapping[int, object] | None = None,
    moment: datetime | None = None,
) -> IntegrationRequest:
    """The applicant answers every requested item (keyed by item id), and only those, before the deadline,
    with a document per item where it wants one (a PDF, or a signed PDF / .p7m) and where the request asks
    for one signed; the application goes back to the formal check. A signed document is verified: valid, by
    the applicant's legal representative or an active delegate. Nothing is stored when anything is refused."""
    request = IntegrationRequest.objects.select_for_update().select_related("application").get(pk=request.pk)
    application = _lock(request.application)
    _require(permissions.can_answer_integration(actor, application), _("Non sei abilitato a rispondere."))
    moment = moment or now()
    if request.status != IntegrationStatus.OPEN:
        raise WrongState(
            _("La richiesta di integrazione non è più aperta (%(s)s).") % {"s": request.get_status_display()}
        )
    if request.deadline is not None and moment > request.deadline:
        raise WrongState(
            _("La scadenza per rispondere era il %(d)s.") % {"d": format_rome(request.deadline)},
            code="deadline_passed",
        )
    items = {item.pk: item for item in request.items.all()}
    errors = [
        {"code": "unknown_item", "field": f"responses.{key}", "message": _("Elemento non richiesto.")}
        for key in responses
        if key not in items
    ]
    errors += [
        {
            "code": "response_required",
            "field": f"responses.{key}",
            "message": _("Risposta obbligatoria: «%(d)s».") % {"d": item.description},
        }
        for key, item in items.items()
        if not (responses.get(key) or "").strip()
    ]
    documents = documents or {}
    errors += [
        {"code": "unknown_item", "field": f"documents.{key}", "message": _("Elemento non richiesto.")}
        for key in documents
        if key not in items
    ]
    signatures: dict[int, SignatureCheck | None] = {}
    for key, item in items.items():
        uploaded = documents.get(key)
        if uploaded is None:
            if request.signature_required:
                errors.append(
                    {
                        "code": "signed_document_required",
                        "field": f"documents.{key}",
                        "message": _("«%(d)s»: allegare il documento firmato digitalmente.")
                        % {"d": item.description},
                    }
                )
            continue
        error, signatures[key] = _judged_document(uploaded, application, request.signature_required)
        if error:
            errors.append({**error, "field": f"documents.{key}"})
    if errors:
        raise EvaluationError(_("La risposta all'integrazione è incompleta."), errors=errors)
    for key, item in items.items():
        item.response = responses[key].strip()
        if key in documents:
            _attach(item, documents[key], signatures.get(key))
        save_audited(item, actor=actor, reason="Risposta all'integrazione")
    request.mark_answered()
    request.answered_by = actor
    request.answered_at = moment
    save_audited(request, actor=actor, reason="Integrazione inviata", action="integration.answered")
    application.mark_integration_answered()
    save_audited(application, actor=actor, reason="Integrazione ricevuta")
    return request


INTEGRATION_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def _judged_document(uploaded, application: Application, signature_required: bool):
    """(error or None, the verified signature or None): the file is a plain PDF, or a signed PDF / .p7m
    whose signature is valid and binds the applicant; a signature is required when the request says so."""
    try:
        kind = check_upload(
            uploaded, allowed_types=[PDF], max_bytes=INTEGRATION_DOCUMENT_MAX_BYTES, allow_signed=True
        )
    except UploadRefused as refusal:
        return {"code": refusal.code, "message": str(refusal)}, None
    uploaded.seek(0)
    data = b"".join(uploaded.chunks())
    uploaded.seek(0)
    if kind != P7M and not has_pdf_signature(data) and not signature_required:
        return None, None
    check = signed_for(data, application.applicant)
    if not check.valid:
        return {"code": check.code or "signature", "message": check.reason}, None
    return None, check


def _attach(item: IntegrationItem, uploaded, signature: SignatureCheck | None) -> None:
    item.original_name = safe_filename(uploaded.name)[:255]
    if signature is not None:
        item.signature_format = signature.format
        item.signer_name = signature.signer_name[:255]
        item.signer_fiscal_code = signature.fiscal_code
        item.signed_at = signature.signing_time
    uploaded.seek(0)
    item.document.save(item.original_name, uploaded, save=False)


def expire_integration_requests(moment: datetime | None = None) -> list[Application]:
    """Open requests past their deadline: expired. On ranking calls their applications become not
    admissible (with the reason recorded and sent to the applicant); where a negative decision needs the
    notice of intended rejection first (first-come calls, ``rejection.notice_required``) they go back to
    the formal check and the call's officers are told to send it; the booking stays until the decision.
    A request whose PEC is not delivered has no deadline yet and never expires here. Safe to run repeatedly
    (management command, Celery beat). Returns the applications concerned."""
    moment = moment or now()
    expired = []
    for pk in IntegrationRequest.objects.filter(
        status=IntegrationStatus.OPEN, deadline__isnull=False, deadline__lt=moment
    ).values_list("pk", flat=True):
        application = _expire_one(pk, moment)
        if application is not None:
            expired.append(application)
    return expired


@transaction.atomic
def _expire_one(pk: int, moment: datetime) -> Application | None:
    request = (
        IntegrationRequest.objects.select_for_update().filter(pk=pk, status=IntegrationStatus.OPEN).first()
    )
    if request is None or request.deadline is None or request.deadline >= moment:
        return None
    application = _lock(request.application)
    request.mark_expired()
    save_audited(request, reason="Integrazione scaduta", action="integration.expired")
    reasons = selectors.expired_integration_reasons(request)
    if notice_required(application):
        return _back_to_check(application, reasons)
    application.mark_not_admissible()
    save_audited(application, reason="Non ammissibile: integrazione non pervenuta")
    review = AdmissibilityReview.objects.filter(application=application).first() or AdmissibilityReview(
        application=application
    )
    review.outcome = AdmissibilityOutcome.NOT_ADMISSIBLE
    review.reasons = reasons
    review.decided_by = None
    review.decided_at = moment
    save_audited(review, reason="Integrazione scaduta", action="admissibility.decided")
    _notify(
        actor=None,
        application=application,
        event=events.INTEGRATION_EXPIRED,
        subject=_("Domanda %(p)s non ammissibile") % {"p": application.protocol},
        body=reasons,
    )
    if application.booking_outcome == BookingOutcome.BOOKED:
        application_services.release_booking(actor=None, application=application)
    return application


def _back_to_check(application: Application, reasons: str) -> Application:
    """Art. 10-bis: no negative decision without the notice; the officers send it from the formal check
    (the booking stays until the final decision)."""
    application.mark_integration_expired()
    save_audited(
        application,
        reason="Integrazione scaduta: torna all'istruttoria per il preavviso di rigetto",
        action="integration.expired_to_check",
    )
    _notify_call_staff(
        actor=None,
        application=application,
        event=events.INTEGRATION_EXPIRED,
        subject=_("Integrazione scaduta per la domanda %(p)s: inviare il preavviso di rigetto")
        % {"p": application.protocol},
        body=_(
            "%(r)s La domanda torna all'istruttoria formale: prima di dichiararla non ammissibile va "
            "inviato il preavviso di rigetto (art. 10-bis L. 241/1990) e atteso il termine per le "
            "osservazioni."
        )
        % {"r": reasons},
        link=reverse("evaluation:admissibility", args=[application.call.code, application.pk]),
    )
    return application

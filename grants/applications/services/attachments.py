"""The stamp duty (marca da bollo, or its exemption) and the documents attached to a draft."""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.signatures import SignatureCheck
from grants.core.timeutils import in_rome, now
from grants.core.uploads import UploadRefused, check_upload, safe_filename
from grants.programme.models import RequiredDocument
from grants.registry.signing import signed_for

from ..models import (
    Application,
    ApplicationDocument,
    ApplicationPartner,
)
from ..stamp_duty import DEFAULT_LEGAL_BASIS, EXEMPTION_LEGAL_FORMS, STAMP_NUMBER, StampDutyExemption
from .common import ApplicationError, _error, _lock, _require_editable, _require_member


# --- stamp duty ---------------------------------------------------------------------------------------------
def _stamp_duty_taken_error(number: str, other: Application, application: Application) -> ApplicationError:
    """Name the other use without revealing another applicant's data: the call and the protocol (or that it is
    a draft); the title only when both applications are the same organisation's."""
    if other.applicant_id == application.applicant_id:
        where = _("la domanda «%(title)s»") % {"title": other.title or _("senza titolo")}
    elif other.protocol:
        where = _("un'altra domanda al bando «%(call)s», protocollo %(protocol)s") % {
            "call": other.call.title,
            "protocol": other.protocol,
        }
    else:
        where = _("un'altra domanda al bando «%(call)s» (in bozza)") % {"call": other.call.title}
    message = _(
        "La marca da bollo %(number)s è già stata usata per %(where)s: ogni marca vale per una sola domanda."
    ) % {"number": number, "where": where}
    return ApplicationError(message, errors=[_error("stamp_duty_reused", "stamp_duty_number", message)])


def set_stamp_duty(
    *,
    actor,
    application: Application,
    number: str = "",
    issued_on=None,
    exemption: str = "",
    legal_basis: str = "",
) -> Application:
    """Record the marca da bollo (14-digit identifier and issue date) or the exemption that applies (with its
    legal basis, defaulted for the exemptions the platform knows). Empty both = nothing declared yet."""
    number = re.sub(r"\s+", "", number or "")
    exemption = exemption or ""
    legal_basis = (legal_basis or "").strip()
    errors: list[dict] = []
    if number and exemption:
        errors.append(
            _error(
                "stamp_duty_both",
                "stamp_duty_exemption",
                _("Indicare la marca da bollo oppure l'esenzione, non entrambe."),
            )
        )
    if number:
        if not STAMP_NUMBER.match(number):
            errors.append(
                _error(
                    "stamp_duty_number_invalid",
                    "stamp_duty_number",
                    _("L'identificativo della marca da bollo è di 14 cifre (indicato: «%(number)s»).")
                    % {"number": number},
                )
            )
        if issued_on is None:
            errors.append(
                _error("stamp_duty_date_missing", "stamp_duty_issued_on", _("Indicare la data di emissione."))
            )
        elif issued_on > in_rome(now()).date():
            errors.append(
                _error(
                    "stamp_duty_date_future",
                    "stamp_duty_issued_on",
                    _("La data di emissione non può essere futura."),
                )
            )
    if exemption and exemption not in StampDutyExemption.values:
        errors.append(
            _error("stamp_duty_exemption_invalid", "stamp_duty_exemption", _("Esenzione sconosciuta."))
        )
    with transaction.atomic():
        application = _lock(application)
        _require_member(actor, application)
        _require_editable(application)
        allowed = EXEMPTION_LEGAL_FORMS.get(exemption)
        if exemption and allowed is not None and application.applicant.legal_form not in allowed:
            errors.append(
                _error(
                    "stamp_duty_exemption_not_applicable",
                    "stamp_duty_exemption",
                    _("L'esenzione «%(exemption)s» non si applica a un soggetto «%(form)s».")
                    % {
                        "exemption": StampDutyExemption(exemption).label,
                        "form": application.applicant.get_legal_form_display(),
                    },
                )
            )
        if exemption:
            legal_basis = legal_basis or DEFAULT_LEGAL_BASIS.get(exemption, "")
            if not legal_basis:
                errors.append(
                    _error(
                        "stamp_duty_legal_basis_missing",
                        "stamp_duty_legal_basis",
                        _("Indicare la norma che prevede l'esenzione."),
                    )
                )
        if errors:
            raise ApplicationError(_("I dati sull'imposta di bollo contengono errori."), errors=errors)
        if number:
            other = (
                Application.objects.filter(stamp_duty_number=number)
                .exclude(pk=application.pk)
                .select_related("call")
                .first()
            )
            if other is not None:
                raise _stamp_duty_taken_error(number, other, application)
        application.stamp_duty_number = number
        application.stamp_duty_issued_on = issued_on if number else None
        application.stamp_duty_exemption = exemption
        application.stamp_duty_legal_basis = legal_basis[:255] if exemption else ""
        try:
            with transaction.atomic():
                return save_audited(application, actor=actor, reason="Imposta di bollo")
        except IntegrityError:
            # The same identifier saved at the same instant elsewhere: the database kept the other one.
            other = Application.objects.filter(stamp_duty_number=number).exclude(pk=application.pk).first()
            if number and other is not None:
                raise _stamp_duty_taken_error(number, other, application) from None
            raise


# --- documents ----------------------------------------------------------------------------------------------
@transaction.atomic
def attach_document(
    *,
    actor,
    application: Application,
    required_document: RequiredDocument,
    uploaded_file,
    partner: ApplicationPartner | None = None,
) -> ApplicationDocument:
    """Attach a file for a required document (replacing the previous one for the same document and partner);
    its SHA-256 enters the submission fingerprint."""
    application = _lock(application)
    _require_member(actor, application)
    _require_editable(application)
    if required_document.call_id != application.call_id:
        raise ApplicationError(_("Il documento non è richiesto da questo bando."), code="document_invalid")
    if partner is not None and partner.application_id != application.pk:
        raise ApplicationError(_("Il soggetto non fa parte del partenariato."), code="partner_invalid")
    try:
        content_type = check_upload(
            uploaded_file,
            allowed_types=required_document.allowed_types,
            max_bytes=required_document.max_size_mb * 1024 * 1024,
            declared_type=getattr(uploaded_file, "content_type", "") or "",
            allow_signed=required_document.requires_signature,
        )
    except UploadRefused as refusal:
        raise ApplicationError(str(refusal), code=refusal.code) from refusal
    signature = None
    if required_document.requires_signature:
        organisation = partner.organisation if partner is not None else application.applicant
        if organisation is None:
            raise ApplicationError(
                _(
                    "%(partner)s non è ancora registrato sulla piattaforma: il documento firmato si carica "
                    "dopo la registrazione, quando si può verificare chi lo rappresenta."
                )
                % {"partner": partner.name},
                code="signature_signer_unknown",
            )
        signature = _verified_signature(uploaded_file, organisation)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    for previous in application.documents.filter(required_document=required_document, partner=partner):
        # The replaced file stays in storage: its history row still names it, so earlier versions remain
        # available to officers and auditors.
        previous._history_user = actor
        previous.delete()
    document = ApplicationDocument(
        application=application,
        required_document=required_document,
        partner=partner,
        original_name=safe_filename(uploaded_file.name),
        content_type=content_type[:100],
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    if signature is not None:
        document.signature_format = signature.format
        document.signer_name = signature.signer_name[:255]
        document.signer_fiscal_code = signature.fiscal_code
        document.signed_at = signature.signing_time
    uploaded_file.seek(0)
    document.file.save(document.original_name, uploaded_file, save=False)
    return save_audited(document, actor=actor, reason="Documento allegato")


def _verified_signature(uploaded_file, organisation) -> SignatureCheck:
    """The document's valid digital signature by someone who binds ``organisation``, or ApplicationError."""
    uploaded_file.seek(0)
    data = b"".join(uploaded_file.chunks())
    uploaded_file.seek(0)
    check = signed_for(data, organisation)
    if not check.valid:
        raise ApplicationError(check.reason, code=check.code or "signature")
    return check

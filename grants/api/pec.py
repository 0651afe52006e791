"""API of the formal notices by PEC (thin: rules in grants.notifications.pec).

For the staff who manage PEC notices (``notifications.view_pecnotice``), on the calls they work on: the
notices (``undelivered=true`` for those still to deliver) and the upload of a receipt (.eml) when the PEC
mailbox is not read automatically. A receipt about a notice of another call is refused as one that is not
ours (problem+json, field ``file``)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.notifications.pec import permissions, selectors, services
from grants.notifications.pec.forms import ReceiptUploadForm

from .auth import API_AUTH
from .pagination import Pagination
from .problems import problem_responses
from .registry import validation_problem

router = Router(tags=["pec"], auth=API_AUTH)


class PecNoticeFilters(Schema):
    undelivered: bool = Field(False, description="true per le sole comunicazioni non ancora consegnate")


class PecNoticeOut(Schema):
    id: int
    kind: str
    kind_label: str
    call_code: str | None
    organisation_id: int | None
    organisation_name: str | None
    recipient: str = Field(description="Indirizzo PEC; vuoto se l'organizzazione non ne ha uno")
    subject: str
    status: str
    status_label: str
    error: str = Field(description="Perché non è partita o non è stata consegnata")
    term_days: int | None
    target_type: str | None = Field(description="Atto a cui si riferisce (app.modello)")
    target_id: str
    created_at: datetime
    sent_at: datetime | None
    accepted_at: datetime | None
    delivered_at: datetime | None
    deadline: datetime | None = Field(description="Fine del termine, dalla consegna (ora di Roma)")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_call_code(obj) -> str | None:
        return obj.call.code if obj.call_id else None

    @staticmethod
    def resolve_organisation_name(obj) -> str | None:
        return obj.organisation.name if obj.organisation_id else None

    @staticmethod
    def resolve_target_type(obj) -> str | None:
        return f"{obj.target_type.app_label}.{obj.target_type.model}" if obj.target_type_id else None


class PecReceiptOut(Schema):
    id: int
    kind: str
    moment: datetime
    recipient: str
    provider_id: str
    error: str
    created: bool = Field(description="false se la stessa ricevuta era già registrata")
    notice: PecNoticeOut


def _require_pec_staff(user) -> None:
    if not permissions.can_manage_pec(user):
        raise PermissionDenied(_("Le comunicazioni PEC sono riservate ai funzionari dei bandi."))


@router.get(
    "/pec/notices",
    response={200: list[PecNoticeOut], **problem_responses(403)},
    summary="Comunicazioni formali via PEC dei miei bandi",
)
@paginate(Pagination)
def list_notices(request, filters: Query[PecNoticeFilters]):
    """Dalla più vecchia; ``undelivered=true`` per quelle non ancora consegnate (in coda, inviate,
    accettate, rifiutate dal gestore o non inviabili per mancanza di PEC)."""
    _require_pec_staff(request.auth)
    return selectors.notices_for(request.auth, undelivered=filters.undelivered)


@router.post(
    "/pec/receipts",
    response={201: PecReceiptOut, 200: PecReceiptOut, **problem_responses(403, 422)},
    summary="Registra una ricevuta PEC (.eml)",
)
def upload_receipt(request, file: File[UploadedFile]):
    """Il messaggio della ricevuta (accettazione, consegna, errore) in formato .eml, come scaricato dalla
    casella PEC: 201 se registrata ora, 200 se era già registrata."""
    _require_pec_staff(request.auth)
    form = ReceiptUploadForm(data={}, files={"file": file})
    if not form.is_valid():
        return validation_problem(ValidationError(form.errors.as_data()))
    receipt, created = services.record_receipt(actor=request.auth, raw=form.cleaned_data["file"])
    notice = selectors.notices_for(request.auth).get(pk=receipt.notice_id)
    body = {
        "id": receipt.pk,
        "kind": receipt.kind,
        "moment": receipt.moment,
        "recipient": receipt.recipient,
        "provider_id": receipt.provider_id,
        "error": receipt.error,
        "created": created,
        "notice": notice,
    }
    return Status(201 if created else 200, body)

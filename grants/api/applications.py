"""API endpoints of the applications context (thin: input shapes here, rules in grants.applications.services).

Session authentication (the applicant's browser); another organisation's application does not exist (404).
Errors are application/problem+json with field-level ``errors``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.applications import bulk_download, document_access, exports, selectors, services
from grants.applications.bulk_download import ArchiveError
from grants.applications.models import (
    Application,
    ApplicationDocument,
    ApplicationPartner,
    DocumentArchive,
)
from grants.applications.permissions import can_view_call_applications
from grants.applications.receipt import receipt_filename, render_receipt_pdf
from grants.applications.services import ApplicationError, BudgetLineInput, PartnerInput
from grants.applications.states import ApplicationStatus
from grants.applications.tasks import stored_receipt
from grants.programme.models import Call, CallStatus
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Municipality, Province

from .auth import API_AUTH
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response

router = Router(tags=["applications"], auth=API_AUTH)


# --- shapes -------------------------------------------------------------------------------------------------
class DraftIn(Schema):
    organisation_id: int
    call_id: int


class GeneralIn(Schema):
    title: str
    abstract: str = ""
    partnership_name: str = ""
    municipality_codes: list[str] | None = None
    district_codes: list[str] | None = None
    province_codes: list[str] | None = None


class PartnerIn(Schema):
    organisation_id: int | None = None
    name: str = ""
    legal_form: str = ""
    share_percent: Decimal = Decimal(0)


class PartnersIn(Schema):
    lead_share_percent: Decimal | None = None
    partners: list[PartnerIn]


class BudgetLineIn(Schema):
    category: str
    amount: Decimal | None = None
    quantity: Decimal | None = None
    description: str = ""
    partner_id: int | None = None


class BudgetIn(Schema):
    lines: list[BudgetLineIn]


class StampDutyIn(Schema):
    number: str = ""
    issued_on: date | None = None
    exemption: str = ""
    legal_basis: str = ""


class StampDutyOut(Schema):
    number: str
    issued_on: date | None
    exemption: str
    legal_basis: str


class SubmitIn(Schema):
    declarations_accepted: bool = False


class PartnerOut(Schema):
    id: int
    organisation_id: int | None
    name: str
    legal_form: str
    role: str
    share_percent: Decimal
    confirmed_at: datetime | None


class BudgetLineOut(Schema):
    id: int
    category: str
    cost_option: str
    partner_id: int | None
    description: str
    quantity: Decimal | None
    unit_rate: Decimal | None
    amount: Decimal
    is_computed: bool


# A document's download: the file itself, documented as such in the schema.
_DOCUMENT_FILE = {
    "responses": {
        200: {
            "description": "Il file del documento (versione attuale), come caricato.",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class DocumentOut(Schema):
    id: int
    code: str = Field(description="Codice del documento richiesto dal bando")
    partner_id: int | None = Field(description="Il partner a cui si riferisce, per i documenti per partner")
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ApplicationSummaryOut(Schema):
    id: int
    call_id: int
    call_code: str
    applicant_id: int
    applicant_name: str
    title: str
    status: str
    booking_outcome: str
    total_cost: Decimal
    requested_grant: Decimal
    protocol: str
    submitted_at: datetime | None


class ApplicationOut(ApplicationSummaryOut):
    abstract: str
    partnership_name: str
    cofinancing: Decimal
    booked_amount: Decimal
    fingerprint: str
    withdrawn_at: datetime | None
    municipality_codes: list[str]
    district_codes: list[str]
    province_codes: list[str]
    partners: list[PartnerOut]
    budget_lines: list[BudgetLineOut]
    stamp_duty: StampDutyOut
    documents: list[DocumentOut]


class ViolationOut(Schema):
    code: str
    field: str
    message: str


class ChecksOut(Schema):
    ready: bool
    violations: list[ViolationOut]


class SubmissionOut(Schema):
    id: int
    status: str
    protocol: str
    protocol_year: int
    protocol_number: int
    submitted_at: datetime
    fingerprint: str
    booking_outcome: str
    requested_grant: Decimal


class PartnershipOut(Schema):
    id: int
    application_id: int
    application_title: str
    applicant_name: str
    call_code: str
    share_percent: Decimal
    confirmed_at: datetime | None


# --- helpers ------------------------------------------------------------------------------------------------
def _summary(application: Application) -> dict:
    return {
        "id": application.pk,
        "call_id": application.call_id,
        "call_code": application.call.code,
        "applicant_id": application.applicant_id,
        "applicant_name": application.applicant.name,
        "title": application.title,
        "status": application.status,
        "booking_outcome": application.booking_outcome,
        "total_cost": application.total_cost,
        "requested_grant": application.requested_grant,
        "protocol": application.protocol,
        "submitted_at": application.submitted_at,
    }


def _detail(application: Application) -> dict:
    partners = application.partners.select_related("organisation").order_by("order", "pk")
    lines = application.budget_lines.select_related("category").order_by("order", "pk")
    return {
        **_summary(application),
        "abstract": application.abstract,
        "partnership_name": application.partnership_name,
        "cofinancing": application.cofinancing,
        "booked_amount": application.booked_amount,
        "fingerprint": application.fingerprint,
        "withdrawn_at": application.withdrawn_at,
        "municipality_codes": sorted(application.municipalities.values_list("istat_code", flat=True)),
        "district_codes": sorted(application.districts.values_list("code", flat=True)),
        "province_codes": sorted(application.provinces.values_list("istat_code", flat=True)),
        "partners": [
            {
                "id": p.pk,
                "organisation_id": p.organisation_id,
                "name": p.display_name,
                "legal_form": p.effective_legal_form,
                "role": p.role,
                "share_percent": p.share_percent,
                "confirmed_at": p.confirmed_at,
            }
            for p in partners
        ],
        "documents": [
            {
                "id": document.pk,
                "code": document.required_document.code,
                "partner_id": document.partner_id,
                "original_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": document.created_at,
            }
            for document in application.documents.select_related("required_document").order_by(
                "required_document__order", "required_document__code", "pk"
            )
        ],
        "stamp_duty": {
            "number": application.stamp_duty_number,
            "issued_on": application.stamp_duty_issued_on,
            "exemption": application.stamp_duty_exemption,
            "legal_basis": application.stamp_duty_legal_basis,
        },
        "budget_lines": [
            {
                "id": line.pk,
                "category": line.category.code,
                "cost_option": line.category.cost_option,
                "partner_id": line.partner_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_rate": line.unit_rate,
                "amount": line.amount,
                "is_computed": line.is_computed,
            }
            for line in lines
        ],
    }


def _submission(application: Application) -> dict:
    return {
        "id": application.pk,
        "status": application.status,
        "protocol": application.protocol,
        "protocol_year": application.protocol_year,
        "protocol_number": application.protocol_number,
        "submitted_at": application.submitted_at,
        "fingerprint": application.fingerprint,
        "booking_outcome": application.booking_outcome,
        "requested_grant": application.requested_grant,
    }


def _problem(exc: ApplicationError, **extra):
    return problem_response(exc.status, detail=exc.message, errors=exc.errors, code=exc.code, **extra)


def _forbidden(exc: PermissionDenied):
    return problem_response(403, detail=str(exc) or "Operazione non consentita.")


def _invalid(errors: list[dict]):
    return problem_response(422, detail="I dati inviati non sono validi.", errors=errors)


def _application(request, application_id: int) -> Application:
    try:
        return selectors.application_for_user(request.auth, application_id)
    except Application.DoesNotExist:
        raise Http404 from None


def _by_codes(model, lookup: str, codes: list[str] | None, field: str, errors: list[dict]):
    if codes is None:
        return None
    wanted = {code.strip() for code in codes}
    found = list(model.objects.filter(**{f"{lookup}__in": wanted}))
    missing = sorted(wanted - {getattr(obj, lookup) for obj in found})
    for code in missing:
        errors.append({"code": "unknown_code", "field": field, "message": f"Codice sconosciuto: {code}."})
    return found


# --- endpoints ----------------------------------------------------------------------------------------------
APPLICATION_ORDERING = Ordering(
    "-created_at",
    created_at="created_at",
    submitted_at="submitted_at",
    protocol=("protocol_year", "protocol_number"),
    title="title",
    requested_grant="requested_grant",
)
ApplicationStatusFilter = Literal[tuple(ApplicationStatus.values)]  # type: ignore[valid-type]


class ApplicationFilters(Schema):
    organisation_id: int | None = Field(None, description="Solo le domande di questa organizzazione")
    call: str | None = Field(None, description="Codice del bando")
    status: ApplicationStatusFilter | None = None
    q: str = Field("", max_length=100, description="Testo nel titolo, o il protocollo esatto (2026/000123)")
    ordering: APPLICATION_ORDERING.choices = APPLICATION_ORDERING.field()


@router.get("/applications", response=list[ApplicationSummaryOut])
@paginate(Pagination, page_size=20)
def list_applications(request, filters: Query[ApplicationFilters]):
    """The applications of the organisations the caller acts for."""
    queryset = selectors.applications_for_user(request.auth)
    if filters.organisation_id is not None:
        queryset = queryset.filter(applicant_id=filters.organisation_id)
    if filters.call:
        queryset = queryset.filter(call__code=filters.call)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    q = " ".join(filters.q.split())
    if q:
        queryset = queryset.filter(_text_or_protocol(q))
    return LazyRows(APPLICATION_ORDERING.apply(queryset, filters.ordering), _summary)


def _text_or_protocol(q: str) -> Q:
    year, _slash, number = q.partition("/")
    if len(year) == 4 and year.isdigit() and 0 < len(number) <= 9 and number.isdigit():
        return Q(title__icontains=q) | Q(protocol_year=int(year), protocol_number=int(number))
    return Q(title__icontains=q)


@router.post("/applications", response={201: ApplicationOut})
def create_application(request, payload: DraftIn):
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    call = Call.objects.filter(pk=payload.call_id).exclude(status=CallStatus.DRAFT).first()
    if organisation is None or call is None:
        field = "organisation_id" if organisation is None else "call_id"
        return _invalid([{"code": "not_found", "field": field, "message": "Non trovato."}])
    try:
        application = services.create_draft(actor=request.auth, organisation=organisation, call=call)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return Status(201, _detail(application))


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request, application_id: int):
    return _detail(_application(request, application_id))


@router.put("/applications/{application_id}/general", response=ApplicationOut)
def update_application_general(request, application_id: int, payload: GeneralIn):
    application = _application(request, application_id)
    errors: list[dict] = []
    municipalities = _by_codes(
        Municipality, "istat_code", payload.municipality_codes, "municipality_codes", errors
    )
    districts = _by_codes(CohesionDistrict, "code", payload.district_codes, "district_codes", errors)
    provinces = _by_codes(Province, "istat_code", payload.province_codes, "province_codes", errors)
    if errors:
        return _invalid(errors)
    try:
        application = services.update_general(
            actor=request.auth,
            application=application,
            title=payload.title,
            abstract=payload.abstract,
            partnership_name=payload.partnership_name,
            municipalities=municipalities,
            districts=districts,
            provinces=provinces,
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _detail(application)


@router.put("/applications/{application_id}/stamp-duty", response=ApplicationOut)
def set_application_stamp_duty(request, application_id: int, payload: StampDutyIn):
    """La marca da bollo (identificativo di 14 cifre e data di emissione) oppure l'esenzione
    (``third_sector``, ``public_body``, ``other``) con la sua base giuridica.
    Una marca già usata su un'altra domanda: 422."""
    application = _application(request, application_id)
    try:
        application = services.set_stamp_duty(
            actor=request.auth,
            application=application,
            number=payload.number,
            issued_on=payload.issued_on,
            exemption=payload.exemption,
            legal_basis=payload.legal_basis,
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _detail(application)


@router.put("/applications/{application_id}/partners", response=ApplicationOut)
def set_application_partners(request, application_id: int, payload: PartnersIn):
    application = _application(request, application_id)
    ids = {p.organisation_id for p in payload.partners if p.organisation_id is not None}
    organisations = Organisation.objects.in_bulk(ids)
    errors = [
        {
            "code": "not_found",
            "field": f"partners[{i}].organisation_id",
            "message": "Organizzazione non trovata.",
        }
        for i, p in enumerate(payload.partners)
        if p.organisation_id is not None and p.organisation_id not in organisations
    ]
    if errors:
        return _invalid(errors)
    partners = [
        PartnerInput(
            organisation=organisations.get(p.organisation_id) if p.organisation_id is not None else None,
            name=p.name,
            legal_form=p.legal_form,
            share_percent=p.share_percent,
        )
        for p in payload.partners
    ]
    try:
        services.set_partners(
            actor=request.auth,
            application=application,
            partners=partners,
            lead_share_percent=payload.lead_share_percent,
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _detail(application)


@router.put("/applications/{application_id}/budget", response=ApplicationOut)
def set_application_budget(request, application_id: int, payload: BudgetIn):
    application = _application(request, application_id)
    partners = {p.pk: p for p in application.partners.all()}
    errors = [
        {"code": "not_found", "field": f"lines[{i}].partner_id", "message": "Partner non trovato."}
        for i, line in enumerate(payload.lines)
        if line.partner_id is not None and line.partner_id not in partners
    ]
    if errors:
        return _invalid(errors)
    lines = [
        BudgetLineInput(
            category=line.category,
            amount=line.amount,
            quantity=line.quantity,
            description=line.description,
            partner=partners.get(line.partner_id) if line.partner_id is not None else None,
        )
        for line in payload.lines
    ]
    try:
        application = services.set_budget(actor=request.auth, application=application, lines=lines)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _detail(application)


@router.post("/applications/{application_id}/documents/{document_code}", response={201: ApplicationOut})
def attach_application_document(request, application_id: int, document_code: str, file: File[UploadedFile]):
    application = _application(request, application_id)
    required = application.call.required_documents.filter(code=document_code).first()
    if required is None:
        raise Http404
    try:
        services.attach_document(
            actor=request.auth, application=application, required_document=required, uploaded_file=file
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return Status(201, _detail(application))


@router.get(
    "/applications/{application_id}/documents/{document_id}/file",
    openapi_extra=_DOCUMENT_FILE,
)
def download_own_document(request, application_id: int, document_id: int):
    """Un documento caricato su una domanda della propria organizzazione (bozza o inviata); ogni download è
    registrato."""
    return _document_download(
        request,
        lambda: document_access.applicant_document(request.auth, application_id, document_id),
        document_access.open_document_for_applicant,
    )


def _document_download(request, find, open_document):
    """Find the document (404 when absent), open it for the caller (403 when refused), stream it."""
    try:
        document = find()
    except ApplicationDocument.DoesNotExist:
        raise Http404 from None
    try:
        handle = open_document(actor=request.auth, document=document, request=request)
    except PermissionDenied as exc:
        return _forbidden(exc)
    return document_access.download_response(handle, document)


@router.get("/applications/{application_id}/checks", response=ChecksOut)
def application_checks(request, application_id: int):
    violations = selectors.check_application(_application(request, application_id))
    return {"ready": not violations, "violations": [v.as_dict() for v in violations]}


@router.post("/applications/{application_id}/submit", response=SubmissionOut)
def submit_application(
    request,
    application_id: int,
    payload: SubmitIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    application = _application(request, application_id)
    if not idempotency_key or not idempotency_key.strip():
        return problem_response(
            400,
            detail="Manca l'intestazione Idempotency-Key: serve a non inviare due volte la stessa domanda.",
            errors=[
                {"code": "required", "field": "Idempotency-Key", "message": "Intestazione obbligatoria."}
            ],
        )
    try:
        result = services.submit(
            actor=request.auth,
            application=application,
            idempotency_key=idempotency_key,
            declarations_accepted=payload.declarations_accepted,
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except services.AlreadySubmitted as exc:
        return _problem(exc, protocol=exc.application.protocol)
    except ApplicationError as exc:
        return _problem(exc)
    # The same key always gets the same answer; a repeated request is only marked by this header.
    response["Idempotent-Replayed"] = "false" if result.created else "true"
    return _submission(result.application)


@router.get(
    "/applications/{application_id}/receipt.pdf",
    openapi_extra={
        "responses": {
            200: {
                "description": "La ricevuta di invio in PDF (numero di protocollo, dati inviati, impronta).",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            409: {"description": "La domanda non è ancora stata inviata."},
        }
    },
)
def download_application_receipt(request, application_id: int):
    """The PDF receipt of a submitted application (409 before submission)."""
    application = _application(request, application_id)
    if application.protocol_number is None:
        return problem_response(
            409, detail="La ricevuta esiste solo per le domande inviate.", code="not_submitted"
        )
    # The copy the worker stored at submission, else rendered now (no broker, or not made yet).
    pdf = stored_receipt(application) or render_receipt_pdf(application)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(application)}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/applications/{application_id}/withdraw", response=ApplicationOut)
def withdraw_application(request, application_id: int):
    application = _application(request, application_id)
    try:
        application = services.withdraw(actor=request.auth, application=application)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _detail(application)


def _partnership(partner: ApplicationPartner) -> dict:
    return {
        "id": partner.pk,
        "application_id": partner.application_id,
        "application_title": partner.application.title,
        "applicant_name": partner.application.applicant.name,
        "call_code": partner.application.call.code,
        "share_percent": partner.share_percent,
        "confirmed_at": partner.confirmed_at,
    }


PARTNERSHIP_ORDERING = Ordering(
    "-created_at", created_at="created_at", application_title="application__title"
)


class PartnershipFilters(Schema):
    call: str | None = Field(None, description="Codice del bando")
    confirmed: bool | None = Field(None, description="true: già confermate; false: da confermare")
    ordering: PARTNERSHIP_ORDERING.choices = PARTNERSHIP_ORDERING.field()


@router.get("/partnerships", response=list[PartnershipOut])
@paginate(Pagination, page_size=20)
def list_partnerships(request, filters: Query[PartnershipFilters]):
    """Partner rows the user may confirm (for the organisations they act for), in draft applications."""
    partners = selectors.partnerships_to_confirm(request.auth)
    if filters.call:
        partners = partners.filter(application__call__code=filters.call)
    if filters.confirmed is not None:
        partners = partners.filter(confirmed_at__isnull=not filters.confirmed)
    return LazyRows(PARTNERSHIP_ORDERING.apply(partners, filters.ordering), _partnership)


@router.post("/partnerships/{partner_id}/confirm", response=PartnershipOut)
def confirm_partnership(request, partner_id: int):
    try:
        partner = selectors.partnership_for_user(request.auth, partner_id)
    except ApplicationPartner.DoesNotExist:
        raise Http404 from None
    try:
        partner = services.confirm_participation(actor=request.auth, partner=partner)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ApplicationError as exc:
        return _problem(exc)
    return _partnership(partner)


# --- officers: export, document archives, one document ----------------------------------------------------
class DocumentArchiveOut(Schema):
    id: int
    call_code: str
    status: str
    done: int
    total: int
    applications: int
    size: int
    sha256: str
    error: str
    requested_by: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


OFFICER_ONLY = "Solo il personale della Regione abilitato alle domande del bando."
# The API's names of the officers' list filters -> the list's own (validated by the same form).
EXPORT_FILTERS = {"status": "stato", "province": "provincia", "legal_form": "tipologia", "q": "q"}


def _officer_call(request, code: str):
    """The call for staff with rights on its applications; a problem response for anyone else."""
    call = Call.objects.filter(code=code).first()
    if not can_view_call_applications(request.auth, call):
        return None, problem_response(403, detail=OFFICER_ONLY, code="forbidden")
    if call is None:
        raise Http404
    return call, None


def _archive_out(archive: DocumentArchive) -> dict:
    done = archive.status == "done"
    return {
        "id": archive.pk,
        "call_code": archive.call.code,
        "status": archive.status,
        "done": archive.done,
        "total": archive.total,
        "applications": archive.applications,
        "size": archive.size,
        "sha256": archive.sha256,
        "error": archive.error,
        "requested_by": archive.requested_by.email,
        "created_at": archive.created_at,
        "finished_at": archive.finished_at,
        "download_url": (
            f"/api/v1/calls/{archive.call.code}/document-archives/{archive.pk}/download" if done else None
        ),
    }


def _archive(call, archive_id: int) -> DocumentArchive:
    try:
        return bulk_download.archive_for(call, archive_id)
    except DocumentArchive.DoesNotExist:
        raise Http404 from None


@router.get(
    "/calls/{code}/applications/export.xlsx",
    openapi_extra={
        "responses": {
            200: {
                "description": "Le domande inviate al bando che corrispondono ai filtri, in XLSX.",
                "content": {exports.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_call_applications(
    request,
    code: str,
    status: str | None = None,
    province: str | None = None,
    legal_form: str | None = None,
    q: str | None = None,
):
    """Le domande inviate al bando in XLSX, con i filtri dell'elenco dei funzionari: ``status`` (stato),
    ``province`` (codice ISTAT della provincia della sede del proponente), ``legal_form`` (tipologia),
    ``q`` (titolo, denominazione, codice fiscale o protocollo). Un valore non valido: 422."""
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    values = {"status": status, "province": province, "legal_form": legal_form, "q": q}
    data = {EXPORT_FILTERS[name]: value for name, value in values.items() if value}
    form, filters = exports.officer_filters(data)
    if data and not form.is_valid():
        by_form_name = {v: k for k, v in EXPORT_FILTERS.items()}
        return _invalid(
            [
                {"code": "invalid", "field": by_form_name.get(name, name), "message": str(message)}
                for name, messages in form.errors.items()
                for message in messages
            ]
        )
    try:
        content, _rows = exports.export_call_applications(
            actor=request.auth, call=call, filters=filters, request=request
        )
    except PermissionDenied as exc:
        return _forbidden(exc)
    except exports.ExportTooLarge as exc:
        return problem_response(422, detail=str(exc), code="export_too_large")
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(call)}"'
    response["Cache-Control"] = "no-store"
    return response


@router.post("/calls/{code}/document-archives", response={202: DocumentArchiveOut})
def start_document_archive(request, code: str):
    """Avvia la preparazione dello zip dei documenti delle domande inviate (o restituisce quella già in
    corso dello stesso utente). Si segue con ``GET …/document-archives/{id}`` fino a ``done``."""
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    try:
        archive = bulk_download.request_archive(actor=request.auth, call=call, request=request)
    except PermissionDenied as exc:
        return _forbidden(exc)
    return Status(202, _archive_out(archive))


@router.get("/calls/{code}/document-archives/{archive_id}", response=DocumentArchiveOut)
def get_document_archive(request, code: str, archive_id: int):
    """Stato e avanzamento (``done`` su ``total`` documenti) di un archivio; l'errore se non è riuscito."""
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    return _archive_out(_archive(call, archive_id))


@router.post(
    "/calls/{code}/document-archives/{archive_id}/retry",
    response={202: DocumentArchiveOut},
    openapi_extra={"responses": {409: {"description": "L'archivio non è nello stato «failed»."}}},
)
def retry_document_archive(request, code: str, archive_id: int):
    """Riprova un archivio non riuscito (409 se non è nello stato ``failed``)."""
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    archive = _archive(call, archive_id)
    try:
        archive = bulk_download.retry_archive(actor=request.auth, archive=archive, request=request)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ArchiveError as exc:
        return problem_response(exc.status, detail=exc.message, code=exc.code)
    return Status(202, _archive_out(archive))


@router.get(
    "/calls/{code}/document-archives/{archive_id}/download",
    openapi_extra={
        "responses": {
            200: {
                "description": "Lo zip dei documenti, con manifest.csv (impronte SHA-256).",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            },
            409: {"description": "L'archivio non è ancora pronto."},
        }
    },
)
def download_document_archive(request, code: str, archive_id: int):
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    archive = _archive(call, archive_id)
    try:
        handle = bulk_download.open_archive(actor=request.auth, archive=archive, request=request)
    except PermissionDenied as exc:
        return _forbidden(exc)
    except ArchiveError as exc:
        return problem_response(exc.status, detail=exc.message, code=exc.code)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=bulk_download.archive_filename(archive),
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response


@router.get(
    "/calls/{code}/applications/{application_id}/documents/{document_id}",
    openapi_extra=_DOCUMENT_FILE,
)
def download_application_document(request, code: str, application_id: int, document_id: int):
    """Un documento di una domanda inviata al bando, per il personale abilitato; ogni download è
    registrato."""
    call, refused = _officer_call(request, code)
    if refused:
        return refused
    return _document_download(
        request,
        lambda: document_access.officer_document(call, application_id, document_id),
        document_access.open_document_for_officer,
    )

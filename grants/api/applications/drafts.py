"""The applicant's drafts: list, create, read, fill in (general data, stamp duty, partners, budget,
documents) and check them."""

from typing import Literal

from django.db.models import Q
from django.http import Http404
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from grants.applications import document_access, selectors, services
from grants.applications.services import BudgetLineInput, PartnerInput
from grants.applications.states import ApplicationStatus
from grants.programme.models import Call, CallStatus
from grants.registry import selectors as registry_selectors
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Municipality, Province

from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .common import application_of, detail, document_download, invalid, summary
from .schemas import (
    DOCUMENT_FILE,
    ApplicationOut,
    ApplicationSummaryOut,
    BudgetIn,
    ChecksOut,
    DraftIn,
    GeneralIn,
    PartnersIn,
    StampDutyIn,
)


def _by_codes(model, lookup: str, codes: list[str] | None, field: str, errors: list[dict]):
    if codes is None:
        return None
    wanted = {code.strip() for code in codes}
    found = list(model.objects.filter(**{f"{lookup}__in": wanted}))
    missing = sorted(wanted - {getattr(obj, lookup) for obj in found})
    for code in missing:
        errors.append({"code": "unknown_code", "field": field, "message": f"Codice sconosciuto: {code}."})
    return found


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
    return LazyRows(APPLICATION_ORDERING.apply(queryset, filters.ordering), summary)


def _text_or_protocol(q: str) -> Q:
    year, _slash, number = q.partition("/")
    if len(year) == 4 and year.isdigit() and 0 < len(number) <= 9 and number.isdigit():
        return Q(title__icontains=q) | Q(protocol_year=int(year), protocol_number=int(number))
    return Q(title__icontains=q)


ORGANISATION_NOT_FOUND = "Organizzazione non trovata tra quelle per cui agisci."


@router.post("/applications", response={201: ApplicationOut})
def create_application(request, payload: DraftIn):
    """Una bozza per un'organizzazione per cui si agisce, sul bando indicato da ``call_id`` o ``call_code``.
    Un'organizzazione altrui risponde come una inesistente (422 sul campo ``organisation_id``)."""
    errors = []
    organisation = registry_selectors.acting_organisation(request.auth, payload.organisation_id)
    if organisation is None:
        errors.append({"code": "not_found", "field": "organisation_id", "message": ORGANISATION_NOT_FOUND})
    calls = Call.objects.exclude(status=CallStatus.DRAFT)
    call = None
    if payload.call_id is not None and payload.call_code:
        errors.append(
            {
                "code": "ambiguous",
                "field": "call_code",
                "message": "Indicare call_id oppure call_code, non entrambi.",
            }
        )
    elif payload.call_id is not None:
        call = calls.filter(pk=payload.call_id).first()
        if call is None:
            errors.append({"code": "not_found", "field": "call_id", "message": "Bando non trovato."})
    elif payload.call_code:
        call = calls.filter(code=payload.call_code.strip()).first()
        if call is None:
            errors.append({"code": "not_found", "field": "call_code", "message": "Bando non trovato."})
    else:
        errors.append(
            {"code": "required", "field": "call_id", "message": "Indicare il bando (call_id o call_code)."}
        )
    if errors:
        return invalid(errors)
    application = services.create_draft(actor=request.auth, organisation=organisation, call=call)
    return Status(201, detail(application))


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request, application_id: int):
    return detail(application_of(request, application_id))


@router.put("/applications/{application_id}/general", response=ApplicationOut)
def update_application_general(request, application_id: int, payload: GeneralIn):
    application = application_of(request, application_id)
    errors: list[dict] = []
    municipalities = _by_codes(
        Municipality, "istat_code", payload.municipality_codes, "municipality_codes", errors
    )
    districts = _by_codes(CohesionDistrict, "code", payload.district_codes, "district_codes", errors)
    provinces = _by_codes(Province, "istat_code", payload.province_codes, "province_codes", errors)
    if errors:
        return invalid(errors)
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
    return detail(application)


@router.put("/applications/{application_id}/stamp-duty", response=ApplicationOut)
def set_application_stamp_duty(request, application_id: int, payload: StampDutyIn):
    """La marca da bollo (identificativo di 14 cifre e data di emissione) oppure l'esenzione
    (``third_sector``, ``public_body``, ``other``) con la sua base giuridica.
    Una marca già usata su un'altra domanda: 422."""
    application = application_of(request, application_id)
    application = services.set_stamp_duty(
        actor=request.auth,
        application=application,
        number=payload.number,
        issued_on=payload.issued_on,
        exemption=payload.exemption,
        legal_basis=payload.legal_basis,
    )
    return detail(application)


@router.put("/applications/{application_id}/partners", response=ApplicationOut)
def set_application_partners(request, application_id: int, payload: PartnersIn):
    application = application_of(request, application_id)
    organisations, errors = _partner_organisations(request.auth, application, payload.partners)
    if errors:
        return invalid(errors)
    partners = [
        PartnerInput(
            organisation=organisations[i],
            name=p.name,
            legal_form=p.legal_form,
            share_percent=p.share_percent,
            email="" if organisations[i] else p.email,
        )
        for i, p in enumerate(payload.partners)
    ]
    services.set_partners(
        actor=request.auth,
        application=application,
        partners=partners,
        lead_share_percent=payload.lead_share_percent,
    )
    return detail(application)


@router.post("/applications/{application_id}/partners/{partner_id}/invitation", response=ApplicationOut)
def resend_partner_invitation(request, application_id: int, partner_id: int):
    """Invia di nuovo l'invito a registrarsi a un partner non registrato (all'e-mail o PEC indicata); al
    massimo una volta ogni 24 ore: prima, 429 ``invitation_too_soon``. Un partner di un'altra domanda: 404."""
    application = application_of(request, application_id)
    partner = application.partners.filter(pk=partner_id).first()
    if partner is None:
        raise Http404("Partner non trovato.")
    services.resend_partner_invitation(actor=request.auth, partner=partner)
    return detail(application)


def _partner_organisations(user, application, partners) -> tuple[list, list[dict]]:
    """The registered organisation of each partner row (None for a body not registered), chosen by codice
    fiscale as on the page. ``organisation_id`` is accepted only for organisations the caller could already
    see (those it acts for, those already partners of this application): any other id answers exactly as an
    id that does not exist, so ids cannot be used to find out which organisations exist or their names."""
    known = {p.organisation_id for p in application.partners.all() if p.organisation_id is not None}
    known |= set(registry_selectors.acting_organisations(user).values_list("pk", flat=True))
    found, errors = [], []
    for i, p in enumerate(partners):
        organisation = None
        if p.fiscal_code.strip() and p.organisation_id is not None:
            errors.append(
                {
                    "code": "ambiguous",
                    "field": f"partners[{i}].fiscal_code",
                    "message": "Indicare il codice fiscale oppure organisation_id, non entrambi.",
                }
            )
        elif p.fiscal_code.strip():
            organisation = registry_selectors.organisation_by_fiscal_code(p.fiscal_code)
            if organisation is None:
                errors.append(
                    {
                        "code": "not_found",
                        "field": f"partners[{i}].fiscal_code",
                        "message": "Nessuna organizzazione registrata con questo codice fiscale: per un "
                        "soggetto non registrato indicare denominazione e categoria giuridica.",
                    }
                )
        elif p.organisation_id is not None:
            organisation = Organisation.objects.filter(pk=p.organisation_id, pk__in=known).first()
            if organisation is None:
                errors.append(
                    {
                        "code": "not_found",
                        "field": f"partners[{i}].organisation_id",
                        "message": "Organizzazione non trovata: indicare il partner con il codice fiscale.",
                    }
                )
        found.append(organisation)
    return found, errors


@router.put("/applications/{application_id}/budget", response=ApplicationOut)
def set_application_budget(request, application_id: int, payload: BudgetIn):
    application = application_of(request, application_id)
    partners = {p.pk: p for p in application.partners.all()}
    errors = [
        {"code": "not_found", "field": f"lines[{i}].partner_id", "message": "Partner non trovato."}
        for i, line in enumerate(payload.lines)
        if line.partner_id is not None and line.partner_id not in partners
    ]
    if errors:
        return invalid(errors)
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
    application = services.set_budget(actor=request.auth, application=application, lines=lines)
    return detail(application)


@router.post("/applications/{application_id}/documents/{document_code}", response={201: ApplicationOut})
def attach_application_document(request, application_id: int, document_code: str, file: File[UploadedFile]):
    application = application_of(request, application_id)
    required = application.call.required_documents.filter(code=document_code).first()
    if required is None:
        raise Http404
    services.attach_document(
        actor=request.auth, application=application, required_document=required, uploaded_file=file
    )
    return Status(201, detail(application))


@router.get(
    "/applications/{application_id}/documents/{document_id}/file",
    openapi_extra=DOCUMENT_FILE,
)
def download_own_document(request, application_id: int, document_id: int):
    """Un documento caricato su una domanda della propria organizzazione (bozza o inviata); ogni download è
    registrato."""
    return document_download(
        request,
        lambda: document_access.applicant_document(request.auth, application_id, document_id),
        document_access.open_document_for_applicant,
    )


@router.get("/applications/{application_id}/checks", response=ChecksOut)
def application_checks(request, application_id: int):
    violations = selectors.check_application(application_of(request, application_id))
    return {"ready": not violations, "violations": [v.as_dict() for v in violations]}

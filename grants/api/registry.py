"""API endpoints of the registry context (thin: validation here, rules in grants.registry.services).

Session-authenticated (the browser's sign-in; unsafe methods need the CSRF token). An organisation the caller
may not see answers 404, as one that does not exist. Errors are application/problem+json: a service's
ValidationError becomes 422 with ``errors: [{"field", "message"}]``, PermissionDenied becomes 403.
"""

import functools
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grants.core.vocabulary import LegalForm
from grants.registry import selectors, services
from grants.registry.models import DeMinimisRegulation, Membership, Organisation

from .auth import API_AUTH
from .pagination import Ordering, Pagination
from .problems import Problem, problem_response

router = Router(tags=["registry"], auth=API_AUTH)

ORGANISATIONS_PAGE_SIZE = 20

# Service field names that the API spells differently.
_API_FIELD_NAMES = {"seat": "seat_istat_code", NON_FIELD_ERRORS: ""}


# --- Schemas --------------------------------------------------------------------------------------


class SeatOut(Schema):
    istat_code: str
    name: str
    province: str = Field(description="Sigla della provincia")

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.abbreviation


class OrganisationOut(Schema):
    id: int
    name: str
    legal_form: str
    legal_form_label: str
    company_size: str
    runts_number: str
    ateco_code: str
    fiscal_code: str
    vat_number: str
    seat: SeatOut
    address: str
    pec: str
    legal_representative_first_name: str
    legal_representative_last_name: str
    legal_representative_fiscal_code: str
    is_demo: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_legal_form_label(obj) -> str:
        return str(obj.get_legal_form_display())


class OrganisationIn(Schema):
    name: str
    legal_form: str = Field(description="Categoria giuridica: " + ", ".join(LegalForm.values))
    fiscal_code: str = Field(description="11 cifre per gli enti, 16 caratteri per le ditte individuali")
    seat_istat_code: str = Field(description="Codice ISTAT (6 cifre) del comune della sede legale")
    company_size: str = ""
    runts_number: str = ""
    ateco_code: str = Field(
        "", description="Codice ATECO 2025 dell'ISTAT dell'attività prevalente, es. 88.99"
    )
    vat_number: str = ""
    address: str = ""
    pec: str = ""
    legal_representative_first_name: str = Field("", description="Se vuoto, il nome di chi registra")
    legal_representative_last_name: str = Field("", description="Se vuoto, il cognome di chi registra")
    legal_representative_fiscal_code: str = Field(
        "", description="Se vuoto, il codice fiscale di chi registra"
    )


class OrganisationPatch(Schema):
    name: str | None = None
    legal_form: str | None = None
    seat_istat_code: str | None = None
    company_size: str | None = None
    runts_number: str | None = None
    ateco_code: str | None = None
    vat_number: str | None = None
    address: str | None = None
    pec: str | None = None
    legal_representative_first_name: str | None = None
    legal_representative_last_name: str | None = None
    legal_representative_fiscal_code: str | None = None


class MembershipOut(Schema):
    id: int
    user_email: str
    user_full_name: str
    role: str
    role_label: str
    granted_by_email: str | None
    created_at: datetime
    revoked_at: datetime | None

    @staticmethod
    def resolve_user_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_user_full_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_role_label(obj) -> str:
        return str(obj.get_role_display())

    @staticmethod
    def resolve_granted_by_email(obj) -> str | None:
        return obj.granted_by.email if obj.granted_by_id else None


ORGANISATION_ORDERING = Ordering("name", name="name", created_at="created_at", fiscal_code="fiscal_code")
LegalFormFilter = Literal[tuple(LegalForm.values)]  # type: ignore[valid-type]


class OrganisationFilters(Schema):
    q: str = Field("", max_length=100, description="Testo nella denominazione, o il codice fiscale esatto")
    legal_form: LegalFormFilter | None = Field(None, description="Categoria giuridica")
    province: str = Field("", description="Provincia della sede legale: sigla (TO) o codice ISTAT (001)")
    ordering: ORGANISATION_ORDERING.choices = ORGANISATION_ORDERING.field()


class DelegateIn(Schema):
    email: str = Field(description="E-mail di una persona che ha già un account")


# --- Helpers --------------------------------------------------------------------------------------


def validation_problem(exc: ValidationError):
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    errors = [
        {"field": _API_FIELD_NAMES.get(field, field), "message": message}
        for field, messages in pairs
        for message in messages
    ]
    return problem_response(422, detail="I dati inviati non sono validi.", errors=errors)


def service_errors(view):
    """Answer a service's ValidationError with 422 and its PermissionDenied with 403, as problem+json."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return validation_problem(exc)
        except PermissionDenied as exc:
            detail = str(exc) or "Non hai i permessi per questa operazione."
            return problem_response(403, detail=detail)

    return wrapper


def _visible(request, organisation_id: int) -> Organisation:
    try:
        return selectors.visible_organisation(request.user, organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def _service_fields(payload: Schema, *, exclude_unset: bool = False) -> dict:
    data = payload.dict(exclude_unset=exclude_unset)
    if "seat_istat_code" in data:
        data["seat"] = data.pop("seat_istat_code")
    return data


# --- Endpoints ------------------------------------------------------------------------------------


@router.get("/organisations", response=list[OrganisationOut], summary="Organizzazioni visibili")
@paginate(Pagination, page_size=ORGANISATIONS_PAGE_SIZE)
def list_organisations(request, filters: Query[OrganisationFilters]):
    """Per il personale della Regione tutte; per gli altri quelle per cui si è abilitati ad agire."""
    organisations = selectors.visible_organisations(request.user)
    q = " ".join(filters.q.split())
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(fiscal_code__iexact=q))
    if filters.legal_form:
        organisations = organisations.filter(legal_form=filters.legal_form)
    province = filters.province.strip()
    if province:
        organisations = organisations.filter(
            Q(seat__province__abbreviation=province.upper()) | Q(seat__province__istat_code=province)
        )
    return ORGANISATION_ORDERING.apply(organisations, filters.ordering)


@router.post(
    "/organisations",
    response={201: OrganisationOut, 403: Problem, 422: Problem},
    summary="Registra un'organizzazione",
)
@service_errors
def create_organisation(request, payload: OrganisationIn):
    """Chi registra ne diventa il legale rappresentante. Un codice fiscale si registra una sola volta."""
    organisation = services.register_organisation(actor=request.user, **_service_fields(payload))
    return Status(201, organisation)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 404: Problem},
    summary="Un'organizzazione",
)
def get_organisation(request, organisation_id: int):
    return _visible(request, organisation_id)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Modifica i dati di un'organizzazione",
)
@service_errors
def update_organisation(request, organisation_id: int, payload: OrganisationPatch):
    """Solo i campi inviati; il codice fiscale non si modifica."""
    organisation = _visible(request, organisation_id)
    return services.update_organisation(
        actor=request.user, organisation=organisation, **_service_fields(payload, exclude_unset=True)
    )


@router.get(
    "/organisations/{organisation_id}/members",
    response={200: list[MembershipOut], 404: Problem},
    summary="Persone abilitate ad agire per l'organizzazione",
)
def list_members(request, organisation_id: int):
    return selectors.organisation_memberships(_visible(request, organisation_id))


@router.post(
    "/organisations/{organisation_id}/members",
    response={201: MembershipOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Abilita un delegato",
)
@service_errors
def grant_delegate(request, organisation_id: int, payload: DelegateIn):
    organisation = _visible(request, organisation_id)
    membership = services.grant_delegate(actor=request.user, organisation=organisation, email=payload.email)
    return Status(201, membership)


@router.delete(
    "/organisations/{organisation_id}/members/{membership_id}",
    response={204: None, 403: Problem, 404: Problem, 422: Problem},
    summary="Revoca un'abilitazione (effetto immediato)",
)
@service_errors
def revoke_membership(request, organisation_id: int, membership_id: int):
    organisation = _visible(request, organisation_id)
    try:
        membership = selectors.organisation_membership(organisation, membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None
    services.revoke_membership(actor=request.user, membership=membership)
    return HttpResponse(status=204)


# --- De minimis register ----------------------------------------------------------------------------------


class RegulationOut(Schema):
    id: int
    code: str
    title: str
    family: str  # general, sieg, agriculture, fishery: what the regulation covers (its cumulation rules)
    ceiling: Decimal
    period_kind: str
    period_years: int
    valid_from: date
    valid_until: date | None


class DeMinimisAidOut(Schema):
    id: int
    source: str
    granted_on: date
    granting_body: str
    amount: Decimal
    revoked_amount: Decimal
    regulation_code: str
    legal_basis: str
    source_reference: str

    @staticmethod
    def resolve_regulation_code(obj) -> str:
        return obj.regulation.code


class UndertakingLinkOut(Schema):
    """A link as the organisation in the path sees it. A link it declared stays anonymous until the other
    organisation confirms it: until then only the fiscal code typed is returned (id and name are null)."""

    id: int
    organisation_id: int
    linked_organisation_id: int | None
    linked_organisation_name: str | None
    linked_organisation_fiscal_code: str
    relationship: str
    status: str = Field(
        description="pending (conta solo per chi l'ha dichiarato), confirmed (conta per entrambe)"
    )
    declared_by_this: bool = Field(
        description="true: dichiarato da questa organizzazione; false: un'altra chiede di esservi collegata"
    )


class DeMinimisPositionOut(Schema):
    at: date
    regulation_code: str | None
    ceiling: Decimal
    used: Decimal
    headroom: Decimal
    period_start: date | None
    undertaking_organisation_ids: list[int]
    aid: list[DeMinimisAidOut]
    links: list[UndertakingLinkOut]


class DeclaredAidIn(Schema):
    granted_on: date
    granting_body: str
    amount: Decimal
    regulation_code: str = Field("", description="Vuoto = il regolamento in vigore alla data di concessione")
    legal_basis: str = ""


class UndertakingLinkIn(Schema):
    fiscal_code: str = Field(description="Codice fiscale di un'organizzazione registrata")
    relationship: str = Field(description="controls, controlled_by, other")


@router.get(
    "/de-minimis/regulations", response=list[RegulationOut], summary="Regolamenti de minimis (massimali)"
)
def list_de_minimis_regulations(request):
    return DeMinimisRegulation.objects.order_by("-valid_from", "-pk")


@router.get(
    "/organisations/{organisation_id}/de-minimis",
    response={200: DeMinimisPositionOut, 404: Problem},
    summary="Registro de minimis dell'organizzazione e disponibilità dell'impresa unica",
)
def get_de_minimis(request, organisation_id: int, at: date | None = None):
    """Massimale, aiuti utilizzati e importo ancora concedibile per una concessione alla data ``at``
    (oggi se omessa), sommando le imprese collegate."""
    organisation = _visible(request, organisation_id)
    position = selectors.de_minimis_position(organisation, at=at)
    return {
        "at": position.at,
        "regulation_code": position.regulation.code if position.regulation else None,
        "ceiling": position.ceiling,
        "used": position.used,
        "headroom": position.headroom,
        "period_start": position.period_start,
        "undertaking_organisation_ids": sorted(position.organisation_ids),
        "aid": list(selectors.de_minimis_aid_of(organisation)),
        "links": selectors.link_views_of(organisation),
    }


@router.post(
    "/organisations/{organisation_id}/de-minimis/aid",
    response={201: DeMinimisAidOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Dichiara un aiuto de minimis ricevuto da altri enti",
)
@service_errors
def declare_de_minimis_aid(request, organisation_id: int, payload: DeclaredAidIn):
    organisation = _visible(request, organisation_id)
    regulation = None
    if payload.regulation_code:
        regulation = DeMinimisRegulation.objects.filter(code=payload.regulation_code).first()
        if regulation is None:
            raise ValidationError({"regulation_code": "Regolamento sconosciuto."})
    aid = services.declare_de_minimis_aid(
        actor=request.user,
        organisation=organisation,
        granted_on=payload.granted_on,
        granting_body=payload.granting_body,
        amount=payload.amount,
        regulation=regulation,
        legal_basis=payload.legal_basis,
    )
    return Status(201, aid)


@router.delete(
    "/organisations/{organisation_id}/de-minimis/aid/{aid_id}",
    response={204: None, 403: Problem, 404: Problem, 422: Problem},
    summary="Elimina un aiuto dichiarato per errore",
)
@service_errors
def remove_declared_aid(request, organisation_id: int, aid_id: int):
    organisation = _visible(request, organisation_id)
    aid = selectors.de_minimis_aid_of(organisation).filter(pk=aid_id).first()
    if aid is None:
        raise Http404
    services.remove_declared_de_minimis_aid(actor=request.user, aid=aid)
    return HttpResponse(status=204)


@router.post(
    "/organisations/{organisation_id}/de-minimis/links",
    response={201: UndertakingLinkOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Collega un'impresa della stessa impresa unica",
)
@service_errors
def link_undertaking(request, organisation_id: int, payload: UndertakingLinkIn):
    organisation = _visible(request, organisation_id)
    link = services.link_undertaking(
        actor=request.user,
        organisation=organisation,
        fiscal_code=payload.fiscal_code,
        relationship=payload.relationship,
    )
    return Status(201, selectors.link_view_of(organisation, link.pk))


@router.delete(
    "/organisations/{organisation_id}/de-minimis/links/{link_id}",
    response={204: None, 403: Problem, 404: Problem},
    summary="Termina il collegamento tra due imprese",
)
@service_errors
def end_undertaking_link(request, organisation_id: int, link_id: int):
    organisation = _visible(request, organisation_id)
    link = selectors.undertaking_links_of(organisation).filter(pk=link_id).first()
    if link is None:
        raise Http404
    services.end_undertaking_link(actor=request.user, link=link)
    return HttpResponse(status=204)


def _link_request(request, organisation_id: int, link_id: int):
    organisation = _visible(request, organisation_id)
    link = selectors.link_requests_to(organisation).filter(pk=link_id).first()
    if link is None:
        raise Http404
    return organisation, link


@router.post(
    "/organisations/{organisation_id}/de-minimis/links/{link_id}/confirm",
    response={200: UndertakingLinkOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Conferma il collegamento dichiarato da un'altra impresa",
)
@service_errors
def confirm_undertaking_link(request, organisation_id: int, link_id: int):
    """Da ora le due imprese sono un'impresa unica: gli aiuti si sommano per entrambe."""
    organisation, link = _link_request(request, organisation_id, link_id)
    services.answer_undertaking_link(actor=request.user, link=link, confirm=True)
    return selectors.link_view_of(organisation, link.pk)


@router.post(
    "/organisations/{organisation_id}/de-minimis/links/{link_id}/refuse",
    response={204: None, 403: Problem, 404: Problem, 409: Problem},
    summary="Rifiuta il collegamento dichiarato da un'altra impresa",
)
@service_errors
def refuse_undertaking_link(request, organisation_id: int, link_id: int):
    """La dichiarazione termina: non conta per questa organizzazione."""
    _organisation, link = _link_request(request, organisation_id, link_id)
    services.answer_undertaking_link(actor=request.user, link=link, confirm=False)
    return HttpResponse(status=204)


from . import registry_visura  # noqa: E402, F401 - the visura import attaches to this router

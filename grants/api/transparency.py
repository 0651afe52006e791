"""API of the transparency context (thin: rules in grants.transparency.services and selectors).

Public reads need no authentication: funded projects, datasets (with their download and DCAT-AP_IT
metadata URLs), accompaniment activities, published knowledge-base sheets. Writes authenticate (session or
token): staff record accompaniment activities; the beneficiary writes and submits its project's sheet; staff
review it; another organisation declares interest in replicating a published experiment. Errors are
problem+json: 422 with field errors, 403, 404 for what the caller may not see, 409 for a state conflict.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grants.core.timeutils import in_rome
from grants.projects.models import Project
from grants.registry.models import Organisation
from grants.territory.models import CohesionDistrict, Province
from grants.transparency import opendata, permissions, ranking_pdf, ranking_views, services
from grants.transparency import public_projects as pp
from grants.transparency.accompaniment_selectors import ActivityFilters, public_activities
from grants.transparency.knowledge_selectors import SheetFilters, search_sheets
from grants.transparency.models import AccompanimentActivity, ExperimentSheet
from grants.transparency.states import SheetStatus

from .auth import API_AUTH
from .pagination import LazyRows, Ordering, Pagination
from .problems import problem_response, problem_responses

router = Router(tags=["transparency"])
PAGE_SIZE = 50


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


def _validation_problem(error: ValidationError):
    errors = [
        {"field": name, "message": message}
        for name, messages in getattr(error, "message_dict", {"": error.messages}).items()
        for message in messages
    ]
    return problem_response(422, detail="I dati inviati non sono validi.", errors=errors)


def _run(action):
    """Call a service and translate its refusals into problems."""
    try:
        return action()
    except PermissionDenied as exc:
        return problem_response(403, detail=str(exc) or "Operazione non consentita.")
    except ValidationError as exc:
        return _validation_problem(exc)
    except services.WrongState as exc:
        return problem_response(409, detail=exc.message)


# --- funded projects --------------------------------------------------------------------------------------
class PublicProjectOut(Schema):
    id: int
    cup: str
    title: str
    summary: str
    beneficiary: str
    beneficiary_fiscal_code: str = Field(
        description="Solo per le persone giuridiche; vuoto per le persone fisiche"
    )
    measure: str
    fund: str
    call: str
    status: str
    start_date: date
    end_date: date
    municipalities: list[str] = Field(description="Codici ISTAT dei comuni di intervento")
    total_eligible_cost: str
    grant: str
    eu_share: str
    state_share: str
    regional_share: str
    private_cofinancing: str
    eu_rate: str
    paid: str
    url: str


class PublicPartnerOut(Schema):
    name: str
    role: str


class PublicPaymentOut(Schema):
    kind: str
    paid_on: date | None
    amount: str


class PublicProjectDetailOut(PublicProjectOut):
    partners: list[PublicPartnerOut]
    payments: list[PublicPaymentOut]


def _project_out(project) -> dict:
    money = pp.financing(project)
    return {
        "id": project.pk,
        "cup": project.cup,
        "title": project.title,
        "summary": pp.summary_of(project),
        "beneficiary": pp.beneficiary_name(project),
        "beneficiary_fiscal_code": pp.beneficiary_fiscal_code(project),
        "measure": project.call.measure.code,
        "fund": project.call.measure.fund.code,
        "call": project.call.code,
        "status": project.status,
        "start_date": pp.start_date(project),
        "end_date": pp.end_date(project),
        "municipalities": [m.istat_code for m in pp.municipalities_of(project)],
        "total_eligible_cost": _money(project.total_eligible_cost),
        "grant": _money(project.grant),
        "eu_share": _money(money.eu),
        "state_share": _money(money.state),
        "regional_share": _money(money.region),
        "private_cofinancing": _money(money.private),
        "eu_rate": _money(money.eu_rate),
        "paid": _money(money.payments),
        "url": reverse("transparency:project_detail", args=[project.pk]),
    }


PUBLIC_PROJECT_ORDERING = Ordering("title", title="title", cup="cup", call="call__code", grant="grant")


class ProjectQuery(Schema):
    q: str = ""
    measure: str = ""
    call: str = Field("", description="Codice del bando")
    province: str = Field("", description="Codice ISTAT della provincia (3 cifre)")
    municipality: str = Field("", description="Codice ISTAT del comune (6 cifre)")
    legal_form: str = ""
    ordering: PUBLIC_PROJECT_ORDERING.choices = PUBLIC_PROJECT_ORDERING.field()


@router.get("/public/projects", response=list[PublicProjectOut], summary="Progetti finanziati (pubblico)")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_public_projects(request, filters: Query[ProjectQuery]):
    selected = pp.ProjectFilters(
        query=filters.q[:100],
        measure=filters.measure,
        province=filters.province,
        municipality=filters.municipality,
        legal_form=filters.legal_form,
    )
    queryset = pp.filter_projects(pp.public_projects(), selected)
    if filters.call:
        queryset = queryset.filter(call__code=filters.call)
    queryset = PUBLIC_PROJECT_ORDERING.apply(pp.with_locations(queryset), filters.ordering)
    return LazyRows(queryset, _project_out)


@router.get(
    "/public/projects/{project_id}",
    response={200: PublicProjectDetailOut, **problem_responses(404)},
    summary="Progetto finanziato (pubblico)",
)
def get_public_project(request, project_id: int):
    project = pp.public_project(project_id)
    return {
        **_project_out(project),
        "partners": [{"name": pp.partner_name(p), "role": p.role} for p in project.public_partners],
        "payments": [
            {"kind": p.kind, "paid_on": p.paid_on, "amount": _money(p.amount)}
            for p in pp.paid_payments(project)
        ],
    }


# --- datasets ----------------------------------------------------------------------------------------------
class ColumnOut(Schema):
    name: str
    kind: str
    description: str


class DatasetOut(Schema):
    slug: str
    title: str
    description: str
    licence: str
    metadata_url: str
    downloads: dict[str, str]
    columns: list[ColumnOut]


@router.get("/public/datasets", response=list[DatasetOut], summary="Dati aperti: dataset e dizionario")
def list_datasets(request):
    return [
        {
            "slug": d.slug,
            "title": str(d.title),
            "description": str(d.description),
            "licence": opendata.LICENCE_URL,
            "metadata_url": reverse("transparency:opendata_metadata", args=[d.slug]),
            "downloads": {
                f: reverse("transparency:opendata_download", args=[d.slug, f]) for f in opendata.FORMATS
            },
            "columns": [
                {"name": c.name, "kind": c.kind, "description": str(c.description)} for c in d.columns
            ],
        }
        for d in opendata.DATASETS.values()
    ]


# --- approved rankings -------------------------------------------------------------------------------------
@router.get(
    "/public/calls/{code}/ranking.pdf",
    summary="Graduatoria approvata di un bando (PDF, pubblico)",
    openapi_extra={
        "responses": {
            200: {
                "description": "La graduatoria approvata in PDF: determinazione, posizioni, esiti, "
                "contributi concessi, riserve e totali",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            404: {"description": "Bando non pubblicato o graduatoria non ancora approvata."},
        }
    },
)
def get_ranking_pdf(request, code: str, stage: Literal["final", "preliminary"] = "final"):
    """The same file as the public page's «Scarica la graduatoria (PDF)» (``/bandi/{code}/graduatoria.pdf``,
    ``?fase=`` there, ``?stage=`` here, like the CSV beside it): only an approved ranking has one."""
    call, ranking = ranking_views.published_or_404(code, stage)
    response = HttpResponse(ranking_pdf.render_ranking_pdf(call, ranking), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{ranking_pdf.ranking_pdf_filename(call, ranking)}"'
    )
    return response


# --- accompaniment -----------------------------------------------------------------------------------------
class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    topics: list[str]
    organiser: str
    district: str | None
    province: str | None
    project_id: int | None
    starts_on: date
    ends_on: date
    hours: str
    participants_count: int
    is_published: bool
    materials: list[str] = Field(description="Indirizzi di scaricamento dei materiali")

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return obj.topic_list

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district else None

    @staticmethod
    def resolve_province(obj):
        return obj.province.istat_code if obj.province else None

    @staticmethod
    def resolve_hours(obj) -> str:
        return f"{obj.hours:.1f}"

    @staticmethod
    def resolve_materials(obj) -> list[str]:
        return [reverse("transparency:material_download", args=[m.pk]) for m in obj.materials.all()]


class ActivityIn(Schema):
    kind: str
    title: str
    topics: str = Field(description="Temi separati da virgole")
    organiser: str
    starts_on: date
    ends_on: date
    hours: Decimal
    participants_count: int = 0
    description: str = ""
    district: str | None = Field(None, description="Codice del Distretto della Coesione Sociale")
    province: str | None = Field(None, description="Codice ISTAT della provincia")
    project_id: int | None = None
    is_published: bool = True


ACTIVITY_ORDERING = Ordering("-starts_on", starts_on="starts_on", title="title", hours="hours")


class ActivityQuery(Schema):
    kind: str = ""
    district: str = ""
    province: str = ""
    project_id: int | None = None
    ordering: ACTIVITY_ORDERING.choices = ACTIVITY_ORDERING.field()


@router.get("/public/activities", response=list[ActivityOut], summary="Attività di accompagnamento")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_activities(request, filters: Query[ActivityQuery]):
    activities = public_activities(
        ActivityFilters(
            kind=filters.kind,
            district=filters.district,
            province=filters.province,
            project=filters.project_id,
        )
    ).prefetch_related("materials")
    return ACTIVITY_ORDERING.apply(activities, filters.ordering)


@router.get(
    "/public/activities/{activity_id}",
    response={200: ActivityOut, **problem_responses(404)},
    summary="Attività di accompagnamento",
)
def get_activity(request, activity_id: int):
    activity = get_object_or_404(AccompanimentActivity, pk=activity_id)
    if not permissions.can_read_activity(getattr(request, "user", None), activity):
        raise Http404
    return activity


def _activity_input(payload: ActivityIn) -> services.ActivityInput | dict:
    errors = {}
    district = province = project = None
    if payload.district:
        district = CohesionDistrict.objects.filter(code=payload.district).first()
        if district is None:
            errors["district"] = "Distretto sconosciuto."
    if payload.province:
        province = Province.objects.filter(istat_code=payload.province).first()
        if province is None:
            errors["province"] = "Provincia sconosciuta."
    if payload.project_id is not None:
        project = pp.public_projects().filter(pk=payload.project_id).first()
        if project is None:
            errors["project_id"] = "Progetto finanziato sconosciuto."
    if errors:
        raise ValidationError(errors)
    return services.ActivityInput(
        kind=payload.kind,
        title=payload.title,
        topics=payload.topics,
        organiser=payload.organiser,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        hours=payload.hours,
        participants_count=payload.participants_count,
        description=payload.description,
        district=district,
        province=province,
        project=project,
        is_published=payload.is_published,
    )


def _require_manager(request) -> None:
    if not permissions.can_manage_accompaniment(request.auth):
        raise PermissionDenied("Non sei abilitato a gestire l'accompagnamento.")


@router.post(
    "/accompaniment/activities",
    auth=API_AUTH,
    response={201: ActivityOut, **problem_responses(403, 422)},
    summary="Registra un'attività di accompagnamento (staff)",
)
def create_activity(request, payload: ActivityIn):
    def action():
        _require_manager(request)
        return Status(201, services.create_activity(actor=request.auth, data=_activity_input(payload)))

    return _run(action)


@router.put(
    "/accompaniment/activities/{activity_id}",
    auth=API_AUTH,
    response={200: ActivityOut, **problem_responses(403, 404, 422)},
    summary="Modifica un'attività di accompagnamento (staff)",
)
def update_activity(request, activity_id: int, payload: ActivityIn):
    def action():
        _require_manager(request)
        activity = get_object_or_404(AccompanimentActivity, pk=activity_id)
        return services.update_activity(actor=request.auth, activity=activity, data=_activity_input(payload))

    return _run(action)


# --- knowledge base ----------------------------------------------------------------------------------------
class SheetOut(Schema):
    id: int
    project_id: int
    title: str
    beneficiary: str
    status: str
    need: str
    solution: str
    themes: list[str]
    target_groups: list[str]
    results: str
    costs: str
    replication_requirements: str
    sustainability: str
    review_note: str
    published_at: datetime | None


def _sheet_out(sheet: ExperimentSheet, *, show_note: bool) -> dict:
    return {
        "id": sheet.pk,
        "project_id": sheet.project_id,
        "title": sheet.project.title,
        "beneficiary": pp.beneficiary_name(sheet.project),
        "status": sheet.status,
        **{name: getattr(sheet, name) for name in services.SHEET_TEXT_FIELDS},
        "themes": sheet.themes,
        "target_groups": sheet.target_groups,
        "review_note": sheet.review_note if show_note else "",
        "published_at": in_rome(sheet.published_at) if sheet.published_at else None,
    }


SHEET_ORDERING = Ordering("-published_at", published_at="published_at", title="project__title")


class SheetQuery(Schema):
    q: str = ""
    theme: str = ""
    target_group: str = ""
    province: str = ""
    district: str = ""
    ordering: SHEET_ORDERING.choices = SHEET_ORDERING.field()


@router.get(
    "/public/experiences", response=list[SheetOut], summary="Banca delle conoscenze: esperienze pubblicate"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_experiences(request, filters: Query[SheetQuery]):
    sheets = search_sheets(
        SheetFilters(
            query=filters.q[:100],
            theme=filters.theme,
            target_group=filters.target_group,
            province=filters.province,
            district=filters.district,
        )
    )
    return LazyRows(
        SHEET_ORDERING.apply(sheets, filters.ordering), lambda sheet: _sheet_out(sheet, show_note=False)
    )


def _readable_sheet(user, sheet_id: int) -> ExperimentSheet:
    sheet = get_object_or_404(ExperimentSheet.objects.select_related("project__beneficiary"), pk=sheet_id)
    if not permissions.can_read_sheet(user, sheet):
        raise Http404
    return sheet


@router.get(
    "/public/experiences/{sheet_id}",
    response={200: SheetOut, **problem_responses(404)},
    summary="Scheda di un'esperienza (pubblicata; il beneficiario e lo staff vedono anche le altre)",
)
def get_experience(request, sheet_id: int):
    user = getattr(request, "user", None)
    sheet = _readable_sheet(user, sheet_id)
    show_note = permissions.can_write_sheet(user, sheet.project) or permissions.can_review_sheets(user)
    return _sheet_out(sheet, show_note=show_note)


class SheetIn(Schema):
    need: str = ""
    solution: str = ""
    themes: list[str] = []
    target_groups: list[str] = []
    results: str = ""
    costs: str = ""
    replication_requirements: str = ""
    sustainability: str = ""


@router.put(
    "/experiences/projects/{project_id}/sheet",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Scrive la scheda dell'esperienza del progetto (beneficiario; bozza)",
)
def save_sheet(request, project_id: int, payload: SheetIn):
    project = get_object_or_404(Project.objects.select_related("beneficiary"), pk=project_id)
    if not permissions.can_write_sheet(request.auth, project):
        raise Http404
    return _run(
        lambda: _sheet_out(
            services.save_sheet(
                actor=request.auth, project=project, data=services.SheetInput(**payload.dict())
            ),
            show_note=True,
        )
    )


@router.post(
    "/experiences/{sheet_id}/submit",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Invia la scheda in revisione (beneficiario)",
)
def submit_sheet(request, sheet_id: int):
    sheet = _readable_sheet(request.auth, sheet_id)
    if not permissions.can_write_sheet(request.auth, sheet.project):
        raise Http404
    return _run(lambda: _sheet_out(services.submit_sheet(actor=request.auth, sheet=sheet), show_note=True))


class SheetReviewIn(Schema):
    decision: str = Field(description="publish | return")
    note: str = ""


@router.post(
    "/experiences/{sheet_id}/review",
    auth=API_AUTH,
    response={200: SheetOut, **problem_responses(403, 404, 409, 422)},
    summary="Pubblica la scheda o la rimanda al beneficiario (staff)",
)
def review_sheet(request, sheet_id: int, payload: SheetReviewIn):
    if not permissions.can_review_sheets(request.auth):
        return problem_response(403, detail="Non sei abilitato a revisionare le schede.")
    sheet = get_object_or_404(ExperimentSheet, pk=sheet_id)
    if payload.decision == "publish":
        return _run(
            lambda: _sheet_out(
                services.publish_sheet(actor=request.auth, sheet=sheet, note=payload.note), show_note=True
            )
        )
    if payload.decision == "return":
        return _run(
            lambda: _sheet_out(
                services.return_sheet(actor=request.auth, sheet=sheet, note=payload.note), show_note=True
            )
        )
    return problem_response(
        422,
        detail="I dati inviati non sono validi.",
        errors=[{"field": "decision", "message": "Indica «publish» o «return»."}],
    )


class InterestIn(Schema):
    organisation_id: int
    message: str


class InterestOut(Schema):
    id: int
    sheet_id: int
    organisation: str
    message: str
    created_at: datetime


@router.post(
    "/experiences/{sheet_id}/interests",
    auth=API_AUTH,
    response={201: InterestOut, **problem_responses(403, 404, 409, 422)},
    summary="Dichiara l'interesse a replicare un'esperienza pubblicata (i titolari sono avvisati)",
)
def declare_interest(request, sheet_id: int, payload: InterestIn):
    sheet = get_object_or_404(
        ExperimentSheet.objects.select_related("project"), pk=sheet_id, status=SheetStatus.PUBLISHED
    )
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        return problem_response(
            422,
            detail="I dati inviati non sono validi.",
            errors=[{"field": "organisation_id", "message": "Organizzazione sconosciuta."}],
        )

    def action():
        interest = services.declare_replication_interest(
            actor=request.auth, sheet=sheet, organisation=organisation, message=payload.message
        )
        return Status(
            201,
            {
                "id": interest.pk,
                "sheet_id": sheet.pk,
                "organisation": organisation.name,
                "message": interest.message,
                "created_at": in_rome(interest.created_at),
            },
        )

    return _run(action)

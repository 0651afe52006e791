"""Public data: funded projects, open datasets, approved rankings."""

from datetime import date
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from grants.transparency import opendata, ranking_pdf, ranking_views
from grants.transparency import public_projects as pp

from ..pagination import LazyRows, Ordering, Pagination
from ..problems import problem_responses
from . import router
from .common import PAGE_SIZE, decimal_text


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
        "total_eligible_cost": decimal_text(project.total_eligible_cost),
        "grant": decimal_text(project.grant),
        "eu_share": decimal_text(money.eu),
        "state_share": decimal_text(money.state),
        "regional_share": decimal_text(money.region),
        "private_cofinancing": decimal_text(money.private),
        "eu_rate": decimal_text(money.eu_rate),
        "paid": decimal_text(money.payments),
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
            {"kind": p.kind, "paid_on": p.paid_on, "amount": decimal_text(p.amount)}
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

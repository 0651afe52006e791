"""Public pages of the funded projects and of the grants publication (no login; reads only).

The pages show what an anonymous visitor sees whoever is signed in: only funded projects, never a natural
person's identity (grants.transparency.public_projects).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from grants.core.vocabulary import LegalForm
from grants.programme import selectors as programme_selectors
from grants.territory.models import Municipality, Province

from . import opendata
from . import page_cache as cached
from . import public_projects as pp
from .forms import ProjectFilterForm


def filters_from(params) -> pp.ProjectFilters:
    """The filters of the public list from a query string; an unknown value is dropped, never an error."""
    form = ProjectFilterForm(params)
    form.is_valid()
    data = form.cleaned_data
    return pp.ProjectFilters(
        query=(data.get("q") or "").strip(),
        measure=data.get("misura") or "",
        province=data.get("provincia") or "",
        municipality=data.get("comune") or "",
        legal_form=data.get("tipo") or "",
    )


def _filter_context(filters: pp.ProjectFilters) -> dict:
    programme = programme_selectors.default_programme()
    measures = list(programme_selectors.measure_list(programme=programme.code)) if programme else []
    municipality = (
        Municipality.objects.filter(istat_code=filters.municipality).first() if filters.municipality else None
    )
    return {
        "measures": measures,
        "provinces": Province.objects.order_by("name"),
        "legal_forms": LegalForm.choices,
        "selected_municipality": municipality,
        "filters": filters,
    }


def _query_string(filters: pp.ProjectFilters) -> str:
    from urllib.parse import urlencode

    pairs = {
        "q": filters.query,
        "misura": filters.measure,
        "provincia": filters.province,
        "comune": filters.municipality,
        "tipo": filters.legal_form,
    }
    return urlencode({k: v for k, v in pairs.items() if v})


@require_safe
@cached.project_page
def project_list(request):
    filters = filters_from(request.GET)
    queryset = pp.filter_projects(pp.public_projects(), filters)
    paginator = Paginator(pp.with_locations(queryset).order_by("title", "pk"), pp.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("pagina"))
    rows = [
        {
            "project": project,
            "beneficiary": pp.beneficiary_name(project),
            "municipalities": pp.municipalities_of(project),
            "money": pp.financing(project),
        }
        for project in page.object_list
    ]
    context = {
        **_filter_context(filters),
        "page": page,
        "rows": rows,
        "totals": pp.public_totals(queryset),
        "query_string": _query_string(filters),
        "export_dataset": opendata.OPERATIONS,
    }
    if request.htmx and request.htmx.target == "project-results":
        return render(request, "transparency/partials/project_results.html", context)
    return render(request, "transparency/project_list.html", context)


@require_safe
def project_detail(request, pk: int):
    project = pp.public_project(pk)
    context = {
        "project": project,
        "beneficiary": pp.beneficiary_name(project),
        "beneficiary_code": pp.beneficiary_fiscal_code(project),
        "natural_person": pp.beneficiary_is_natural_person(project),
        "summary": pp.summary_of(project),
        "money": pp.financing(project),
        "municipalities": pp.municipalities_of(project),
        "partners": [
            {"name": pp.partner_name(partner), "role": partner.get_role_display()}
            for partner in project.public_partners
        ],
        "payments": list(pp.paid_payments(project)),
        "start_date": pp.start_date(project),
        "end_date": pp.end_date(project),
        "publication": pp.publication_of(project),
        "procedure": pp.procedure_label(project),
        "legal_basis": opendata.grant_legal_basis(project),
        "sheet": _published_sheet(project),
        "activities": project.accompaniment_activities.filter(is_published=True).order_by("-starts_on"),
    }
    return render(request, "transparency/project_detail.html", context)


def _published_sheet(project):
    from .knowledge_selectors import published_sheets

    return published_sheets().filter(project=project).first()


@require_safe
@cached.project_page
def grant_publication(request):
    """Sovvenzioni, contributi, sussidi (D.Lgs. 33/2013 artt. 26-27): one row per grant, paginated; the
    complete list as CSV, XLSX or JSON from the open data."""
    filters = filters_from(request.GET)
    queryset = pp.filter_projects(pp.public_projects(), filters).order_by("-created_at", "pk")
    page = Paginator(queryset, pp.PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = [
        {
            "project": project,
            "beneficiary": pp.beneficiary_name(project),
            "fiscal_code": pp.beneficiary_fiscal_code(project),
            "publication": pp.publication_of(project),
            "procedure": pp.procedure_label(project),
            "legal_basis": opendata.grant_legal_basis(project),
        }
        for project in page.object_list
    ]
    context = {
        **_filter_context(filters),
        "page": page,
        "rows": rows,
        "query_string": _query_string(filters),
        "dataset": opendata.GRANTS,
    }
    return render(request, "transparency/grant_publication.html", context)

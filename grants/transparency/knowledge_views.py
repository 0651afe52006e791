"""The knowledge base: the public search and sheet pages, the declaration of interest in replicating, the
beneficiary's sheet editor and the staff review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grants.projects.models import Project
from grants.registry.acting import current_organisation
from grants.territory.models import CohesionDistrict, Province

from . import permissions, services
from . import public_projects as pp
from .forms import InterestForm, ReviewForm, SheetForm
from .knowledge_selectors import SheetFilters, interests_of, review_queue, search_sheets, sheet_projects
from .models import ExperimentSheet
from .states import EDITABLE_SHEET_STATUSES, SheetStatus, TargetGroup, Theme

PAGE_SIZE = 12
THEME_LABELS = dict(Theme.choices)
TARGET_LABELS = dict(TargetGroup.choices)


def labels(values, vocabulary: dict) -> list[str]:
    return [str(vocabulary.get(value, value)) for value in values or []]


def _filters(params) -> SheetFilters:
    theme = params.get("tema", "")
    target = params.get("destinatari", "")
    return SheetFilters(
        query=params.get("q", "").strip()[:100],
        theme=theme if theme in Theme.values else "",
        target_group=target if target in TargetGroup.values else "",
        province=params.get("provincia", "")[:3],
        district=params.get("distretto", "")[:60],
    )


@require_safe
def knowledge_list(request):
    filters = _filters(request.GET)
    page = Paginator(search_sheets(filters), PAGE_SIZE).get_page(request.GET.get("pagina"))
    cards = [
        {
            "sheet": sheet,
            "themes": labels(sheet.themes, THEME_LABELS),
            "targets": labels(sheet.target_groups, TARGET_LABELS),
        }
        for sheet in page.object_list
    ]
    context = {
        "page": page,
        "cards": cards,
        "filters": filters,
        "themes": Theme.choices,
        "target_groups": TargetGroup.choices,
        "provinces": Province.objects.order_by("name"),
        "districts": CohesionDistrict.objects.order_by("name"),
    }
    if request.htmx and request.htmx.target == "knowledge-results":
        return render(request, "transparency/partials/knowledge_results.html", context)
    return render(request, "transparency/knowledge_list.html", context)


def _sheet_context(request, sheet: ExperimentSheet, **extra) -> dict:
    project = sheet.project
    organisations = list(permissions.interest_organisations(request.user, sheet))
    owner = permissions.can_write_sheet(request.user, project)
    acting = current_organisation(request) if request.user.is_authenticated else None
    initial = {"organisation": str(acting.pk)} if acting and acting in organisations else {}
    return {
        "sheet": sheet,
        "project": project,
        "beneficiary": pp.beneficiary_name(project),
        "themes": labels(sheet.themes, THEME_LABELS),
        "targets": labels(sheet.target_groups, TARGET_LABELS),
        "partners": [
            pp.partner_name(p)
            for p in project.partners.filter(withdrawn_on__isnull=True).select_related("organisation")
        ],
        "municipalities": pp.municipalities_of(project),
        "is_public_project": pp.public_projects().filter(pk=project.pk).exists(),
        "money": pp.financing(project),
        "interest_form": extra.pop("interest_form", None)
        or (InterestForm(organisations=organisations, initial=initial) if organisations else None),
        "interests": list(interests_of(sheet)) if owner else [],
        "is_owner": owner,
        **extra,
    }


@require_safe
def knowledge_detail(request, pk: int):
    sheet = get_object_or_404(ExperimentSheet.objects.select_related("project__call__measure__fund"), pk=pk)
    if not permissions.can_read_sheet(request.user, sheet):
        raise Http404
    return render(request, "transparency/knowledge_detail.html", _sheet_context(request, sheet))


@login_required
@require_POST
def declare_interest(request, pk: int):
    sheet = get_object_or_404(
        ExperimentSheet.objects.select_related("project"), pk=pk, status=SheetStatus.PUBLISHED
    )
    organisations = list(permissions.interest_organisations(request.user, sheet))
    if not organisations:
        raise PermissionDenied(
            _("Per dichiarare interesse devi agire per un'organizzazione diversa dal titolare.")
        )
    form = InterestForm(request.POST, organisations=organisations)
    if form.is_valid():
        organisation = next(o for o in organisations if str(o.pk) == form.cleaned_data["organisation"])
        try:
            services.declare_replication_interest(
                actor=request.user,
                sheet=sheet,
                organisation=organisation,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.WrongState as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Interesse registrato: i titolari dell'esperienza sono stati avvisati.")
            )
            return redirect("transparency:knowledge_detail", pk=sheet.pk)
    return render(
        request,
        "transparency/knowledge_detail.html",
        _sheet_context(request, sheet, interest_form=form),
        status=422,
    )


# --- the beneficiary's sheet -------------------------------------------------------------------------------
@login_required
@require_safe
def my_sheets(request):
    return render(request, "transparency/my_sheets.html", {"projects": sheet_projects(request.user)})


def _own_project_or_404(user, project_pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("beneficiary", "call__measure"), pk=project_pk)
    if not permissions.can_write_sheet(user, project):
        raise Http404
    return project


def _sheet_form_initial(sheet: ExperimentSheet | None) -> dict:
    if sheet is None:
        return {}
    return {name: getattr(sheet, name) for name in (*services.SHEET_TEXT_FIELDS, "themes", "target_groups")}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def sheet_edit(request, project_pk: int):
    """Write the sheet (save as draft) and send it to review (``invia``): a missing part is named next to
    its field, and nothing typed is lost."""
    project = _own_project_or_404(request.user, project_pk)
    sheet = services.sheet_for(project)
    form = SheetForm(request.POST or None, initial=_sheet_form_initial(sheet))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = services.SheetInput(**form.cleaned_data)
        try:
            sheet = services.save_sheet(actor=request.user, project=project, data=data)
            if "invia" in request.POST:
                sheet = services.submit_sheet(actor=request.user, sheet=sheet)
                messages.success(request, _("Scheda inviata in revisione alla Regione."))
            else:
                messages.success(request, _("Bozza della scheda salvata."))
            return redirect("transparency:sheet_edit", project_pk=project.pk)
        except ValidationError as error:
            form.add_service_errors(error)
            status = 422
        except services.WrongState as error:
            form.add_error(None, error.message)
            status = 409
    elif request.method == "POST":
        status = 422
    context = {
        "project": project,
        "sheet": sheet,
        "form": form,
        "editable": sheet is None or sheet.status in EDITABLE_SHEET_STATUSES,
        "interests": list(interests_of(sheet)) if sheet else [],
    }
    return render(request, "transparency/sheet_form.html", context, status=status)


# --- staff review ------------------------------------------------------------------------------------------
def _reviewer_or_403(user) -> None:
    if not permissions.can_review_sheets(user):
        raise PermissionDenied(_("Non sei abilitato a revisionare le schede delle esperienze."))


@login_required
@require_safe
def review_list(request):
    _reviewer_or_403(request.user)
    return render(request, "transparency/review_list.html", {"sheets": review_queue(request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_sheet(request, pk: int):
    _reviewer_or_403(request.user)
    sheet = get_object_or_404(ExperimentSheet.objects.select_related("project__beneficiary"), pk=pk)
    if not permissions.can_review_sheets(request.user, sheet):
        raise Http404
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.publish_sheet(actor=request.user, sheet=sheet, note=form.cleaned_data["note"])
                messages.success(request, _("Scheda pubblicata nella banca delle conoscenze."))
            else:
                services.return_sheet(actor=request.user, sheet=sheet, note=form.cleaned_data["note"])
                messages.success(request, _("Scheda rimandata al beneficiario."))
            return redirect("transparency:review_list")
        except ValidationError as error:
            form.add_service_errors(error)
            status = 422
        except services.WrongState as error:
            form.add_error(None, error.message)
            status = 409
    elif request.method == "POST":
        status = 422
    context = _sheet_context(request, sheet, review_form=form)
    return render(request, "transparency/review_sheet.html", context, status=status)

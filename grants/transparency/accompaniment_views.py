"""FSE4 accompaniment: the public list and detail of the activities, the staff pages that record them and
upload their materials, and the audited download of a material."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grants.territory.models import CohesionDistrict, Province

from . import permissions, services
from .accompaniment_selectors import ActivityFilters, activity_totals, public_activities, staff_activities
from .forms import ActivityForm, MaterialForm
from .models import AccompanimentActivity, AccompanimentMaterial
from .states import ActivityKind

PAGE_SIZE = 20


def _filters(params) -> ActivityFilters:
    kind = params.get("tipo", "")
    return ActivityFilters(
        kind=kind if kind in ActivityKind.values else "",
        district=params.get("distretto", "")[:60],
        province=params.get("provincia", "")[:3],
    )


def _list_context(request, queryset, filters: ActivityFilters) -> dict:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return {
        "page": page,
        "totals": activity_totals(queryset),
        "filters": filters,
        "kinds": ActivityKind.choices,
        "districts": CohesionDistrict.objects.order_by("name"),
        "provinces": Province.objects.order_by("name"),
    }


@require_safe
def activity_list(request):
    filters = _filters(request.GET)
    context = _list_context(request, public_activities(filters), filters)
    if request.htmx and request.htmx.target == "activity-results":
        return render(request, "transparency/partials/activity_results.html", context)
    return render(request, "transparency/activity_list.html", context)


@require_safe
def activity_detail(request, pk: int):
    activity = get_object_or_404(
        AccompanimentActivity.objects.select_related("district", "province", "project"), pk=pk
    )
    if not permissions.can_read_activity(request.user, activity):
        raise Http404
    context = {
        "activity": activity,
        "materials": activity.materials.order_by("pk"),
        "can_manage": permissions.can_manage_accompaniment(request.user),
    }
    return render(request, "transparency/activity_detail.html", context)


@require_safe
def material_download(request, pk: int):
    material = get_object_or_404(AccompanimentMaterial.objects.select_related("activity"), pk=pk)
    if not permissions.can_read_material(request.user, material):
        raise Http404
    services.record_material_download(actor=request.user, material=material)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )


# --- staff -------------------------------------------------------------------------------------------------
def _manager_or_403(user) -> None:
    if not permissions.can_manage_accompaniment(user):
        raise PermissionDenied(_("Non sei abilitato a gestire l'accompagnamento."))


def _staff_activity_or_404(user, pk: int) -> AccompanimentActivity:
    _manager_or_403(user)
    return get_object_or_404(AccompanimentActivity, pk=pk)


@login_required
@require_safe
def staff_activity_list(request):
    _manager_or_403(request.user)
    filters = _filters(request.GET)
    context = _list_context(request, staff_activities(filters), filters)
    return render(request, "transparency/staff_activity_list.html", context)


def _input(form: ActivityForm) -> services.ActivityInput:
    data = form.cleaned_data
    return services.ActivityInput(
        kind=data["kind"],
        title=data["title"],
        description=data["description"],
        topics=data["topics"],
        organiser=data["organiser"],
        district=data["district"],
        province=data["province"],
        project=data["project"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        hours=data["hours"],
        participants_count=data["participants_count"],
        is_published=data["is_published"],
    )


def _save(request, form: ActivityForm, activity: AccompanimentActivity | None):
    if form.is_valid():
        try:
            if activity is None:
                activity = services.create_activity(actor=request.user, data=_input(form))
                messages.success(request, _("Attività registrata."))
            else:
                activity = services.update_activity(actor=request.user, activity=activity, data=_input(form))
                messages.success(request, _("Attività aggiornata."))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("transparency:activity_detail", pk=activity.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "transparency/activity_form.html", {"form": form, "activity": activity}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_create(request):
    _manager_or_403(request.user)
    if request.method == "POST":
        return _save(request, ActivityForm(request.POST), None)
    return render(request, "transparency/activity_form.html", {"form": ActivityForm(), "activity": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def activity_update(request, pk: int):
    activity = _staff_activity_or_404(request.user, pk)
    if request.method == "POST":
        return _save(request, ActivityForm(request.POST), activity)
    initial = {
        name: getattr(activity, name)
        for name in (
            "kind",
            "title",
            "description",
            "topics",
            "organiser",
            "district",
            "province",
            "project",
            "starts_on",
            "ends_on",
            "hours",
            "participants_count",
            "is_published",
        )
    }
    return render(
        request,
        "transparency/activity_form.html",
        {"form": ActivityForm(initial=initial), "activity": activity},
    )


@login_required
@require_POST
def material_upload(request, pk: int):
    activity = _staff_activity_or_404(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_material(
                actor=request.user,
                activity=activity,
                title=form.cleaned_data["title"],
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Materiale caricato."))
            return redirect("transparency:activity_detail", pk=activity.pk)
    context = {
        "activity": activity,
        "materials": activity.materials.order_by("pk"),
        "can_manage": True,
        "material_form": form,
    }
    return render(request, "transparency/activity_detail.html", context, status=422)

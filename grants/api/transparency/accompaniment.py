"""Accompaniment activities: public reads, the staff's records."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from grants.territory.models import CohesionDistrict, Province
from grants.transparency import permissions, services
from grants.transparency import public_projects as pp
from grants.transparency.accompaniment_selectors import ActivityFilters, public_activities
from grants.transparency.models import AccompanimentActivity

from ..auth import API_AUTH
from ..pagination import Ordering, Pagination
from ..problems import problem_responses
from . import router
from .common import PAGE_SIZE


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
    _require_manager(request)
    return Status(201, services.create_activity(actor=request.auth, data=_activity_input(payload)))


@router.put(
    "/accompaniment/activities/{activity_id}",
    auth=API_AUTH,
    response={200: ActivityOut, **problem_responses(403, 404, 422)},
    summary="Modifica un'attività di accompagnamento (staff)",
)
def update_activity(request, activity_id: int, payload: ActivityIn):
    _require_manager(request)
    activity = get_object_or_404(AccompanimentActivity, pk=activity_id)
    return services.update_activity(actor=request.auth, activity=activity, data=_activity_input(payload))

"""Reads of the FSE4 accompaniment: the public list (published activities) and the staff list."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from .models import AccompanimentActivity


def _activities() -> QuerySet[AccompanimentActivity]:
    return AccompanimentActivity.objects.select_related("district", "province", "project").annotate(
        material_count=Count("materials")
    )


@dataclass(frozen=True)
class ActivityFilters:
    kind: str = ""
    district: str = ""  # district code
    province: str = ""  # ISTAT code
    project: int | None = None


def _filtered(queryset, filters: ActivityFilters):
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.district:
        queryset = queryset.filter(district__code=filters.district)
    if filters.province:
        queryset = queryset.filter(
            Q(province__istat_code=filters.province) | Q(district__provinces__istat_code=filters.province)
        ).distinct()
    if filters.project:
        queryset = queryset.filter(project_id=filters.project)
    return queryset.order_by("-starts_on", "-pk")


def public_activities(filters: ActivityFilters | None = None) -> QuerySet[AccompanimentActivity]:
    return _filtered(_activities().filter(is_published=True), filters or ActivityFilters())


def staff_activities(filters: ActivityFilters | None = None) -> QuerySet[AccompanimentActivity]:
    return _filtered(_activities(), filters or ActivityFilters())


def activity_totals(queryset) -> dict:
    totals = AccompanimentActivity.objects.filter(pk__in=queryset.values("pk")).aggregate(
        hours=Sum("hours"), participants=Sum("participants_count"), count=Count("pk")
    )
    return {key: value or 0 for key, value in totals.items()}

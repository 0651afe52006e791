"""Reads of the knowledge base: published sheets for the public search, the review queue for staff, the
sheet of a project for its beneficiary."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from grants.programme.permissions import scope_to_staff_calls
from grants.projects.models import Project

from .models import ExperimentSheet, ReplicationInterest
from .states import SHEET_PROJECT_STATUSES, SheetStatus


def _sheets() -> QuerySet[ExperimentSheet]:
    return ExperimentSheet.objects.select_related(
        "project__call__measure", "project__beneficiary__seat__province", "project__application"
    )


def published_sheets() -> QuerySet[ExperimentSheet]:
    return _sheets().filter(status=SheetStatus.PUBLISHED)


@dataclass(frozen=True)
class SheetFilters:
    query: str = ""
    theme: str = ""
    target_group: str = ""
    province: str = ""  # ISTAT code
    district: str = ""  # district code


def _list_contains(field: str, value: str) -> Q:
    # Lists of vocabulary codes stored as JSON: a code is matched with its quotes, so "care" never matches
    # "caregivers" (works alike on SQLite and PostgreSQL).
    return Q(**{f"{field}__icontains": f'"{value}"'})


def search_sheets(filters: SheetFilters) -> QuerySet[ExperimentSheet]:
    sheets = published_sheets()
    if filters.query:
        text = filters.query.strip()
        sheets = sheets.filter(
            Q(project__title__icontains=text)
            | Q(need__icontains=text)
            | Q(solution__icontains=text)
            | Q(replication_requirements__icontains=text)
        )
    if filters.theme:
        sheets = sheets.filter(_list_contains("themes", filters.theme))
    if filters.target_group:
        sheets = sheets.filter(_list_contains("target_groups", filters.target_group))
    if filters.province:
        inside = Project.objects.filter(
            Q(application__municipalities__province__istat_code=filters.province)
            | Q(application__provinces__istat_code=filters.province)
            | Q(application__districts__provinces__istat_code=filters.province)
            | Q(beneficiary__seat__province__istat_code=filters.province)
        )
        sheets = sheets.filter(project__in=inside.values("pk"))
    if filters.district:
        inside = Project.objects.filter(application__districts__code=filters.district)
        sheets = sheets.filter(project__in=inside.values("pk"))
    return sheets.order_by("-published_at", "-pk")


def review_queue(user) -> QuerySet[ExperimentSheet]:
    """Sheets waiting for review first, then the others: those of the calls ``user`` works on (staff)."""
    sheets = scope_to_staff_calls(user, _sheets(), "project__call")
    return sheets.exclude(status=SheetStatus.DRAFT).order_by("status", "-submitted_at", "-pk")


def sheet_projects(user) -> QuerySet[Project]:
    """The user's organisations' projects that may have a sheet (running or concluded)."""
    from grants.projects.permissions import beneficiary_projects

    return (
        beneficiary_projects(user)
        .filter(status__in=SHEET_PROJECT_STATUSES)
        .select_related("call__measure", "experiment_sheet")
        .order_by("title", "pk")
    )


def interests_of(sheet: ExperimentSheet) -> QuerySet[ReplicationInterest]:
    return sheet.interests.select_related("organisation__seat").order_by("-created_at")

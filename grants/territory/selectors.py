"""Reads of the territory context: querysets tuned for lists, searches and the API (no N+1)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import CohesionDistrict, Municipality, Province, SocialServiceBody


def list_provinces(*, region_code: str = "") -> QuerySet[Province]:
    """Provinces (and the metropolitan city) by name; only one region's when ``region_code`` is given."""
    queryset = Province.objects.select_related("region").order_by("name", "istat_code")
    if region_code:
        queryset = queryset.filter(region__istat_code=region_code)
    return queryset


def province_by_abbreviation(abbreviation: str) -> Province | None:
    return Province.objects.select_related("region").filter(abbreviation=abbreviation.strip().upper()).first()


def search_municipalities(
    *, q: str = "", province: str = "", starts_with: bool = False
) -> QuerySet[Municipality]:
    """Comuni whose name contains ``q`` (or starts with it when ``starts_with``), case-insensitive.

    ``province`` is an abbreviation (``TO``). A ``q`` of six digits also matches the ISTAT code. The ordering
    (name, then ISTAT code) is stable, so pages do not overlap.
    """
    queryset = Municipality.objects.select_related("province").order_by("name", "istat_code")
    if province:
        queryset = queryset.filter(province__abbreviation=province.strip().upper())
    q = " ".join(q.split())
    if q:
        by_name = Q(name__istartswith=q) if starts_with else Q(name__icontains=q)
        if q.isdigit() and len(q) == 6:
            by_name |= Q(istat_code=q)
        queryset = queryset.filter(by_name)
    return queryset


def municipality_by_istat_code(istat_code: str) -> Municipality | None:
    return Municipality.objects.select_related("province__region").filter(istat_code=istat_code).first()


def municipalities_by_istat_codes(istat_codes: list[str]) -> dict[str, Municipality]:
    """The comuni with these ISTAT codes, keyed by code (unknown codes are simply absent)."""
    queryset = Municipality.objects.select_related("province").filter(istat_code__in=istat_codes)
    return {m.istat_code: m for m in queryset}


def _bodies_queryset() -> QuerySet[SocialServiceBody]:
    return SocialServiceBody.objects.select_related("province", "seat__province").order_by("name", "pk")


def list_districts(*, province: str = "", include_demo: bool = True) -> QuerySet[CohesionDistrict]:
    """Distretti della Coesione Sociale with their provinces and enti gestori prefetched, by name."""
    queryset = CohesionDistrict.objects.order_by("name", "code").prefetch_related(
        Prefetch("provinces", queryset=Province.objects.order_by("name")),
        Prefetch("bodies", queryset=_bodies_queryset()),
    )
    if province:
        queryset = queryset.filter(provinces__abbreviation=province.strip().upper()).distinct()
    if not include_demo:
        queryset = queryset.filter(is_demo=False)
    return queryset


def district_by_code(code: str) -> CohesionDistrict | None:
    return list_districts().filter(code=code).first()


def list_social_service_bodies(
    *,
    province: str = "",
    district: str = "",
    municipality: str = "",
    legal_form: str = "",
    q: str = "",
    include_demo: bool = True,
) -> QuerySet[SocialServiceBody]:
    """Enti gestori by name, filtered by province abbreviation, district code, served comune (ISTAT code),
    legal form, or a text in the name or short name; districts prefetched."""
    queryset = _bodies_queryset().prefetch_related(
        Prefetch("districts", queryset=CohesionDistrict.objects.order_by("code"))
    )
    if province:
        queryset = queryset.filter(province__abbreviation=province.strip().upper())
    if district:
        queryset = queryset.filter(districts__code=district)
    if municipality:
        queryset = queryset.filter(municipalities__istat_code=municipality)
    if legal_form:
        queryset = queryset.filter(legal_form=legal_form)
    q = " ".join(q.split())
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if not include_demo:
        queryset = queryset.filter(is_demo=False)
    if district or municipality:
        queryset = queryset.distinct()
    return queryset


def social_service_body_by_id(pk: int) -> SocialServiceBody | None:
    return list_social_service_bodies().filter(pk=pk).first()

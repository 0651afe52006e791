"""Programmes, funds, measures and calls: public reference data (drafts only for staff who may see them)."""

from django.conf import settings
from ninja import Query
from ninja.pagination import paginate

from grants.programme import selectors

from ..pagination import Pagination
from . import router
from .schemas import (
    CALL_ORDERING,
    CallDetailOut,
    CallFilters,
    CallSummaryOut,
    FundOut,
    MeasureDetailOut,
    MeasureOut,
    ProgrammeDetailOut,
    ProgrammeOut,
)

# --- endpoints --------------------------------------------------------------------------------------------


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmi")
def list_programmes(request):
    return list(selectors.programme_list().order_by("code"))


@router.get("/programmes/{code}", response=ProgrammeDetailOut, summary="Programma con fondi e misure")
def get_programme(request, code: str):
    overview = selectors.programme_overview(code, user=request.user)
    programme = overview.programme
    programme.overview = overview
    return programme


@router.get("/funds", response=list[FundOut], summary="Fondi")
def list_funds(request, programme: str | None = None):
    return list(selectors.fund_list(programme=programme))


@router.get("/measures", response=list[MeasureOut], summary="Misure")
def list_measures(request, programme: str | None = None, fund: str | None = None):
    return list(selectors.measure_list(programme=programme, fund=fund))


@router.get("/measures/{code}", response=MeasureDetailOut, summary="Misura con fasi e bandi")
def get_measure(request, code: str, programme: str | None = None):
    return selectors.measure_detail(
        code, programme=programme or settings.DEFAULT_PROGRAMME_CODE, user=request.user
    )


@router.get("/calls", response=list[CallSummaryOut], summary="Bandi")
@paginate(Pagination, page_size=20)
def list_calls(request, filters: Query[CallFilters]):
    calls = selectors.call_list(
        user=request.user,
        programme=filters.programme,
        measure=filters.measure,
        mode=filters.mode,
        status=filters.status,
    )
    return CALL_ORDERING.apply(calls, filters.ordering)


@router.get("/calls/{code}", response=CallDetailOut, summary="Bando con tutte le regole")
def get_call(request, code: str):
    return selectors.call_detail(code, user=request.user)


# --- the staff of a call (the head of measure) ------------------------------------------------------------

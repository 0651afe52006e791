"""Which of the call's reserves an application competes for (read once, when the ranking is computed, and
kept on its ranking entry so a later slide uses the same answer).

- by province: the province is among the application's provinces of intervention, or one of its comuni is
  in that province;
- by Distretto: the Distretto is among its districts of intervention;
- by kind of applicant: the lead's legal form (and company size, when the reserve lists sizes) is listed;
- by type of project (linea): the officer recognised the project in that line at the formal check.
"""

from collections.abc import Iterable

from grants.applications.models import Application
from grants.programme.models import Call, CallReserve, ReserveKind

from .allocation import AllocationRules, Reserve


def call_reserves(call: Call) -> list[CallReserve]:
    return list(CallReserve.objects.filter(call=call).order_by("code"))


def as_reserves(reserves: Iterable[CallReserve]) -> list[Reserve]:
    return [Reserve(code=r.code, amount=r.amount, returns_to_pool=r.unused_returns_to_pool) for r in reserves]


def rules_of(call: Call) -> AllocationRules:
    return AllocationRules(
        partial_allowed=call.partial_funding_allowed,
        partial_min_percent=call.partial_funding_min_percent,
        next_that_fits=call.fund_next_that_fits,
    )


def matches(reserve: CallReserve, application: Application) -> bool:
    if reserve.kind == ReserveKind.PROVINCE:
        provinces = {p.pk for p in application.provinces.all()}
        provinces |= {m.province_id for m in application.municipalities.all()}
        return reserve.province_id in provinces
    if reserve.kind == ReserveKind.DISTRICT:
        return reserve.district_id in {d.pk for d in application.districts.all()}
    if reserve.kind == ReserveKind.APPLICANT_TYPE:
        applicant = application.applicant
        if reserve.legal_forms and applicant.legal_form not in reserve.legal_forms:
            return False
        if reserve.company_sizes and applicant.company_size not in reserve.company_sizes:
            return False
        return bool(reserve.legal_forms or reserve.company_sizes)
    if reserve.kind == ReserveKind.PROJECT_TYPE:
        review = getattr(application, "admissibility_review", None)
        return review is not None and reserve.code in (review.project_lines or [])
    return False


def matching_codes(reserves: list[CallReserve], application: Application) -> tuple[str, ...]:
    """Codes of the reserves the application competes for, in the call's order."""
    return tuple(r.code for r in reserves if matches(r, application))


def with_territory(queryset):
    """The prefetches ``matches`` reads, for a list of applications."""
    return queryset.select_related("applicant", "admissibility_review").prefetch_related(
        "provinces", "municipalities", "districts"
    )

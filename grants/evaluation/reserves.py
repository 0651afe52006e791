"""Which of the call's reserves an application competes for (read once, when the ranking is computed, and
kept on its ranking entry so a later slide uses the same answer).

- by province: the province is among the application's provinces of intervention, or one of its comuni is
  in that province;
- by Distretto: the Distretto is among its districts of intervention;
- by kind of applicant: the lead's legal form (and company size, when the reserve lists sizes) is listed;
- by type of project (linea): the officer recognised the project in that line at the formal check.
"""

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import NamedTuple

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


class ReserveFacts(NamedTuple):
    """What the reserves look at, for one application (a tuple: made for every application of a ranking)."""

    provinces: AbstractSet[int] = frozenset()  # of intervention, and those of its comuni
    districts: AbstractSet[int] = frozenset()
    legal_form: str = ""
    company_size: str = ""
    project_lines: tuple[str, ...] = ()  # recognised at the formal check


def matches_facts(reserve: CallReserve, facts: ReserveFacts) -> bool:
    if reserve.kind == ReserveKind.PROVINCE:
        return reserve.province_id in facts.provinces
    if reserve.kind == ReserveKind.DISTRICT:
        return reserve.district_id in facts.districts
    if reserve.kind == ReserveKind.APPLICANT_TYPE:
        if reserve.legal_forms and facts.legal_form not in reserve.legal_forms:
            return False
        if reserve.company_sizes and facts.company_size not in reserve.company_sizes:
            return False
        return bool(reserve.legal_forms or reserve.company_sizes)
    if reserve.kind == ReserveKind.PROJECT_TYPE:
        return reserve.code in facts.project_lines
    return False


def facts_of(application: Application) -> ReserveFacts:
    """The facts of one application from its rows (and prefetched relations, see ``with_territory``)."""
    review = getattr(application, "admissibility_review", None)
    return ReserveFacts(
        provinces=frozenset(p.pk for p in application.provinces.all())
        | frozenset(m.province_id for m in application.municipalities.all()),
        districts=frozenset(d.pk for d in application.districts.all()),
        legal_form=application.applicant.legal_form,
        company_size=application.applicant.company_size,
        project_lines=tuple(review.project_lines or ()) if review is not None else (),
    )


def matches(reserve: CallReserve, application: Application) -> bool:
    return matches_facts(reserve, facts_of(application))


def matching_codes(reserves: list[CallReserve], application: Application) -> tuple[str, ...]:
    """Codes of the reserves the application competes for, in the call's order."""
    facts = facts_of(application)
    return tuple(r.code for r in reserves if matches_facts(r, facts))


def codes_for(queryset, reserves: list[CallReserve]) -> dict[int, tuple[str, ...]]:
    """For every application of ``queryset`` that competes for some of the call's reserves, their codes in
    the call's order (``matching_codes`` in bulk: a handful of queries whatever the number of applications,
    reading only what the call's reserves look at)."""
    if not reserves:
        return {}
    kinds = {r.kind for r in reserves}
    ids = queryset.values("pk")
    provinces: dict[int, set[int]] = {}
    districts: dict[int, set[int]] = {}
    if ReserveKind.PROVINCE in kinds:
        through = Application.provinces.through.objects.filter(application_id__in=ids)
        for application_id, province_id in through.values_list("application_id", "province_id"):
            provinces.setdefault(application_id, set()).add(province_id)
        through = Application.municipalities.through.objects.filter(application_id__in=ids)
        for application_id, province_id in through.values_list("application_id", "municipality__province_id"):
            provinces.setdefault(application_id, set()).add(province_id)
    if ReserveKind.DISTRICT in kinds:
        through = Application.districts.through.objects.filter(application_id__in=ids)
        for application_id, district_id in through.values_list("application_id", "cohesiondistrict_id"):
            districts.setdefault(application_id, set()).add(district_id)
    empty: frozenset = frozenset()
    provinces_of = {pk: frozenset(ids) for pk, ids in provinces.items()}
    districts_of = {pk: frozenset(ids) for pk, ids in districts.items()}
    applicant = ReserveKind.APPLICANT_TYPE in kinds
    lines = ReserveKind.PROJECT_TYPE in kinds
    columns = ["pk"]  # only what the call's reserves look at
    if applicant:
        columns += ["applicant__legal_form", "applicant__company_size"]
    if lines:
        columns.append("admissibility_review__project_lines")
    if len(columns) > 1:
        rows = queryset.values_list(*columns)
    else:  # territory only: the applications in the territory tables are the only candidates
        rows = ((pk,) for pk in provinces_of.keys() | districts_of.keys())
    result = {}
    # Applications share their facts (a few provinces, a few legal forms): each set of facts is matched
    # against the reserves once.
    decided: dict[ReserveFacts, tuple[str, ...]] = {}
    for values in rows:
        pk = values[0]
        facts = ReserveFacts(
            provinces_of.get(pk, empty),
            districts_of.get(pk, empty),
            (values[1] or "") if applicant else "",
            (values[2] or "") if applicant else "",
            tuple(values[-1] or ()) if lines else (),
        )
        codes = decided.get(facts)
        if codes is None:
            codes = decided[facts] = tuple(r.code for r in reserves if matches_facts(r, facts))
        if codes:
            result[pk] = codes
    return result


def with_territory(queryset):
    """The prefetches ``matches`` reads, for a list of applications."""
    return queryset.select_related("applicant", "admissibility_review").prefetch_related(
        "provinces", "municipalities", "districts"
    )

"""Reserves of a first-come call (CallReserve): which one an application matches, as a pure function.

An application that matches a reserve books against it first, then against the general pool (the budget less
every reserve); one that matches none books against the general pool only. Project-type reserves are chosen
by the ranking, not matched here.
"""

from dataclasses import dataclass

from grants.programme.models import ReserveKind


@dataclass(frozen=True)
class ReserveFacts:
    legal_form: str
    company_size: str
    province_ids: frozenset[int]
    district_ids: frozenset[int]


def matches(reserve, facts: ReserveFacts) -> bool:
    if reserve.kind == ReserveKind.PROVINCE:
        return reserve.province_id in facts.province_ids
    if reserve.kind == ReserveKind.DISTRICT:
        return reserve.district_id in facts.district_ids
    if reserve.kind == ReserveKind.APPLICANT_TYPE:
        return (not reserve.legal_forms or facts.legal_form in reserve.legal_forms) and (
            not reserve.company_sizes or facts.company_size in reserve.company_sizes
        )
    return False


def matching_reserve(reserves, facts: ReserveFacts):
    """The first reserve (in the call's order) the application matches, or None."""
    return next((reserve for reserve in reserves if matches(reserve, facts)), None)

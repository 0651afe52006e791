"""The partners' side: the participations to confirm, and their confirmation."""

from ninja import Field, Query, Schema
from ninja.pagination import paginate

from grants.applications import selectors, services
from grants.applications.models import ApplicationPartner

from ..pagination import LazyRows, Ordering, Pagination
from . import router
from .schemas import PartnershipOut


def _partnership(partner: ApplicationPartner) -> dict:
    return {
        "id": partner.pk,
        "application_id": partner.application_id,
        "application_title": partner.application.title,
        "applicant_name": partner.application.applicant.name,
        "call_code": partner.application.call.code,
        "share_percent": partner.share_percent,
        "confirmed_at": partner.confirmed_at,
    }


PARTNERSHIP_ORDERING = Ordering(
    "-created_at", created_at="created_at", application_title="application__title"
)


class PartnershipFilters(Schema):
    call: str | None = Field(None, description="Codice del bando")
    confirmed: bool | None = Field(None, description="true: già confermate; false: da confermare")
    ordering: PARTNERSHIP_ORDERING.choices = PARTNERSHIP_ORDERING.field()


@router.get("/partnerships", response=list[PartnershipOut])
@paginate(Pagination, page_size=20)
def list_partnerships(request, filters: Query[PartnershipFilters]):
    """Partner rows the user may confirm (for the organisations they act for), in draft applications."""
    partners = selectors.partnerships_to_confirm(request.auth)
    if filters.call:
        partners = partners.filter(application__call__code=filters.call)
    if filters.confirmed is not None:
        partners = partners.filter(confirmed_at__isnull=not filters.confirmed)
    return LazyRows(PARTNERSHIP_ORDERING.apply(partners, filters.ordering), _partnership)


@router.post("/partnerships/{partner_id}/confirm", response=PartnershipOut)
def confirm_partnership(request, partner_id: int):
    partner = selectors.partnership_for_user(request.auth, partner_id)
    partner = services.confirm_participation(actor=request.auth, partner=partner)
    return _partnership(partner)

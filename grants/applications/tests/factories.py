"""Factories of the applications context: calls ready to receive applications, members, drafts built through
the services (so a factory-made application is exactly what an applicant could have made)."""

from decimal import Decimal

from grants.applications import services
from grants.applications.models import Application
from grants.core.vocabulary import LegalForm
from grants.programme.models import Call, CallMode, CostOption
from grants.programme.tests.factories import CallFactory, CostCategoryFactory
from grants.registry.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

__all__ = [
    "MembershipFactory",
    "OrganisationFactory",
    "UserFactory",
    "draft",
    "member_of",
    "open_call",
    "ready_application",
]


def open_call(*, first_come: bool = False, categories: bool = True, **kwargs) -> Call:
    """A published call open now, accepting ETS as lead, no partner required, one real-cost category
    'personale' (plus whatever the caller adds)."""
    kwargs.setdefault("requires_partner_confirmation", True)
    if first_come:
        kwargs["mode"] = CallMode.FIRST_COME
    call = CallFactory(**kwargs)
    if categories:
        CostCategoryFactory(call=call, code="personale", title="Personale", cost_option=CostOption.REAL_COSTS)
    return call


def member_of(organisation=None, **organisation_kwargs):
    """A user who is the active legal representative of ``organisation`` (made if not given: an ETS)."""
    user = UserFactory()
    if organisation is None:
        organisation_kwargs.setdefault("legal_form", LegalForm.THIRD_SECTOR)
        organisation = OrganisationFactory(representative=user, **organisation_kwargs)
    else:
        MembershipFactory(user=user, organisation=organisation, role="legal_representative")
    return user, organisation


def draft(*, call: Call | None = None, user=None, organisation=None) -> Application:
    call = call or open_call()
    if user is None:
        user, organisation = member_of(organisation)
    return services.create_draft(actor=user, organisation=organisation, call=call)


def ready_application(
    *, call: Call | None = None, user=None, organisation=None, amount: Decimal = Decimal("50000.00")
) -> Application:
    """A draft that passes every rule of ``call`` (default: an open call made by ``open_call``)."""
    application = draft(call=call, user=user, organisation=organisation)
    actor = user or application.created_by
    services.update_general(
        actor=actor,
        application=application,
        title="Welfare di comunità",
        abstract="Sperimentazione di servizi di prossimità nei quartieri.",
    )
    return services.set_budget(
        actor=actor,
        application=application,
        lines=[services.BudgetLineInput(category="personale", amount=amount, description="Educatori")],
    )

"""Reserves on a first-come call: a matching application books its reserve first, then the general pool; a
non-matching one only the general pool; released money goes to the first waiting application it can fund."""

from decimal import Decimal

import pytest

from grants.applications import services
from grants.applications.models import CallBooking, ReserveBooking
from grants.core.vocabulary import LegalForm
from grants.programme.models import CallReserve, ReserveKind
from grants.territory.tests.factories import MunicipalityFactory

from .factories import member_of, open_call, ready_application

pytestmark = pytest.mark.django_db
GRANT = Decimal("20000.00")


@pytest.fixture
def call():
    call = open_call(
        first_come=True,
        budget=Decimal("60000.00"),
        min_grant=None,
        max_grant=None,
        lead_legal_forms=[LegalForm.THIRD_SECTOR.value, LegalForm.COMPANY.value],
    )
    CallReserve.objects.create(
        call=call,
        code="imprese",
        label="Riserva imprese",
        kind=ReserveKind.APPLICANT_TYPE,
        legal_forms=[LegalForm.COMPANY.value],
        amount=Decimal("20000.00"),
    )
    return call


def send(call, legal_form, amount=GRANT):
    user, organisation = member_of(legal_form=legal_form)
    application = ready_application(call=call, user=user, organisation=organisation, amount=amount)
    return services.submit(
        actor=user, application=application, idempotency_key="k", declarations_accepted=True
    ).application


def test_matching_books_the_reserve_then_the_general_pool_others_only_the_general_pool(call):
    first_company = send(call, LegalForm.COMPANY)
    assert (first_company.booking_outcome, first_company.booked_on_reserve) == ("booked", True)
    ets = [send(call, LegalForm.THIRD_SECTOR) for _ in range(3)]
    assert [a.booking_outcome for a in ets] == ["booked", "booked", "waiting"]  # general pool: 40,000 €
    second_company = send(call, LegalForm.COMPANY)  # reserve exhausted, general pool exhausted
    assert second_company.booking_outcome == "waiting"
    booking = CallBooking.objects.get(call=call)
    assert (booking.booked, booking.reserve_booked) == (Decimal("60000.00"), Decimal("20000.00"))
    assert ReserveBooking.objects.get(call=call).booked == Decimal("20000.00")


def test_a_company_uses_the_general_pool_when_its_reserve_is_exhausted(call):
    send(call, LegalForm.COMPANY)
    later = send(call, LegalForm.COMPANY)
    assert (later.booking_outcome, later.booked_on_reserve) == ("booked", False)


def test_released_reserve_money_goes_to_the_first_waiting_company_not_to_an_ets(call):
    company = send(call, LegalForm.COMPANY)
    send(call, LegalForm.THIRD_SECTOR)
    send(call, LegalForm.THIRD_SECTOR)
    waiting_ets = send(call, LegalForm.THIRD_SECTOR)
    waiting_company = send(call, LegalForm.COMPANY)
    services.withdraw(actor=company.created_by, application=company)
    waiting_ets.refresh_from_db()
    waiting_company.refresh_from_db()
    assert waiting_ets.booking_outcome == "waiting"
    assert (waiting_company.booking_outcome, waiting_company.booked_on_reserve) == ("booked", True)


def test_province_reserve_matches_the_territory_of_intervention():
    municipality = MunicipalityFactory()
    call = open_call(first_come=True, budget=Decimal("40000.00"), min_grant=None, max_grant=None)
    CallReserve.objects.create(
        call=call,
        code="prov",
        label="Riserva provinciale",
        kind=ReserveKind.PROVINCE,
        province=municipality.province,
        amount=Decimal("20000.00"),
    )
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    services.update_general(
        actor=user, application=application, title="T", abstract="A", municipalities=[municipality]
    )
    application = services.set_budget(
        actor=user,
        application=application,
        lines=[services.BudgetLineInput(category="personale", amount=GRANT)],
    )
    result = services.submit(
        actor=user, application=application, idempotency_key="p", declarations_accepted=True
    )
    assert result.application.booked_on_reserve and result.application.reserve.code == "prov"

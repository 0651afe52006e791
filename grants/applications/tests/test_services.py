"""Services: drafts, partnership, budget, documents, submission (window, rules, idempotency, protocol),
withdrawal and the first-come booking. Concurrency is in test_concurrency.py (PostgreSQL)."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.applications import selectors, services
from grants.applications.fingerprint import fingerprint_of
from grants.applications.models import Application, BudgetLine, CallBooking, ProtocolCounter
from grants.applications.services import (
    BudgetLineInput,
    PartnerInput,
    attachments,
    booking,
    drafts,
    retention,
    submission,
)
from grants.applications.states import ApplicationStatus, BookingOutcome, PartnerRole
from grants.core.timeutils import now, rome_datetime
from grants.core.vocabulary import LegalForm
from grants.programme.models import CostOption
from grants.programme.tests.factories import CostCategoryFactory, RequiredDocumentFactory

from .factories import UserFactory, draft, member_of, open_call, ready_application

pytestmark = pytest.mark.django_db


def send(application, key="chiave-1", *, actor=None, declarations=True):
    return services.submit(
        actor=actor or application.created_by,
        application=application,
        idempotency_key=key,
        declarations_accepted=declarations,
    )


def counter(year=None):
    row = ProtocolCounter.objects.filter(year=year or now().year).first()
    return row.last_number if row else 0


# --- drafts ---------------------------------------------------------------------------------------------
def test_a_member_creates_a_draft_with_the_organisation_as_confirmed_lead():
    user, organisation = member_of()
    call = open_call()
    application = services.create_draft(actor=user, organisation=organisation, call=call)
    assert application.status == ApplicationStatus.DRAFT
    assert application.applicant == organisation
    [lead] = application.partners.all()
    assert (lead.role, lead.organisation, lead.share_percent, lead.is_confirmed) == (
        PartnerRole.LEAD,
        organisation,
        Decimal("100.00"),
        True,
    )
    assert application.history.first().history_user == user


def test_only_members_create_drafts():
    _user, organisation = member_of()
    with pytest.raises(PermissionDenied):
        services.create_draft(actor=UserFactory(), organisation=organisation, call=open_call())


def test_a_revoked_member_cannot_act():
    user, organisation = member_of()
    organisation.memberships.update(revoked_at=now())
    with pytest.raises(PermissionDenied):
        services.create_draft(actor=user, organisation=organisation, call=open_call())


def test_no_draft_on_a_closed_call():
    user, organisation = member_of()
    call = open_call(opens_at=now() - timedelta(days=40), closes_at=now() - timedelta(days=1))
    with pytest.raises(services.ApplicationError) as caught:
        services.create_draft(actor=user, organisation=organisation, call=call)
    assert caught.value.code == "call_not_open"


def test_update_general_sets_text_and_territory():
    from grants.territory.tests.factories import MunicipalityFactory

    application = draft()
    comune = MunicipalityFactory()
    services.update_general(
        actor=application.created_by,
        application=application,
        title="  Titolo  ",
        abstract="Sintesi",
        municipalities=[comune],
        provinces=[comune.province],
    )
    application.refresh_from_db()
    assert application.title == "Titolo"
    assert list(application.municipalities.all()) == [comune]
    assert list(application.provinces.all()) == [comune.province]


def test_another_organisation_cannot_write():
    application = draft()
    intruder, _other = member_of()
    with pytest.raises(PermissionDenied):
        services.update_general(actor=intruder, application=application, title="x", abstract="y")


# --- partnership ------------------------------------------------------------------------------------------
def test_partners_are_replaced_and_a_changed_share_needs_a_new_confirmation():
    application = draft()
    actor = application.created_by
    partner_user, partner_org = member_of(legal_form=LegalForm.PUBLIC_BODY)
    rows = services.set_partners(
        actor=actor,
        application=application,
        partners=[
            PartnerInput(organisation=partner_org, share_percent=Decimal("30")),
            PartnerInput(
                name="Associazione Futura", legal_form=LegalForm.THIRD_SECTOR, share_percent=Decimal("10")
            ),
        ],
    )
    lead, registered, unregistered = rows
    assert lead.share_percent == Decimal("60.00")
    assert unregistered.effective_legal_form == LegalForm.THIRD_SECTOR
    services.confirm_participation(actor=partner_user, partner=registered)
    registered.refresh_from_db()
    assert registered.confirmed_by == partner_user

    # Same share: the confirmation stays; another share: it must be given again; a dropped partner goes.
    services.set_partners(
        actor=actor,
        application=application,
        partners=[PartnerInput(organisation=partner_org, share_percent=Decimal("30"))],
        lead_share_percent=Decimal("70"),
    )
    registered.refresh_from_db()
    assert registered.is_confirmed
    assert application.partners.count() == 2
    services.set_partners(
        actor=actor,
        application=application,
        partners=[PartnerInput(organisation=partner_org, share_percent=Decimal("40"))],
    )
    registered.refresh_from_db()
    assert not registered.is_confirmed


def test_partner_input_errors_are_reported_per_field():
    application = draft()
    with pytest.raises(services.ApplicationError) as caught:
        services.set_partners(
            actor=application.created_by,
            application=application,
            partners=[
                PartnerInput(name="", legal_form="", share_percent=Decimal("10")),
                PartnerInput(organisation=application.applicant, share_percent=Decimal("10")),
                PartnerInput(name="X", legal_form=LegalForm.COMPANY, share_percent=Decimal("120")),
            ],
        )
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {
        "partners[0].name",
        "partners[0].legal_form",
        "partners[1].organisation",
        "partners[2].share_percent",
    }
    assert application.partners.count() == 1


def test_only_the_partner_organisation_confirms_its_participation():
    application = draft()
    _partner_user, partner_org = member_of()
    _lead, partner = services.set_partners(
        actor=application.created_by,
        application=application,
        partners=[PartnerInput(organisation=partner_org, share_percent=Decimal("50"))],
    )
    with pytest.raises(PermissionDenied):
        services.confirm_participation(actor=application.created_by, partner=partner)


# --- budget -----------------------------------------------------------------------------------------------
def test_budget_computes_unit_costs_flat_rates_and_totals():
    call = open_call(max_aid_intensity=Decimal("80"), min_cofinancing=Decimal("20"))
    CostCategoryFactory(
        call=call, code="ore", title="Ore", cost_option=CostOption.UNIT_COST, unit_rate=Decimal("40.50")
    )
    CostCategoryFactory(
        call=call,
        code="indiretti",
        title="Costi indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal("15"),
        flat_rate_base=["personale"],
    )
    application = draft(call=call)
    services.set_budget(
        actor=application.created_by,
        application=application,
        lines=[
            BudgetLineInput(category="personale", amount=Decimal("10000.00")),
            BudgetLineInput(category="ore", quantity=Decimal("100")),
        ],
    )
    application.refresh_from_db()
    amounts = dict(BudgetLine.objects.filter(application=application).values_list("category__code", "amount"))
    assert amounts == {
        "personale": Decimal("10000.00"),
        "ore": Decimal("4050.00"),
        "indiretti": Decimal("1500.00"),
    }
    assert application.total_cost == Decimal("15550.00")
    assert application.requested_grant == Decimal("12440.00")
    assert application.cofinancing == Decimal("3110.00")
    flat_line = BudgetLine.objects.get(application=application, category__code="indiretti")
    assert flat_line.is_computed


def test_budget_refuses_flat_rates_unknown_categories_and_negative_amounts():
    call = open_call()
    CostCategoryFactory(
        call=call, code="indiretti", cost_option=CostOption.FLAT_RATE, flat_rate_percent=Decimal("7")
    )
    application = draft(call=call)
    with pytest.raises(services.ApplicationError) as caught:
        services.set_budget(
            actor=application.created_by,
            application=application,
            lines=[
                BudgetLineInput(category="indiretti", amount=Decimal("1")),
                BudgetLineInput(category="inesistente", amount=Decimal("1")),
                BudgetLineInput(category="personale", amount=Decimal("-5")),
            ],
        )
    assert [e["field"] for e in caught.value.errors] == [
        "lines[0].category",
        "lines[1].category",
        "lines[2].amount",
    ]
    assert not application.budget_lines.exists()


# --- submission -------------------------------------------------------------------------------------------
def test_submission_takes_a_protocol_number_and_a_fingerprint():
    application = ready_application()
    result = send(application)
    submitted = result.application
    assert result.created
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert submitted.protocol == f"{now().year}/0000001"
    assert submitted.submitted_at is not None
    assert submitted.declarations_accepted_at is not None
    assert len(submitted.fingerprint) == 64
    assert submitted.fingerprint == fingerprint_of(submitted.submitted_data)
    assert submitted.submitted_data["totals"]["total_cost"] == "50000.00"
    latest = submitted.history.first()
    assert latest.history_user == application.created_by
    assert latest.protocol_number == 1


def test_numbers_are_consecutive_and_refusals_leave_no_gap():
    first = send(ready_application(), "a").application
    refused = draft()
    with pytest.raises(services.SubmissionRefused):
        send(refused, "b")
    third = send(ready_application(), "c").application
    assert (first.protocol_number, third.protocol_number) == (1, 2)
    assert counter() == 2


def test_same_key_returns_the_same_protocol_number():
    application = ready_application()
    first = send(application, "doppio-click")
    again = send(application, "doppio-click")
    assert not again.created
    assert again.protocol == first.protocol
    assert counter() == 1


def test_another_key_on_a_submitted_application_is_a_conflict():
    application = ready_application()
    first = send(application, "uno")
    with pytest.raises(services.AlreadySubmitted) as caught:
        send(application, "due")
    assert first.protocol in caught.value.message
    assert counter() == 1


def test_a_key_cannot_be_reused_for_another_application_of_the_same_applicant():
    user, organisation = member_of()
    call = open_call()
    send(ready_application(call=call, user=user, organisation=organisation), "stessa")
    other = ready_application(call=call, user=user, organisation=organisation)
    with pytest.raises(services.IdempotencyKeyReused):
        send(other, "stessa")


def test_submission_needs_the_declarations():
    application = ready_application()
    with pytest.raises(services.SubmissionRefused) as caught:
        send(application, declarations=False)
    assert caught.value.errors[0]["field"] == "declarations_accepted"
    assert "DPR 445/2000" in caught.value.message
    assert counter() == 0


def test_submission_is_refused_while_rules_fail():
    application = ready_application(amount=Decimal("5000.00"))  # the call's minimum grant is 10.000,00 €
    with pytest.raises(services.SubmissionRefused) as caught:
        send(application)
    assert [e["code"] for e in caught.value.errors] == ["grant_too_low"]
    assert caught.value.errors[0]["message"] == (
        "Il contributo richiesto (5.000,00 €) è inferiore al minimo del bando (10.000,00 €)."
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.protocol_number is None


def test_only_members_submit():
    application = ready_application()
    with pytest.raises(PermissionDenied):
        send(application, actor=UserFactory())


@pytest.fixture
def clock(monkeypatch):
    """Set the services' clock: clock(moment). Each module of the services package looks ``now`` up in its
    own namespace, so each one that uses it is patched."""

    def set_to(moment):
        for module in (drafts, attachments, submission, booking, retention):
            monkeypatch.setattr(module, "now", lambda: moment)

    return set_to


def test_the_deadline_is_exact_and_stated(clock):
    call = open_call(opens_at=rome_datetime(2020, 1, 7, 9, 0), closes_at=rome_datetime(2020, 2, 27, 12, 0))
    clock(rome_datetime(2020, 2, 1, 10, 0))
    late, in_time = ready_application(call=call), ready_application(call=call)
    clock(rome_datetime(2020, 2, 27, 12, 0))
    with pytest.raises(services.OutsideSubmissionWindow) as caught:
        send(late, "x")
    assert caught.value.message == "La scadenza era il 27/02/2020 alle 12:00."
    clock(rome_datetime(2020, 2, 27, 11, 59, 59))
    assert send(in_time, "y").application.protocol == "2020/0000001"


def test_before_opening_the_opening_is_stated(clock):
    call = open_call(opens_at=now() + timedelta(days=1), closes_at=now() + timedelta(days=30))
    application = ready_application(call=call)
    with pytest.raises(services.OutsideSubmissionWindow) as caught:
        send(application)
    assert caught.value.code == "call_not_yet_open"
    assert caught.value.message.startswith("Il bando apre il ")


def test_the_protocol_year_is_the_year_in_rome(clock):
    call = open_call(opens_at=rome_datetime(2025, 12, 1), closes_at=rome_datetime(2026, 2, 1))
    clock(rome_datetime(2025, 12, 15))
    application = ready_application(call=call)
    clock(rome_datetime(2026, 1, 1, 0, 30))  # still 2025 in UTC
    assert send(application).application.protocol == "2026/0000001"


def test_documents_enter_the_fingerprint(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="statuto", per_partner=False)
    first, second = ready_application(call=call), ready_application(call=call)
    for application, content in ((first, b"%PDF-1 uno"), (second, b"%PDF-1 due")):
        document = services.attach_document(
            actor=application.created_by,
            application=application,
            required_document=required,
            uploaded_file=SimpleUploadedFile("statuto.pdf", content, content_type="application/pdf"),
        )
        assert document.sha256 == hashlib.sha256(content).hexdigest()
    a, b = send(first, "a").application, send(second, "b").application
    assert a.submitted_data["documents"][0]["sha256"] == hashlib.sha256(b"%PDF-1 uno").hexdigest()
    assert b.submitted_data["documents"][0]["sha256"] == hashlib.sha256(b"%PDF-1 due").hexdigest()
    assert fingerprint_of({**a.submitted_data, "documents": []}) != a.fingerprint


def test_a_mandatory_document_is_required_and_types_are_checked(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="statuto")
    application = ready_application(call=call)
    assert [v.code for v in selectors.check_application(application)] == ["document_missing"]
    with pytest.raises(services.ApplicationError) as caught:
        services.attach_document(
            actor=application.created_by,
            application=application,
            required_document=required,
            uploaded_file=SimpleUploadedFile("statuto.exe", b"MZ", content_type="application/x-msdownload"),
        )
    assert caught.value.code == "document_type"


# --- withdrawal ---------------------------------------------------------------------------------------------
def test_a_withdrawn_application_keeps_its_protocol_number():
    application = send(ready_application()).application
    withdrawn = services.withdraw(actor=application.created_by, application=application)
    assert withdrawn.status == ApplicationStatus.WITHDRAWN
    assert withdrawn.protocol_number == 1
    assert send(ready_application(), "nuova").application.protocol_number == 2
    with pytest.raises(services.AlreadySubmitted):
        send(withdrawn, "altra")


def test_a_withdrawn_draft_cannot_be_submitted():
    application = ready_application()
    services.withdraw(actor=application.created_by, application=application)
    with pytest.raises(services.NotEditable):
        send(application)
    assert counter() == 0


def test_no_withdrawal_after_the_deadline(clock):
    call = open_call(opens_at=rome_datetime(2020, 1, 7, 9, 0), closes_at=rome_datetime(2020, 2, 27, 12, 0))
    clock(rome_datetime(2020, 2, 1))
    application = send(ready_application(call=call)).application
    clock(rome_datetime(2020, 3, 1))
    with pytest.raises(services.NotEditable) as caught:
        services.withdraw(actor=application.created_by, application=application)
    assert "27/02/2020 alle 12:00" in caught.value.message


# --- first-come (sportello) -------------------------------------------------------------------------------
def sportello(budget: str):
    return open_call(first_come=True, budget=Decimal(budget), min_grant=None, max_grant=None)


def test_first_come_books_while_money_lasts_then_queues_in_arrival_order():
    call = sportello("100000.00")
    first = send(ready_application(call=call, amount=Decimal("60000.00")), "1").application
    second = send(ready_application(call=call, amount=Decimal("50000.00")), "2").application
    third = send(ready_application(call=call, amount=Decimal("10000.00")), "3").application
    assert first.booking_outcome == BookingOutcome.BOOKED
    assert first.booked_amount == Decimal("60000.00")
    # The second does not fit; the third would, but must not overtake the second.
    assert second.booking_outcome == BookingOutcome.WAITING
    assert third.booking_outcome == BookingOutcome.WAITING
    assert list(selectors.waiting_list(call)) == [second, third]
    assert CallBooking.objects.get(call=call).booked == Decimal("60000.00")


def test_withdrawing_a_booked_application_funds_the_waiting_ones_in_order():
    call = sportello("100000.00")
    first = send(ready_application(call=call, amount=Decimal("60000.00")), "1").application
    second = send(ready_application(call=call, amount=Decimal("50000.00")), "2").application
    third = send(ready_application(call=call, amount=Decimal("55000.00")), "3").application
    services.withdraw(actor=first.created_by, application=first)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.booking_outcome == BookingOutcome.RELEASED
    assert second.booking_outcome == BookingOutcome.BOOKED
    assert third.booking_outcome == BookingOutcome.WAITING
    assert CallBooking.objects.get(call=call).booked == Decimal("50000.00")


def test_fund_waiting_after_the_budget_grows():
    call = sportello("50000.00")
    send(ready_application(call=call, amount=Decimal("50000.00")), "1")
    waiting = send(ready_application(call=call, amount=Decimal("30000.00")), "2").application
    CallBooking.objects.filter(call=call).update(budget=Decimal("80000.00"))
    assert services.fund_waiting(actor=None, call=call) == [waiting]
    waiting.refresh_from_db()
    assert waiting.booking_outcome == BookingOutcome.BOOKED


def test_ranking_calls_do_not_book():
    application = send(ready_application()).application
    assert application.booking_outcome == BookingOutcome.NONE
    assert not CallBooking.objects.exists()


def test_selectors_list_by_organisation_and_call():
    user, organisation = member_of()
    call = open_call()
    submitted = send(ready_application(call=call, user=user, organisation=organisation)).application
    still_draft = draft(call=call, user=user, organisation=organisation)
    other = send(ready_application(call=call), "z").application
    assert set(selectors.applications_of_organisation(organisation)) == {submitted, still_draft}
    assert list(selectors.submitted_applications_of_call(call)) == [submitted, other]
    assert list(selectors.submitted_applications_of_call(call, search=submitted.protocol)) == [submitted]
    assert list(selectors.submitted_applications_of_call(call, search=organisation.name)) == [submitted]
    assert set(selectors.applications_for_user(user)) == {submitted, still_draft}
    with pytest.raises(Application.DoesNotExist):
        selectors.application_for_user(user, other.pk)

"""De minimis register: the arithmetic of the reference periods (hypothesis), the regulations shipped as
data, the single undertaking, and the services that record, revoke and declare aid."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from grants.core.errors import WrongState
from grants.core.models import AuditEvent
from grants.core.vocabulary import LegalForm
from grants.registry import deminimis, selectors, services
from grants.registry.models import (
    DeMinimisAid,
    DeMinimisRegulation,
    DeMinimisSource,
    UndertakingLinkStatus,
    UndertakingRelationship,
)

from .factories import DeMinimisAidFactory, OrganisationFactory, UserFactory, staff_user

ROLLING = deminimis.Period(kind=deminimis.ROLLING_YEARS, years=3)
FISCAL = deminimis.Period(kind=deminimis.FISCAL_YEARS, years=3)

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
amounts = st.decimals(min_value=0, max_value=500_000, places=2, allow_nan=False, allow_infinity=False)
aid_lists = st.lists(st.builds(deminimis.AidAmount, granted_on=days, amount=amounts), max_size=12)


# --- arithmetic -------------------------------------------------------------------------------------------
@given(aid=aid_lists, at=days)
def test_rolling_window_counts_exactly_the_aid_of_the_last_three_years(aid, at):
    expected = sum(
        (a.amount for a in aid if deminimis.years_before(at, 3) < a.granted_on <= at), Decimal("0.00")
    )
    assert deminimis.used_amount(aid, ROLLING, at) == expected


@given(aid=aid_lists, at=days, extra=st.builds(deminimis.AidAmount, granted_on=days, amount=amounts))
def test_more_aid_never_raises_the_headroom_and_headroom_is_never_negative(aid, at, extra):
    ceiling = Decimal("300000.00")
    before = deminimis.headroom(ceiling, deminimis.used_amount(aid, ROLLING, at))
    after = deminimis.headroom(ceiling, deminimis.used_amount([*aid, extra], ROLLING, at))
    assert Decimal(0) <= after <= before <= ceiling
    used = deminimis.used_amount(aid, ROLLING, at)
    if used <= ceiling:
        assert before + used == ceiling


@given(at=days)
def test_rolling_window_is_three_years_long_whatever_the_day(at):
    start = deminimis.period_start(ROLLING, at)
    assert deminimis.years_before(at, 3) < start <= at
    assert deminimis.used_amount([deminimis.AidAmount(start, Decimal(1))], ROLLING, at) == Decimal(1)
    outside = deminimis.AidAmount(start - timedelta(days=1), Decimal(1))
    assert deminimis.used_amount([outside], ROLLING, at) == Decimal(0)


@given(at=days)
def test_fiscal_years_window_starts_on_the_first_of_january_two_years_before(at):
    assert deminimis.period_start(FISCAL, at) == date(at.year - 2, 1, 1)


def test_a_grant_on_29_february_looks_back_to_1_march():
    assert deminimis.period_start(ROLLING, date(2028, 2, 29)) == date(2025, 3, 1)


# --- regulations as data ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_regulations_shipped_by_migration_are_chosen_by_grant_date():
    old = selectors.regulation_in_force(date(2023, 12, 31))
    new = selectors.regulation_in_force(date(2024, 1, 1))
    assert (old.code, old.ceiling, old.period_kind) == ("ue-1407-2013", Decimal("200000.00"), "fiscal_years")
    assert (new.code, new.ceiling, new.period_kind) == ("ue-2023-2831", Decimal("300000.00"), "rolling_years")
    assert selectors.regulation_in_force(date(2013, 6, 1)) is None


@pytest.mark.django_db
def test_editing_the_ceiling_in_the_data_changes_the_headroom():
    company = OrganisationFactory(legal_form=LegalForm.COMPANY)
    DeMinimisRegulation.objects.filter(code="ue-2023-2831").update(ceiling=Decimal("250000.00"))
    position = selectors.de_minimis_position(company)
    assert (position.ceiling, position.headroom) == (Decimal("250000.00"), Decimal("250000.00"))


# --- single undertaking -----------------------------------------------------------------------------------
@pytest.fixture
def group(db):
    """Three companies: A controls B, B controls C (one single undertaking); D stands alone."""
    user = UserFactory()
    a, b, c, d = (OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user) for _ in range(4))
    services.link_undertaking(
        actor=user, organisation=a, fiscal_code=b.fiscal_code, relationship=UndertakingRelationship.CONTROLS
    )
    services.link_undertaking(
        actor=user,
        organisation=c,
        fiscal_code=b.fiscal_code,
        relationship=UndertakingRelationship.CONTROLLED_BY,
    )
    return user, a, b, c, d


def test_aid_of_every_linked_company_is_summed(group):
    _user, a, b, c, d = group
    DeMinimisAidFactory(organisation=b, amount=Decimal("100000.00"))
    DeMinimisAidFactory(organisation=c, amount=Decimal("50000.00"))
    DeMinimisAidFactory(organisation=d, amount=Decimal("99999.00"))
    position = selectors.de_minimis_position(a)
    assert position.organisation_ids == {a.pk, b.pk, c.pk}
    assert (position.used, position.headroom) == (Decimal("150000.00"), Decimal("150000.00"))
    assert selectors.de_minimis_position(d).used == Decimal("99999.00")


def test_an_ended_link_splits_the_undertaking(group):
    user, a, b, c, _d = group
    link = selectors.undertaking_links_of(a).get()
    services.end_undertaking_link(actor=user, link=link)
    assert selectors.single_undertaking_ids(a) == {a.pk}
    assert selectors.single_undertaking_ids(c) == {b.pk, c.pk}


def test_linking_refuses_unknown_codes_itself_and_an_already_linked_company(group):
    user, a, _b, c, d = group
    # A code no organisation has: d's with another last digit (the factory's codes end in any digit).
    unknown = d.fiscal_code[:-1] + ("1" if d.fiscal_code[-1] == "0" else "0")
    for code, fragment in (
        (unknown, "Nessuna"),
        (a.fiscal_code, "sé stessa"),
        (c.fiscal_code, "già"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.link_undertaking(actor=user, organisation=a, fiscal_code=code, relationship="controls")
        assert fragment in caught.value.message_dict["fiscal_code"][0]


def test_only_members_link_their_organisation(group):
    _user, a, _b, _c, d = group
    with pytest.raises(PermissionDenied):
        services.link_undertaking(
            actor=UserFactory(), organisation=a, fiscal_code=d.fiscal_code, relationship="other"
        )


# --- concessions of the platform --------------------------------------------------------------------------
@pytest.fixture
def officer(db):
    return UserFactory(is_staff=True)


def test_a_concession_is_recorded_under_the_regulation_in_force_and_counts(officer):
    company = OrganisationFactory(legal_form=LegalForm.COMPANY)
    aid = services.record_de_minimis_concession(
        actor=officer,
        organisation=company,
        amount=Decimal("120000"),
        granted_on=date.today(),
        granting_body="Regione Piemonte",
        legal_basis="D.D. 123/2026",
        source_reference="project:7",
    )
    assert (aid.source, aid.regulation.code, aid.amount) == ("platform", "ue-2023-2831", Decimal("120000.00"))
    assert selectors.de_minimis_position(company).headroom == Decimal("180000.00")
    assert AuditEvent.objects.filter(action="deminimisaid.created", object_id=str(aid.pk)).exists()
    again = services.record_de_minimis_concession(
        actor=officer,
        organisation=company,
        amount=Decimal("120000"),
        granted_on=date.today(),
        granting_body="Regione Piemonte",
        legal_basis="D.D. 123/2026",
        source_reference="project:7",
    )
    assert again.pk == aid.pk and DeMinimisAid.objects.count() == 1


def test_a_concession_past_the_ceiling_is_refused_with_the_numbers(officer):
    company = OrganisationFactory(legal_form=LegalForm.COMPANY)
    DeMinimisAidFactory(organisation=company, amount=Decimal("250000.00"))
    with pytest.raises(services.DeMinimisCeilingExceeded) as caught:
        services.record_de_minimis_concession(
            actor=officer,
            organisation=company,
            amount=Decimal("50000.01"),
            granted_on=date.today(),
            granting_body="Regione Piemonte",
            legal_basis="",
            source_reference="project:8",
        )
    message = caught.value.message_dict["amount"][0]
    assert "300.000,00 €" in message and "250.000,00 €" in message and "50.000,00 €" in message
    assert caught.value.position.headroom == Decimal("50000.00")
    assert not DeMinimisAid.objects.filter(source=DeMinimisSource.PLATFORM).exists()


def test_revocation_gives_back_headroom_and_never_goes_below_zero(officer):
    company = OrganisationFactory(legal_form=LegalForm.COMPANY)
    aid = services.record_de_minimis_concession(
        actor=officer,
        organisation=company,
        amount=Decimal("100000"),
        granted_on=date.today(),
        granting_body="Regione Piemonte",
        legal_basis="",
        source_reference="",
    )
    services.revoke_de_minimis_concession(actor=officer, aid=aid, amount=Decimal("40000"))
    assert selectors.de_minimis_position(company).used == Decimal("60000.00")
    with pytest.raises(ValidationError) as caught:
        services.revoke_de_minimis_concession(actor=officer, aid=aid, amount=Decimal("60000.01"))
    assert "60.000,00 €" in caught.value.message_dict["amount"][0]
    services.revoke_de_minimis_concession(actor=officer, aid=aid, amount=Decimal("60000"))
    assert selectors.de_minimis_position(company).used == Decimal("0.00")


def test_applicants_cannot_record_concessions(db):
    user = UserFactory()
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user)
    with pytest.raises(PermissionDenied):
        services.record_de_minimis_concession(
            actor=user,
            organisation=company,
            amount=Decimal(1),
            granted_on=date.today(),
            granting_body="x",
            legal_basis="",
            source_reference="",
        )


# --- aid declared by the applicant ------------------------------------------------------------------------
def test_declared_aid_is_validated_field_by_field_and_can_be_removed(db):
    user = UserFactory()
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user)
    with pytest.raises(ValidationError) as caught:
        services.declare_de_minimis_aid(
            actor=user,
            organisation=company,
            granted_on=date.today() + timedelta(days=1),
            granting_body="",
            amount=0,
        )
    assert set(caught.value.message_dict) == {"granted_on", "granting_body", "amount"}
    aid = services.declare_de_minimis_aid(
        actor=user,
        organisation=company,
        granted_on=date(2023, 5, 2),
        granting_body="Comune di Asti",
        amount=Decimal("1500.50"),
    )
    assert aid.regulation.code == "ue-1407-2013"
    services.remove_declared_de_minimis_aid(actor=user, aid=aid)
    assert not DeMinimisAid.objects.exists()
    assert AuditEvent.objects.filter(action="deminimisaid.deleted").exists()


def test_fiscal_years_period_applies_to_grants_under_the_old_regulation(db):
    company = OrganisationFactory(legal_form=LegalForm.COMPANY)
    DeMinimisAidFactory(organisation=company, granted_on=date(2020, 12, 31), amount=Decimal("90000"))
    DeMinimisAidFactory(organisation=company, granted_on=date(2021, 1, 1), amount=Decimal("80000"))
    position = selectors.de_minimis_position(company, at=date(2023, 6, 30))
    assert (position.period_start, position.used, position.headroom) == (
        date(2021, 1, 1),
        Decimal("80000.00"),
        Decimal("120000.00"),
    )


# --- links confirmed by the other side --------------------------------------------------------------------
@pytest.fixture
def strangers(db):
    """B declares itself linked to A; the two have nothing else in common."""
    user_a, user_b = UserFactory(), UserFactory()
    a = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_a)
    b = OrganisationFactory(legal_form=LegalForm.COMPANY, representative=user_b)
    DeMinimisAidFactory(organisation=b, amount=Decimal("299000.00"))
    link = services.link_undertaking(
        actor=user_b, organisation=b, fiscal_code=a.fiscal_code, relationship=UndertakingRelationship.CONTROLS
    )
    return user_a, a, user_b, b, link


def test_a_declaration_counts_for_the_declarant_only_until_the_other_side_confirms(strangers):
    user_a, a, _user_b, b, link = strangers
    DeMinimisAidFactory(organisation=a, amount=Decimal("1000.00"))
    assert link.status == UndertakingLinkStatus.PENDING
    assert selectors.de_minimis_position(a).headroom == Decimal("299000.00")  # B's aid does not reach A
    assert selectors.de_minimis_position(b).used == Decimal("300000.00")  # B is bound by its declaration
    assert selectors.de_minimis_position(b).organisation_ids == {b.pk}
    services.answer_undertaking_link(actor=user_a, link=link, confirm=True)
    link.refresh_from_db()
    assert (link.status, link.confirmed_by) == (UndertakingLinkStatus.CONFIRMED, user_a)
    assert selectors.de_minimis_position(a).used == Decimal("300000.00")
    assert selectors.single_undertaking_ids(b) == {a.pk, b.pk}


def test_a_refused_declaration_ends_and_counts_for_no_one(strangers):
    user_a, a, _user_b, b, link = strangers
    DeMinimisAidFactory(organisation=a, amount=Decimal("1000.00"))
    services.answer_undertaking_link(actor=user_a, link=link, confirm=False)
    link.refresh_from_db()
    assert link.status == UndertakingLinkStatus.REFUSED and link.ended_at is not None
    assert selectors.de_minimis_position(b).used == Decimal("299000.00")
    with pytest.raises(WrongState):
        services.answer_undertaking_link(actor=user_a, link=link, confirm=True)


def test_only_the_named_organisation_or_an_officer_answers(strangers):
    _user_a, a, user_b, _b, link = strangers
    for outsider in (user_b, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.answer_undertaking_link(actor=outsider, link=link, confirm=True)
    officer = staff_user("registry.change_organisation")
    services.answer_undertaking_link(actor=officer, link=link, confirm=True)
    assert selectors.single_undertaking_ids(a) == {a.pk, link.organisation_id}


def test_an_officer_establishes_a_link_at_once_and_declaring_back_confirms(strangers):
    user_a, a, _user_b, b, link = strangers
    c = OrganisationFactory(legal_form=LegalForm.COMPANY)
    officer = staff_user("registry.change_organisation")
    established = services.link_undertaking(
        actor=officer, organisation=a, fiscal_code=c.fiscal_code, relationship="other"
    )
    assert established.status == UndertakingLinkStatus.CONFIRMED and established.confirmed_by == officer
    back = services.link_undertaking(
        actor=user_a, organisation=a, fiscal_code=b.fiscal_code, relationship="controlled_by"
    )
    assert back.pk == link.pk and back.status == UndertakingLinkStatus.CONFIRMED
    assert selectors.single_undertaking_ids(b) == {a.pk, b.pk, c.pk}


def test_declaring_twice_says_the_first_is_awaiting_confirmation(strangers):
    _user_a, a, user_b, b, _link = strangers
    with pytest.raises(ValidationError) as caught:
        services.link_undertaking(
            actor=user_b, organisation=b, fiscal_code=a.fiscal_code, relationship="other"
        )
    assert "attesa di conferma" in caught.value.message_dict["fiscal_code"][0]

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from grants.core.vocabulary import CompanySize, LegalForm
from grants.registry import permissions, selectors, services
from grants.registry.models import Membership, MembershipRole, Organisation

from .conftest import staff_with
from .factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    body_fiscal_code,
    person_fiscal_code,
)

pytestmark = pytest.mark.django_db


def errors_of(call, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


# --- register_organisation ------------------------------------------------------------------------


def test_registration_creates_the_organisation_and_makes_the_actor_its_legal_representative(
    applicant, registration
):
    organisation = services.register_organisation(actor=applicant, **registration)

    assert organisation.pk is not None
    assert organisation.legal_representative_first_name == "Giulia"
    assert organisation.legal_representative_fiscal_code == applicant.fiscal_code
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == applicant
    assert membership.role == MembershipRole.LEGAL_REPRESENTATIVE
    assert membership.granted_by == applicant
    history = organisation.history.get()
    assert history.history_user == applicant
    assert history.history_change_reason == "Registrazione dell'organizzazione"
    assert membership.history.get().history_user == applicant


def test_registration_normalises_the_codes(applicant, registration):
    registration["fiscal_code"] = " " + " ".join(
        registration["fiscal_code"][i : i + 3] for i in range(0, 11, 3)
    )
    registration["vat_number"] = "IT " + body_fiscal_code(777)
    organisation = services.register_organisation(actor=applicant, **registration)
    assert organisation.fiscal_code == body_fiscal_code(777)
    assert organisation.vat_number == body_fiscal_code(777)


def test_a_second_registration_of_the_same_fiscal_code_is_refused(applicant, registration):
    services.register_organisation(actor=applicant, **registration)
    other = UserFactory()
    registration["fiscal_code"] = registration["fiscal_code"][:5] + " " + registration["fiscal_code"][5:]

    errors = errors_of(
        services.register_organisation,
        actor=other,
        **registration,
        legal_representative_fiscal_code=person_fiscal_code(1),
    )

    assert errors["fiscal_code"] == [
        "Un'organizzazione con questo codice fiscale è già registrata: chiedi al suo legale "
        "rappresentante di abilitarti come delegato."
    ]
    assert Organisation.objects.count() == 1
    assert not Membership.objects.filter(user=other).exists()


def test_invalid_codes_are_reported_per_field_in_italian(applicant, registration):
    registration.update(fiscal_code="0074311015", vat_number="00743110158", seat="999999")

    errors = errors_of(services.register_organisation, actor=applicant, **registration)

    assert errors["fiscal_code"] == ["Il codice fiscale di un ente è di 11 cifre: ne sono state inserite 10."]
    assert errors["vat_number"] == ["Il carattere di controllo finale non è corretto."]
    assert errors["seat"] == ["Nessun comune ha il codice ISTAT «999999»."]
    assert not Organisation.objects.exists()


def test_company_needs_its_size_and_third_sector_its_runts_number(applicant, registration):
    registration["legal_form"] = LegalForm.COMPANY
    errors = errors_of(services.register_organisation, actor=applicant, **registration)
    assert errors == {"company_size": ["Per un'impresa va indicata la dimensione d'impresa."]}

    registration["legal_form"] = LegalForm.THIRD_SECTOR
    errors = errors_of(services.register_organisation, actor=applicant, **registration)
    assert list(errors) == ["runts_number"]

    registration["runts_number"] = "123456"
    assert services.register_organisation(actor=applicant, **registration).runts_number == "123456"


def test_public_bodies_have_neither_size_nor_runts_nor_a_personal_code(applicant, registration):
    registration.update(
        legal_form=LegalForm.PUBLIC_BODY,
        company_size=CompanySize.SMALL,
        runts_number="1",
        fiscal_code=person_fiscal_code(9),
    )
    errors = errors_of(services.register_organisation, actor=applicant, **registration)
    assert set(errors) == {"company_size", "runts_number", "fiscal_code"}
    assert "ditta individuale" in errors["fiscal_code"][0]


def test_a_sole_trader_registers_with_a_personal_code(applicant, registration):
    registration.update(
        legal_form=LegalForm.COMPANY, company_size=CompanySize.MICRO, fiscal_code=applicant.fiscal_code
    )
    organisation = services.register_organisation(actor=applicant, **registration)
    assert organisation.fiscal_code == applicant.fiscal_code


def test_the_legal_representative_is_the_actor(applicant, registration):
    registration["legal_representative_fiscal_code"] = person_fiscal_code(1)
    errors = errors_of(services.register_organisation, actor=applicant, **registration)
    assert errors["legal_representative_fiscal_code"][0].startswith(
        "Chi registra l'organizzazione ne è il legale rappresentante"
    )


def test_anonymous_cannot_register(registration):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.register_organisation(actor=AnonymousUser(), **registration)


# --- update_organisation --------------------------------------------------------------------------


def test_legal_representative_updates_the_organisation_with_history(applicant):
    organisation = OrganisationFactory(representative=applicant)
    updated = services.update_organisation(actor=applicant, organisation=organisation, name="Nuovo nome")
    assert Organisation.objects.get(pk=organisation.pk).name == "Nuovo nome"
    assert updated.history.first().history_user == applicant


def test_delegate_cannot_update_and_fiscal_code_cannot_change(applicant):
    organisation = OrganisationFactory(representative=applicant)
    delegate = MembershipFactory(organisation=organisation).user
    with pytest.raises(PermissionDenied):
        services.update_organisation(actor=delegate, organisation=organisation, name="X")
    errors = errors_of(
        services.update_organisation,
        actor=applicant,
        organisation=organisation,
        fiscal_code=body_fiscal_code(5),
    )
    assert list(errors) == ["fiscal_code"]


def test_invalid_update_leaves_the_organisation_unchanged(applicant):
    organisation = OrganisationFactory(representative=applicant)
    errors_of(
        services.update_organisation,
        actor=applicant,
        organisation=organisation,
        legal_form=LegalForm.COMPANY,
        company_size="",
    )
    organisation.refresh_from_db()
    assert organisation.legal_form == LegalForm.SOCIAL_COOPERATIVE


# --- grant_delegate -------------------------------------------------------------------------------


def test_legal_representative_grants_a_delegate_by_email(applicant):
    organisation = OrganisationFactory(representative=applicant)
    person = UserFactory(email="delegata@esempio.test")

    membership = services.grant_delegate(
        actor=applicant, organisation=organisation, email=" Delegata@Esempio.TEST "
    )

    assert membership.user == person
    assert membership.role == MembershipRole.DELEGATE
    assert membership.granted_by == applicant
    assert permissions.can_view_organisation(person, organisation)
    assert membership.history.get().history_user == applicant


def test_delegate_must_be_an_existing_user_and_is_not_granted_twice(applicant):
    organisation = OrganisationFactory(representative=applicant)
    errors = errors_of(
        services.grant_delegate, actor=applicant, organisation=organisation, email="nessuno@esempio.test"
    )
    assert "deve prima registrarsi" in errors["email"][0]

    person = UserFactory()
    services.grant_delegate(actor=applicant, organisation=organisation, email=person.email)
    errors = errors_of(
        services.grant_delegate, actor=applicant, organisation=organisation, email=person.email
    )
    assert errors["email"] == [
        f"{person.email} è già abilitato ad agire per questa organizzazione (delegato)."
    ]
    assert Membership.objects.filter(user=person).count() == 1


def test_only_those_who_manage_members_grant_delegates(applicant):
    organisation = OrganisationFactory(representative=applicant)
    delegate = MembershipFactory(organisation=organisation).user
    stranger = UserFactory()
    for actor in (delegate, stranger, staff_with("registry.view_organisation")):
        with pytest.raises(PermissionDenied):
            services.grant_delegate(actor=actor, organisation=organisation, email=UserFactory().email)

    administrator = staff_with("registry.change_membership")
    services.grant_delegate(actor=administrator, organisation=organisation, email=stranger.email)
    assert permissions.is_member(stranger, organisation)


# --- revoke_membership ----------------------------------------------------------------------------


def test_revocation_takes_effect_at_once(applicant):
    organisation = OrganisationFactory(representative=applicant)
    membership = MembershipFactory(organisation=organisation, granted_by=applicant)
    delegate = membership.user
    assert permissions.can_view_organisation(delegate, organisation)

    services.revoke_membership(actor=applicant, membership=membership)

    membership.refresh_from_db()
    assert membership.revoked_at is not None
    assert not permissions.can_view_organisation(delegate, organisation)
    assert not selectors.visible_organisations(delegate).exists()
    assert membership.history.first().history_change_reason == "Revoca dell'abilitazione"
    # A revoked delegate may be granted again.
    services.grant_delegate(actor=applicant, organisation=organisation, email=delegate.email)
    assert permissions.is_member(delegate, organisation)


def test_the_last_legal_representative_cannot_be_revoked(applicant):
    organisation = OrganisationFactory(representative=applicant)
    own = Membership.objects.get(user=applicant)
    errors = errors_of(services.revoke_membership, actor=applicant, membership=own)
    assert errors["membership"][0].startswith("Non si può revocare l'ultimo legale rappresentante")

    second = MembershipFactory(organisation=organisation, role=MembershipRole.LEGAL_REPRESENTATIVE).user
    services.revoke_membership(actor=second, membership=own)
    assert not permissions.is_member(applicant, organisation)


def test_revoking_twice_and_revoking_without_rights(applicant):
    organisation = OrganisationFactory(representative=applicant)
    membership = MembershipFactory(organisation=organisation)
    other_delegate = MembershipFactory(organisation=organisation).user
    with pytest.raises(PermissionDenied):
        services.revoke_membership(actor=other_delegate, membership=membership)
    services.revoke_membership(actor=applicant, membership=membership)
    errors = errors_of(services.revoke_membership, actor=applicant, membership=membership)
    assert errors["membership"] == ["Questa abilitazione è già stata revocata."]


def test_a_delegate_may_give_up_their_own_delegation(applicant):
    organisation = OrganisationFactory(representative=applicant)
    membership = MembershipFactory(organisation=organisation)
    services.revoke_membership(actor=membership.user, membership=membership)
    assert not permissions.is_member(membership.user, organisation)


# --- selectors and permissions --------------------------------------------------------------------


def test_visible_organisations_staff_see_all_others_their_own(applicant):
    own = OrganisationFactory(representative=applicant)
    OrganisationFactory()
    assert list(selectors.visible_organisations(applicant)) == [own]
    assert selectors.visible_organisations(staff_with("registry.view_organisation")).count() == 2
    assert selectors.visible_organisations(UserFactory(is_superuser=True)).count() == 2
    assert not selectors.visible_organisations(UserFactory(is_staff=True)).exists()  # staff without the right
    assert list(permissions.acting_organisations(applicant)) == [own]


def test_organisation_with_members_does_not_grow_with_members(applicant, django_assert_max_num_queries):
    organisation = OrganisationFactory(representative=applicant)
    for _ in range(5):
        MembershipFactory(organisation=organisation, granted_by=applicant)
    MembershipFactory(organisation=organisation, revoked_at="2026-01-01T00:00:00+01:00")

    with django_assert_max_num_queries(5):
        loaded = selectors.organisation_with_members(applicant, organisation.pk)
        names = [
            (m.user.email, m.granted_by and m.granted_by.email, str(loaded.seat))
            for m in loaded.active_memberships
        ]
    assert len(names) == 6

    with pytest.raises(Organisation.DoesNotExist):
        selectors.organisation_with_members(UserFactory(), organisation.pk)


def test_active_memberships_of_a_user(applicant):
    first = OrganisationFactory(representative=applicant, name="A")
    second = OrganisationFactory(name="B")
    MembershipFactory(user=applicant, organisation=second)
    MembershipFactory(user=applicant, revoked_at="2026-01-01T00:00:00+01:00")
    assert [m.organisation for m in selectors.active_memberships(applicant)] == [first, second]

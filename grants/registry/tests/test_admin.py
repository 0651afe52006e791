import pytest
from django.urls import reverse

from grants.core.vocabulary import LegalForm
from grants.registry.models import Membership, MembershipRole, Organisation

from .factories import OrganisationFactory, UserFactory, body_fiscal_code, person_fiscal_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def organisation_post(seat, memberships=(), initial=0, **overrides):
    data = {
        "name": "Ente di prova",
        "legal_form": LegalForm.SOCIAL_COOPERATIVE,
        "company_size": "",
        "runts_number": "",
        "fiscal_code": body_fiscal_code(99),
        "vat_number": "",
        "seat": seat.pk,
        "address": "",
        "pec": "",
        "legal_representative_first_name": "Anna",
        "legal_representative_last_name": "Verdi",
        "legal_representative_fiscal_code": person_fiscal_code(99),
        "social_service_body": "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        for key, value in membership.items():
            data[f"memberships-{index}-{key}"] = value
    data.update(overrides)
    return data


def test_admin_save_runs_the_same_validation(admin_client, seat):
    url = reverse("admin:registry_organisation_add")
    response = admin_client.post(url, organisation_post(seat, fiscal_code="00743110158"))
    assert response.status_code == 200
    assert "Il carattere di controllo finale non è corretto." in response.content.decode()

    response = admin_client.post(url, organisation_post(seat, legal_form=LegalForm.COMPANY))
    assert "Per un&#x27;impresa va indicata la dimensione d&#x27;impresa." in response.content.decode()
    assert not Organisation.objects.exists()


def test_admin_stores_codes_normalised(admin_client, seat):
    code = body_fiscal_code(99)
    response = admin_client.post(
        reverse("admin:registry_organisation_add"),
        organisation_post(seat, fiscal_code=f" {code[:5]} {code[5:]} ", vat_number=f"IT {code}"),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.fiscal_code, organisation.vat_number) == (code, code)
    assert organisation.history.get().history_user.is_superuser


def test_admin_inline_refuses_to_revoke_the_last_legal_representative(admin_client, seat):
    representative = UserFactory()
    organisation = OrganisationFactory(seat=seat, representative=representative)
    membership = Membership.objects.get(organisation=organisation)
    data = organisation_post(
        seat,
        memberships=[
            {
                "id": membership.pk,
                "organisation": organisation.pk,
                "user": representative.pk,
                "role": MembershipRole.LEGAL_REPRESENTATIVE,
                "granted_by": "",
                "revoked_at_0": "01/01/2026",
                "revoked_at_1": "10:00:00",
            }
        ],
        initial=1,
        fiscal_code=organisation.fiscal_code,
        legal_representative_fiscal_code=organisation.legal_representative_fiscal_code,
    )
    response = admin_client.post(reverse("admin:registry_organisation_change", args=[organisation.pk]), data)
    assert response.status_code == 200
    assert "almeno un legale rappresentante" in response.content.decode()
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_admin_search_and_filters(admin_client):
    OrganisationFactory(name="Cooperativa Alfa")
    OrganisationFactory(name="Associazione Beta")
    url = reverse("admin:registry_organisation_changelist")
    content = admin_client.get(url, {"q": "alfa"}).content.decode()
    assert "Cooperativa Alfa" in content and "Associazione Beta" not in content
    assert (
        admin_client.get(url, {"legal_form": LegalForm.SOCIAL_COOPERATIVE, "is_demo__exact": "0"}).status_code
        == 200
    )

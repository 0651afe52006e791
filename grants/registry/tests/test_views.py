import re

import pytest
from django.conf import settings
from django.urls import reverse

from grants.core.vocabulary import LegalForm
from grants.registry.models import Membership, MembershipRole, Organisation

from .conftest import staff_with
from .factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory, body_fiscal_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, applicant):
    client.force_login(applicant)
    return client


def form_data(seat, **overrides):
    data = {
        "name": "Cooperativa Sociale Il Ponte",
        "legal_form": LegalForm.SOCIAL_COOPERATIVE,
        "company_size": "",
        "runts_number": "",
        "fiscal_code": body_fiscal_code(321),
        "vat_number": "",
        "seat": seat.istat_code,
        "address": "Via Roma 1",
        "pec": "",
        "legal_representative_first_name": "Giulia",
        "legal_representative_last_name": "Bianchi",
        "legal_representative_fiscal_code": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("name", "kwargs", "method"),
    [
        ("organisation_list", {}, "get"),
        ("organisation_create", {}, "get"),
        ("organisation_detail", {"pk": 1}, "get"),
        ("organisation_update", {"pk": 1}, "get"),
        ("membership_revoke", {"pk": 1, "membership_pk": 1}, "post"),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, name, kwargs, method):
    url = reverse(f"registry:{name}", kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    assert "next=" in response["Location"]


def test_my_organisations_lists_only_mine(signed_in, applicant):
    mine = OrganisationFactory(representative=applicant, name="La mia cooperativa")
    OrganisationFactory(name="Organizzazione di altri")
    response = signed_in.get(reverse("registry:organisation_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "La mia cooperativa" in content
    assert reverse("registry:organisation_detail", args=[mine.pk]) in content
    assert "Organizzazione di altri" not in content


def test_another_organisations_page_is_not_found(signed_in):
    other = OrganisationFactory()
    assert signed_in.get(reverse("registry:organisation_detail", args=[other.pk])).status_code == 404
    assert signed_in.get(reverse("registry:organisation_update", args=[other.pk])).status_code == 404
    membership = Membership.objects.create(
        user=UserFactory(), organisation=other, role=MembershipRole.DELEGATE
    )
    url = reverse("registry:membership_revoke", args=[other.pk, membership.pk])
    assert signed_in.post(url).status_code == 404
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_registering_an_organisation(signed_in, applicant, seat):
    response = signed_in.post(reverse("registry:organisation_create"), form_data(seat))
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:organisation_detail", args=[organisation.pk])
    assert Membership.objects.get(organisation=organisation).user == applicant
    page = signed_in.get(response["Location"]).content.decode()
    assert "Organizzazione «Cooperativa Sociale Il Ponte» registrata" in page


def test_form_error_is_shown_next_to_its_field(signed_in, seat):
    response = signed_in.post(
        reverse("registry:organisation_create"), form_data(seat, fiscal_code="0074311015")
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert not Organisation.objects.exists()
    field = re.search(r"<input[^>]*name=\"fiscal_code\"[^>]*>", content).group(0)
    assert "is-invalid" in field
    assert 'aria-invalid="true"' in field
    assert "id_fiscal_code_error" in field  # aria-describedby points at the message
    error = re.search(r'<div class="invalid-feedback d-block" id="id_fiscal_code_error">(.*?)</div>', content)
    assert error.group(1) == "Il codice fiscale di un ente è di 11 cifre: ne sono state inserite 10."
    # The message sits right under its field, not in a summary elsewhere.
    assert content.index(field) < content.index(error.group(0)) < content.index('name="vat_number"')
    assert '<label for="id_fiscal_code"' in content


def test_code_errors_are_shown_with_the_other_form_errors(signed_in, seat):
    response = signed_in.post(
        reverse("registry:organisation_create"), form_data(seat, name="", vat_number="00743110158")
    )
    content = response.content.decode()
    assert 'id="id_name_error"' in content
    assert (
        '<div class="invalid-feedback d-block" id="id_vat_number_error">Il carattere di controllo finale'
        in content
    )


def test_service_errors_land_on_their_fields(signed_in, applicant, seat):
    OrganisationFactory(fiscal_code=body_fiscal_code(321))
    response = signed_in.post(
        reverse("registry:organisation_create"), form_data(seat, legal_form=LegalForm.COMPANY)
    )
    content = response.content.decode()
    assert 'id="id_company_size_error"' in content
    assert "Per un&#x27;impresa va indicata la dimensione d&#x27;impresa." in content
    assert 'id="id_fiscal_code_error"' in content
    assert "già registrata" in content


def test_every_input_has_a_label_and_no_inline_script(signed_in):
    content = signed_in.get(reverse("registry:organisation_create")).content.decode()
    ids = re.findall(r"<(?:input|select)[^>]*\bid=\"(id_[a-z_]+)\"", content)
    assert len(ids) >= 12
    for field_id in ids:
        assert f'<label for="{field_id}"' in content
    assert "<script>" not in content
    assert " onclick=" not in content and " onchange=" not in content


def test_detail_shows_members_and_grants_a_delegate(signed_in, applicant):
    organisation = OrganisationFactory(representative=applicant)
    person = UserFactory(email="delegata@esempio.test")
    url = reverse("registry:organisation_detail", args=[organisation.pk])

    response = signed_in.post(url, {"email": "delegata@esempio.test"})
    assert response.status_code == 302
    content = signed_in.get(url).content.decode()
    assert "delegata@esempio.test è ora delegato" in content
    assert "Legale rappresentante" in content and "Delegato" in content
    membership = Membership.objects.get(user=person)
    assert reverse("registry:membership_revoke", args=[organisation.pk, membership.pk]) in content


def test_grant_error_is_shown_next_to_the_email_field(signed_in, applicant):
    organisation = OrganisationFactory(representative=applicant)
    url = reverse("registry:organisation_detail", args=[organisation.pk])
    content = signed_in.post(url, {"email": "nessuno@esempio.test"}).content.decode()
    assert 'id="id_email_error"' in content
    assert "deve prima registrarsi sulla piattaforma" in content


def test_delegate_sees_the_page_but_cannot_grant(client, applicant):
    organisation = OrganisationFactory(representative=applicant)
    delegate = MembershipFactory(organisation=organisation).user
    client.force_login(delegate)
    url = reverse("registry:organisation_detail", args=[organisation.pk])
    content = client.get(url).content.decode()
    assert "Abilita un delegato" not in content
    assert client.post(url, {"email": UserFactory().email}).status_code == 403


def test_revoking_a_delegate(signed_in, applicant):
    organisation = OrganisationFactory(representative=applicant)
    membership = MembershipFactory(organisation=organisation)
    response = signed_in.post(reverse("registry:membership_revoke", args=[organisation.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.revoked_at is not None


def test_revoking_the_last_legal_representative_shows_why(signed_in, applicant):
    organisation = OrganisationFactory(representative=applicant)
    own = Membership.objects.get(user=applicant)
    revoke_url = reverse("registry:membership_revoke", args=[organisation.pk, own.pk])
    page = signed_in.get(reverse("registry:organisation_detail", args=[organisation.pk])).content.decode()
    assert revoke_url not in page  # no button that can only fail
    response = signed_in.post(
        reverse("registry:membership_revoke", args=[organisation.pk, own.pk]), follow=True
    )
    assert "Non si può revocare l&#x27;ultimo legale rappresentante" in response.content.decode()
    own.refresh_from_db()
    assert own.revoked_at is None


def test_revoke_needs_post(signed_in, applicant):
    organisation = OrganisationFactory(representative=applicant)
    own = Membership.objects.get(user=applicant)
    url = reverse("registry:membership_revoke", args=[organisation.pk, own.pk])
    assert signed_in.get(url).status_code == 405


def test_updating_the_organisation(signed_in, applicant, seat):
    organisation = OrganisationFactory(representative=applicant, seat=seat)
    url = reverse("registry:organisation_update", args=[organisation.pk])
    assert 'value="Via Roma 1"' in signed_in.get(url).content.decode()
    data = form_data(seat, name="Nome nuovo", legal_representative_fiscal_code=applicant.fiscal_code)
    del data["fiscal_code"]
    response = signed_in.post(url, data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nome nuovo"


def test_staff_who_see_the_registry_open_any_organisation(client):
    organisation = OrganisationFactory()
    client.force_login(staff_with("registry.view_organisation"))
    assert client.get(reverse("registry:organisation_detail", args=[organisation.pk])).status_code == 200


def test_sign_in_then_land_on_my_organisations(client, applicant):
    url = reverse("registry:organisation_list")
    response = client.post(
        reverse(settings.LOGIN_URL) + f"?next={url}",
        {"username": applicant.email, "password": PASSWORD, "next": url},
    )
    assert response.status_code == 302
    assert response["Location"] == url

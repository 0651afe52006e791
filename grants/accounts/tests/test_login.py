import pytest
from django.core import mail
from django.urls import reverse

from grants.accounts.models import User

PASSWORD = "una-password-lunga-2026"


@pytest.mark.django_db
def test_applicant_signs_in_with_email_and_password(client):
    User.objects.create_user(email="presidenza@coop.example", password=PASSWORD)

    response = client.post(
        reverse("accounts:login"), {"login": "Presidenza@Coop.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_sign_in_returns_to_the_page_asked_for(client):
    User.objects.create_user(email="presidenza@coop.example", password=PASSWORD)

    response = client.post(
        reverse("accounts:login"),
        {"login": "presidenza@coop.example", "password": PASSWORD, "next": "/organizzazioni/"},
    )

    assert response["Location"] == "/organizzazioni/"


@pytest.mark.django_db
def test_email_posted_as_username_is_accepted_too(client):
    User.objects.create_user(email="presidenza@coop.example", password=PASSWORD)

    response = client.post(
        reverse("accounts:login"), {"username": "presidenza@coop.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    User.objects.create_user(email="presidenza@coop.example", password=PASSWORD)

    response = client.post(
        reverse("accounts:login"), {"login": "presidenza@coop.example", "password": "errata"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "non sono corretti" in response.content.decode()


@pytest.mark.django_db
def test_login_page_offers_spid_only_when_identity_providers_are_configured(client, settings, tmp_path):
    settings.SAML_IDP_METADATA = []
    assert "Entra con SPID o CIE" not in client.get(reverse("accounts:login")).content.decode()

    settings.SAML_IDP_METADATA = [str(tmp_path / "idp.xml")]
    assert "Entra con SPID o CIE" in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_signup_creates_an_account_with_email_as_login(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "Nuova@Coop.example", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    user = User.objects.get(email__iexact="nuova@coop.example")
    assert user.check_password(PASSWORD)
    assert client.session.get("_auth_user_id") == str(user.pk)  # verification optional outside production
    assert len(mail.outbox) == 1  # the confirmation link is still sent


@pytest.mark.django_db
def test_signup_applies_the_password_rules(client):
    response = client.post(
        reverse("accounts:signup"),
        {"email": "nuova@coop.example", "password1": "corta1", "password2": "corta1"},
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="nuova@coop.example").exists()
    # MinimumLengthValidator (12 characters) from AUTH_PASSWORD_VALIDATORS
    assert "12" in " ".join(response.context["form"].errors["password1"])


@pytest.mark.django_db
def test_allauth_login_address_and_back_office_login_lead_to_accedi(client):
    assert client.get("/account/login/?next=/x/")["Location"] == "/accedi/?next=/x/"
    assert client.get("/backoffice/login/?next=/backoffice/")["Location"] == "/accedi/?next=/backoffice/"


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached(client):
    user = User.objects.create_user(email="a@example.org", password=PASSWORD)
    client.force_login(user)

    response = client.get("/health/")

    assert "no-store" in response["Cache-Control"]

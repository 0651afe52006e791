import pytest
from django.urls import reverse

from grants.accounts.models import User


@pytest.mark.django_db
def test_applicant_signs_in_with_email_and_password(client):
    User.objects.create_user(email="presidenza@coop.example", password="una-password-lunga-2026")

    response = client.post(
        reverse("accounts:login"),
        {"username": "Presidenza@Coop.example", "password": "una-password-lunga-2026"},
    )

    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(client):
    User.objects.create_user(email="presidenza@coop.example", password="una-password-lunga-2026")

    response = client.post(
        reverse("accounts:login"), {"username": "presidenza@coop.example", "password": "errata"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "corretti" in response.content.decode()
    )  # Django's Italian message: "...inserisci e-mail e password corretti"


@pytest.mark.django_db
def test_signed_in_pages_are_never_cached(client):
    user = User.objects.create_user(email="a@example.org", password="una-password-lunga-2026")
    client.force_login(user)

    response = client.get("/health/")

    assert "no-store" in response["Cache-Control"]

"""Personal access tokens: the page /profilo/token/, the rules, and ``Authorization: Bearer`` on the API."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants.accounts import tokens
from grants.accounts.mfa import DEMO_TOTP_SECRET, set_totp_secret
from grants.accounts.models import PersonalAccessToken, TokenScope
from grants.api.problems import PROBLEM_CONTENT_TYPE
from grants.applications.tests.factories import member_of, ready_application
from grants.core.models import AuditEvent
from grants.programme.models import CallStatus
from grants.programme.tests.factories import CallFactory
from grants.registry.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    return json.loads(response.content)


# --- rules --------------------------------------------------------------------------------------------------
def test_only_a_hash_of_the_secret_is_stored():
    user = UserFactory()
    issued = tokens.create_token(actor=user, name="Gestionale", scope=TokenScope.WRITE)
    stored = PersonalAccessToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith(f"wcr_{stored.prefix}_")
    assert issued.secret not in json.dumps(
        [stored.token_hash, stored.prefix, stored.name, stored.scope], default=str
    )
    assert stored.token_hash == tokens.hash_token(issued.secret)
    assert len(stored.token_hash) == 64
    assert stored.expires_at > timezone.now() + timedelta(days=tokens.DEFAULT_LIFETIME_DAYS - 1)
    event = AuditEvent.objects.get(action="token.created")
    assert issued.secret not in json.dumps(event.after)


def test_invalid_token_requests_are_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as excinfo:
        tokens.create_token(actor=user, name=" ", expires_at=timezone.now() + timedelta(days=800))
    assert set(excinfo.value.message_dict) == {"name", "expires_at"}
    with pytest.raises(ValidationError):
        tokens.create_token(actor=user, name="x", expires_at=timezone.now() - timedelta(seconds=1))


def test_staff_need_an_authenticator_to_hold_tokens():
    officer = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        tokens.create_token(actor=officer, name="Script")
    set_totp_secret(officer, DEMO_TOTP_SECRET)
    issued = tokens.create_token(actor=officer, name="Script")
    assert tokens.authenticate_token(issued.secret) == issued.token
    # Without the second factor any more, the token stops working.
    officer.authenticator_set.all().delete()
    assert tokens.authenticate_token(issued.secret) is None


def test_revoked_expired_and_unknown_tokens_authenticate_nobody():
    user = UserFactory()
    revoked = tokens.create_token(actor=user, name="a")
    expired = tokens.create_token(actor=user, name="b")
    tokens.revoke_token(actor=user, token=revoked.token)
    PersonalAccessToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())
    assert tokens.authenticate_token(revoked.secret) is None
    assert tokens.authenticate_token(expired.secret) is None
    assert tokens.authenticate_token(revoked.secret[:-1] + "x") is None
    assert tokens.authenticate_token("") is None


def test_a_token_is_revoked_only_by_its_owner():
    owner, other = UserFactory(), UserFactory()
    issued = tokens.create_token(actor=owner, name="a")
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(actor=other, token=issued.token)


def test_last_use_is_recorded():
    user = UserFactory()
    issued = tokens.create_token(actor=user, name="a")
    assert issued.token.last_used_at is None
    Client().get(f"{API}/organisations", headers=bearer(issued.secret))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


# --- the API ------------------------------------------------------------------------------------------------
def test_a_bearer_token_reads_as_its_owner():
    user, organisation = member_of()
    application = ready_application(user=user, organisation=organisation)
    issued = tokens.create_token(actor=user, name="lettura")
    client = Client()
    response = client.get(f"{API}/applications/{application.pk}", headers=bearer(issued.secret))
    assert response.status_code == 200
    assert json.loads(response.content)["id"] == application.pk
    # Someone else's token does not see it.
    stranger = tokens.create_token(actor=UserFactory(), name="altro")
    _problem(client.get(f"{API}/applications/{application.pk}", headers=bearer(stranger.secret)), 404)


def test_read_only_token_is_refused_on_writes():
    user, organisation = member_of()
    application = ready_application(user=user, organisation=organisation)
    issued = tokens.create_token(actor=user, name="lettura", scope=TokenScope.READ)
    response = Client().post(f"{API}/applications/{application.pk}/withdraw", headers=bearer(issued.secret))
    body = _problem(response, 403)
    assert "sola lettura" in body["detail"]
    application.refresh_from_db()
    assert application.status == "draft"


def test_write_token_writes_without_csrf():
    user = UserFactory()
    issued = tokens.create_token(actor=user, name="scrittura", scope=TokenScope.WRITE)
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        f"{API}/organisations/999999",
        data="{}",
        content_type="application/json",
        headers=bearer(issued.secret),
    )
    _problem(response, 404)  # past authentication, no CSRF needed: the organisation does not exist


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_bad_tokens_get_401_with_www_authenticate(state):
    user = UserFactory()
    issued = tokens.create_token(actor=user, name="a")
    raw = issued.secret
    if state == "revoked":
        tokens.revoke_token(actor=user, token=issued.token)
    elif state == "expired":
        PersonalAccessToken.objects.filter(pk=issued.token.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    else:
        raw = "wcr_00000000_nope"
    client = Client()
    client.force_login(user)  # a session does not rescue a bad token
    response = client.get(f"{API}/organisations", headers=bearer(raw))
    _problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_evaluation_routes_accept_tokens_and_ask_anonymous_callers_to_authenticate():
    anonymous = Client(enforce_csrf_checks=True)
    _problem(anonymous.get(f"{API}/evaluation/assignments"), 401)
    user = UserFactory()
    issued = tokens.create_token(actor=user, name="a")
    response = Client().get(f"{API}/evaluation/assignments", headers=bearer(issued.secret))
    assert response.status_code == 200, response.content


def test_public_operations_know_who_holds_the_token():
    call = CallFactory(status=CallStatus.DRAFT)
    officer = UserFactory(is_staff=True)
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="programme", codename="view_call")
    )
    set_totp_secret(officer, DEMO_TOTP_SECRET)
    issued = tokens.create_token(actor=officer, name="Script")
    client = Client()
    _problem(client.get(f"{API}/calls/{call.code}"), 404)  # a draft: not for the public
    response = client.get(f"{API}/calls/{call.code}", headers=bearer(issued.secret))
    assert response.status_code == 200, response.content
    assert call.code in {
        c["code"] for c in client.get(f"{API}/calls", headers=bearer(issued.secret)).json()["items"]
    }


def test_a_bad_token_is_refused_on_public_operations_too():
    response = Client().get(f"{API}/provinces", headers=bearer("wcr_00000000_nope"))
    _problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert Client().get(f"{API}/provinces").status_code == 200


def test_openapi_declares_both_schemes(client):
    schema = json.loads(client.get(f"{API}/openapi.json").content)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Token di accesso personale, creato alla pagina /profilo/token/.",
    }
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert set(schemes) == {"TokenAuth", "SessionAuth"}
    # Public operations: the token or the session if given, otherwise anonymous ({}).
    assert schema["paths"][f"{API}/calls"]["get"]["security"] == [{"TokenAuth": []}, {"SessionAuth": []}, {}]
    assert {} not in schema["paths"][f"{API}/applications"]["get"]["security"]


# --- the page -----------------------------------------------------------------------------------------------
def test_the_page_creates_shows_once_and_revokes():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    url = reverse("accounts:tokens")
    assert url == "/profilo/token/"
    response = client.post(url, {"name": "Gestionale", "scope": "write", "lifetime_days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = PersonalAccessToken.objects.get(user=user)
    page = response.content.decode()
    secret_start = f"wcr_{token.prefix}_"
    assert secret_start in page
    shown = page.split(f'value="{secret_start}')[1].split('"')[0]
    assert tokens.hash_token(secret_start + shown) == token.token_hash
    assert token.scope == TokenScope.WRITE
    assert token.expires_at < timezone.now() + timedelta(days=31)
    # Shown once: the list page afterwards has the prefix only.
    again = client.get(url).content.decode()
    assert shown not in again
    assert "Gestionale" in again
    response = client.post(reverse("accounts:token_revoke"), {"token": token.pk})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_page_cannot_revoke_someone_elses_token():
    owner = UserFactory()
    issued = tokens.create_token(actor=owner, name="a")
    client = Client()
    client.force_login(UserFactory())
    revoke = reverse("accounts:token_revoke")
    assert client.post(revoke, {"token": issued.token.pk}).status_code == 404
    assert client.post(revoke, {"token": "x"}).status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_the_page_tells_staff_without_mfa_to_activate_it():
    client = Client()
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "Autenticazione a due fattori necessaria" in page
    client.post(reverse("accounts:tokens"), {"name": "x", "scope": "read", "lifetime_days": "30"})
    assert not PersonalAccessToken.objects.exists()


def test_the_page_needs_sign_in():
    response = Client().get(reverse("accounts:tokens"))
    assert response.status_code == 302

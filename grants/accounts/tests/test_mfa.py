"""Two-factor authentication is mandatory for staff, optional for applicants."""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from grants.accounts import mfa
from grants.accounts.models import StaffRole, User

PASSWORD = "una-password-lunga-2026"
SECRET = mfa.DEMO_TOTP_SECRET


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    cache.clear()  # allauth remembers used TOTP codes in the cache, per user id


@pytest.fixture
def officer(db):
    return User.objects.create_user(email="funzionaria@regione.example", password=PASSWORD, is_staff=True)


def open_totp_setup(client):
    """The set-up page; allauth first asks the password again (a fresh, explicit confirmation)."""
    setup = reverse("mfa_activate_totp")
    response = client.get(setup)
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get(setup)
    assert response.status_code == 200
    return response


def sign_in(client, email, password=PASSWORD, next_url=None):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_staff_without_authenticator_is_sent_to_set_it_up(client, officer):
    assert sign_in(client, officer.email).status_code == 302
    setup = reverse("mfa_activate_totp")

    assert client.get("/").headers["Location"] == setup
    assert client.get("/backoffice/").headers["Location"] == setup
    assert client.get("/organizzazioni/").headers["Location"] == setup
    open_totp_setup(client)  # the set-up page (and the password confirmation before it) stays open


def test_staff_without_authenticator_may_not_use_the_api(client, officer):
    sign_in(client, officer.email)

    for response in (client.get("/api/v1/organisations"), client.post("/api/v1/organisations", {})):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
        assert "due fattori" in json.loads(response.content)["detail"]


def test_member_of_a_staff_role_group_is_staff_even_without_is_staff(client, db):
    evaluator = User.objects.create_user(email="valutatore@regione.example", password=PASSWORD)
    evaluator.groups.add(Group.objects.get_or_create(name=StaffRole.EVALUATOR.value)[0])
    sign_in(client, evaluator.email)

    assert client.get("/").headers["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("role", [*StaffRole.values, "altro gruppo", None])
def test_staff_role_check_answers_as_the_orm_query(db, role):
    person = User.objects.create_user(email="persona@example.it", password=PASSWORD)
    User.objects.create_user(email="altra@example.it", password=PASSWORD).groups.add(
        Group.objects.get_or_create(name=StaffRole.OFFICER.value)[0]
    )
    if role:
        person.groups.add(Group.objects.get_or_create(name=role)[0])

    expected = person.groups.filter(name__in=StaffRole.values).exists()
    assert mfa.is_staff_account(person) is expected is (role in StaffRole.values)


def test_staff_activates_totp_and_then_passes(client, officer):
    sign_in(client, officer.email)
    secret = open_totp_setup(client).context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": mfa.totp_code(secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/").status_code == 200
    assert client.get("/backoffice/").status_code == 200


def test_wrong_code_does_not_activate(client, officer):
    sign_in(client, officer.email)
    secret = open_totp_setup(client).context["form"].secret
    wrong = f"{(int(mfa.totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=officer).exists()
    assert client.get("/backoffice/").status_code == 302


def test_staff_with_totp_signs_in_with_password_and_code(client, officer):
    mfa.set_totp_secret(officer, SECRET)

    response = sign_in(client, officer.email, next_url="/backoffice/")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in before the code

    response = client.post(reverse("mfa_authenticate"), {"code": mfa.totp_code(SECRET)})

    assert response.status_code == 302
    assert response["Location"] == "/backoffice/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/backoffice/").status_code == 200


def test_wrong_totp_code_does_not_sign_in(client, officer):
    mfa.set_totp_secret(officer, SECRET)
    sign_in(client, officer.email)
    wrong = f"{(int(mfa.totp_code(SECRET)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_signs_in_instead_of_the_app(client, officer):
    mfa.set_totp_secret(officer, SECRET)
    recovery = Authenticator.objects.get(user=officer, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]
    sign_in(client, officer.email)

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.get("/backoffice/").status_code == 200


def test_staff_session_opened_without_the_second_factor_is_closed(client, officer):
    mfa.set_totp_secret(officer, SECRET)
    client.force_login(officer)  # as a login path that skipped the code would

    response = client.get("/backoffice/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_applicant_is_not_forced(client, db):
    User.objects.create_user(email="presidenza@coop.example", password=PASSWORD)
    sign_in(client, "presidenza@coop.example")

    assert client.get("/").status_code == 200
    assert client.get("/organizzazioni/").status_code == 200


def test_the_switch_is_read_from_settings(client, officer, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    sign_in(client, officer.email)

    assert client.get("/").status_code == 200


def test_known_secret_for_demo_accounts_gives_the_documented_codes(officer):
    authenticator = mfa.set_totp_secret(officer, "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp")

    assert authenticator.wrap().validate_code(mfa.totp_code(SECRET))
    # RFC 6238 appendix B test vector (SHA-1 secret "12345678901234567890", T=59s: 94287082, last 6 digits).
    assert mfa.totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", at=59) == "287082"
    mfa.set_totp_secret(officer, SECRET)  # idempotent: replaces, never duplicates
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).count() == 1


def test_known_secrets_are_refused_in_production(officer, settings):
    settings.PRODUCTION = True

    with pytest.raises(ImproperlyConfigured):
        mfa.set_totp_secret(officer, SECRET)


def test_the_readme_command_prints_the_demo_totp_code():
    import io
    import re
    import time
    from pathlib import Path

    from django.core.management import call_command

    from grants.accounts.mfa import DEMO_TOTP_SECRET, totp_code

    out = io.StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().strip()
    moments = (time.time() - 30, time.time())
    assert re.fullmatch(r"\d{6}", code) and code in {totp_code(DEMO_TOTP_SECRET, t) for t in moments}
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert "manage.py demo_totp" in readme

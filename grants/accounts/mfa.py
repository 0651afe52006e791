"""Two-factor authentication for the Region's staff (TOTP and recovery codes through django-allauth).

Policy, in one place:

- every staff account (``is_staff``, superuser, or member of a :class:`StaffRole` group) must sign in with a
  second factor; the switch ``MFA_REQUIRED_FOR_STAFF`` is on in development and production (the test profile
  turns it off so that other apps' tests may ``force_login`` staff; the MFA tests turn it on);
- a session counts as verified when the second factor was checked in it: a TOTP or recovery code at sign-in,
  the activation of the authenticator app itself (the person typed a code from it), or a SPID/CIE sign-in at
  level 2 or 3 (the identity provider checked two factors);
- a staff account without an authenticator is sent to set one up; one with an authenticator whose session was
  opened without the second factor is signed out and asked to sign in again.
"""

from __future__ import annotations

import base64
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .models import StaffRole

SESSION_KEY = "accounts_mfa_verified"

# A well-known demo secret (base32): add it to an authenticator app to sign in as a demo staff account.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - public by design


def mfa_required_for_staff() -> bool:
    return bool(getattr(settings, "MFA_REQUIRED_FOR_STAFF", True))


def is_staff_account(user) -> bool:
    """Staff of the Region: back-office access, superuser, or any staff role group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return _has_staff_role(user.pk)


# The user's staff role groups, as ``user.groups.filter(name__in=StaffRole.values).exists()`` asks it; only
# placeholders are formatted in, one per role.
_STAFF_ROLE_SQL = (  # noqa: S608
    "SELECT 1 FROM accounts_user_groups"
    " INNER JOIN auth_group ON auth_group.id = accounts_user_groups.group_id"
    " WHERE accounts_user_groups.user_id = %s AND auth_group.name IN ({names}) LIMIT 1"
).format(names=", ".join(["%s"] * len(StaffRole.values)))


def _has_staff_role(user_id) -> bool:
    """Whether the user belongs to a staff role group. Asked on every signed-in request (the second-factor
    middleware), so it is one plain statement: the ORM's compilation of the same query costs several times
    its round trip (bench/README.md, click day)."""
    with connection.cursor() as cursor:
        cursor.execute(_STAFF_ROLE_SQL, [user_id, *StaffRole.values])
        return cursor.fetchone() is not None


def requires_mfa(user) -> bool:
    return mfa_required_for_staff() and is_staff_account(user)


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def mark_session_verified(request, user, method: str) -> None:
    """Record that this session's user passed a second factor (``method``: totp, recovery_codes, spid...)."""
    request.session[SESSION_KEY] = {"user": str(user.pk), "method": method, "at": int(time.time())}


def session_is_verified(request, user) -> bool:
    record = request.session.get(SESSION_KEY)
    return isinstance(record, dict) and record.get("user") == str(user.pk)


def on_authenticator_used(sender, request, user, authenticator, **kwargs) -> None:
    """allauth signal: a TOTP or recovery code was accepted (at sign-in or re-authentication)."""
    if request is not None:
        mark_session_verified(request, user, authenticator.type)


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    """allauth signal: the person activated an authenticator by typing a code from it."""
    if request is not None and authenticator.type != authenticator.Type.RECOVERY_CODES:
        mark_session_verified(request, user, authenticator.type)


# --- TOTP helpers (demo data, tests, operations) ------------------------------------------------------------


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` at time ``at`` (now by default)."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def set_totp_secret(user, secret: str, *, with_recovery_codes: bool = True):
    """Give ``user`` an active TOTP authenticator with a known base32 ``secret``, replacing any previous one.

    Meant for demo accounts (see :data:`DEMO_TOTP_SECRET`) and operations scripts; refused in production,
    where people activate their own authenticator app on the set-up page. Returns the TOTP ``Authenticator``.
    """
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Known TOTP secrets are for demo and development installations only.")
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    secret = secret.replace(" ", "").upper()
    base64.b32decode(secret, casefold=True)  # refuses what is not base32
    Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).delete()
    authenticator = TOTP.activate(user, secret).instance
    if with_recovery_codes:
        RecoveryCodes.activate(user)
    return authenticator

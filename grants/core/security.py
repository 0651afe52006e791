"""Helpers for the login throttling (django-axes) settings."""

from django.conf import settings
from django.shortcuts import render

LOCKOUT_TEMPLATE = "axes/lockout.html"


def login_username(request, credentials: dict | None = None) -> str:
    """The account a sign-in attempt is for, whatever the form calls the field, lower-cased.

    E-mail addresses are stored lower-case and matched case-insensitively, so "Maria@X.it" and "maria@x.it"
    are the same account and must count towards the same lockout.
    """
    value = ""
    for source in (credentials or {}, getattr(request, "POST", {}) if request is not None else {}):
        for key in ("username", "login", "email"):
            if source.get(key):
                value = str(source[key])
                break
        if value:
            break
    return value.strip().lower()


def lockout_response(request, original_response=None, credentials=None):
    """The Italian lockout page, answered with 429 Too Many Requests."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)

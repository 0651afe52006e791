"""Staff must use a second factor: no page, back-office or API answer before it is set up and checked."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import mfa

# Pages a staff member without an authenticator may still open: the set-up itself, signing out, language.
SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "logout",
        "set_language",
        "switch_language",
    }
)
API_PREFIX = "/api/"


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.url_name


def _is_exempt(request) -> bool:
    path = request.path_info
    static_url = settings.STATIC_URL or "/static/"
    if path.startswith(static_url) or path.startswith("/health"):
        return True
    return _url_name(path) in SETUP_URL_NAMES


def _problem(status: int, detail: str) -> HttpResponse:
    body = {"type": "about:blank", "title": "Forbidden", "status": status, "detail": detail}
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


class StaffMFAMiddleware:
    """After authentication: staff without a verified second factor are sent to set it up or to sign in again.

    - no authenticator yet: pages (back-office included) redirect to the TOTP set-up page; the API answers 403
      (``application/problem+json``), reads and writes alike;
    - an authenticator, but this session did not pass it (opened by a path that skipped the second factor):
      the session is closed and the person is asked to sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not mfa.requires_mfa(user) or mfa.session_is_verified(request, user):
            return self.get_response(request)
        response = self._refuse(request, user)
        if response is not None:
            return response
        response = self.get_response(request)
        if (
            request.method == "POST"
            and _url_name(request.path_info) == "mfa_activate_totp"
            and mfa.has_totp(user)
        ):
            # The set-up page only activates the app after checking a code typed from it: a second factor.
            mfa.mark_session_verified(request, user, "totp")
        return response

    def _refuse(self, request, user) -> HttpResponse | None:
        is_api = request.path_info.startswith(API_PREFIX)
        if mfa.has_totp(user):
            if is_api:
                return _problem(403, _("Accedi di nuovo con il secondo fattore di autenticazione."))
            logout(request)
            messages.warning(
                request, _("Per continuare accedi di nuovo con il codice della tua app di autenticazione.")
            )
            return HttpResponseRedirect(
                f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
            )
        if _is_exempt(request):
            return None
        if is_api:
            return _problem(
                403,
                _("Il personale deve attivare l'autenticazione a due fattori prima di usare l'API."),
            )
        messages.info(
            request,
            _(
                "Il personale della Regione deve proteggere l'account con l'autenticazione a due fattori: "
                "attiva l'app di autenticazione per continuare."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

"""How API callers authenticate: the browser's session, or a personal access token (Bearer).

Authenticated routers declare ``auth=[token_auth, session_auth]``: a request carrying a bearer token is
judged by the token alone; otherwise the session counts. Failures are problem+json (grants/api/urls.py):

- no credentials, or an unknown, expired or revoked token: 401 with ``WWW-Authenticate``;
- a session write without a valid CSRF token: 403;
- a read-only token on a write (any method other than GET, HEAD, OPTIONS): 403.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WWW_AUTHENTICATE = 'Bearer realm="api"'


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403,
            _(
                "Verifica CSRF non superata: le richieste di modifica con la sessione del browser devono "
                "inviare l'intestazione X-CSRFToken."
            ),
        )


class SessionAuth(APIKeyCookie):
    """The Django session (signed-in browser). Writes must carry the CSRF token; anonymous callers get 401.

    Unlike ninja's ``django_auth``, the CSRF check runs only for a signed-in session: a caller without one is
    told to authenticate (401), not that a CSRF token is missing.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Sessione del browser (cookie); le richieste di modifica richiedono X-CSRFToken."

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if request.method not in SAFE_METHODS and not exempt and check_csrf(request) is not None:
            raise CsrfFailed()
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


session_auth = SessionAuth()

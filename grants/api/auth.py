"""How API callers authenticate: the browser's session, or a personal access token (Bearer).

Authenticated routers declare ``auth=[token_auth, session_auth]``: a request carrying a bearer token is
judged by the token alone; otherwise the session counts. Public routers are mounted with
:data:`PUBLIC_AUTH`: the same two, then anonymous access, so a token or a session still says who is asking
(staff see draft calls, a beneficiary its own unpublished sheet) and a bad token is still refused. Failures
are problem+json (grants/api/urls.py):

- no credentials, or an unknown, expired or revoked token: 401 with ``WWW-Authenticate``;
- a session write without a valid CSRF token: 403;
- a read-only token on a write (any method other than GET, HEAD, OPTIONS): 403.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from grants.accounts.tokens import authenticate_token

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


class InvalidToken(HttpError):
    www_authenticate = 'Bearer realm="api", error="invalid_token"'

    def __init__(self) -> None:
        super().__init__(401, _("Token non valido, scaduto o revocato."))


class ReadOnlyToken(HttpError):
    def __init__(self) -> None:
        super().__init__(
            403, _("Questo token è di sola lettura: per modificare serve un token di scrittura.")
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wcr_...``: a personal access token (grants/accounts/tokens.py).

    A request without the header is left to the session; one with a bad token is refused (401), never judged
    by its cookies. On success ``request.user`` is the token's owner and ``request.access_token`` the token.
    """

    openapi_description = "Token di accesso personale, creato alla pagina /profilo/token/."

    def __call__(self, request):
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token):
        access_token = authenticate_token(token)
        if access_token is None:
            raise InvalidToken()
        if request.method not in SAFE_METHODS and not access_token.allows_write:
            raise ReadOnlyToken()
        request.user = access_token.user
        request.access_token = access_token
        return access_token.user


token_auth = TokenAuth()

# What authenticated routers declare: a bearer token, else the browser's session.
API_AUTH = [token_auth, session_auth]


class AnonymousAccess:
    """The last authenticator of a public operation: without credentials the caller is anonymous.

    ``openapi_security_schema`` only marks the operation for the OpenAPI document, where the entry becomes
    the empty requirement ``{}`` (authentication optional); see ``ProblemNinjaAPI.get_openapi_schema``.
    """

    openapi_security_schema = {"x-anonymous": True}

    def __call__(self, request):
        return AnonymousUser()


anonymous_access = AnonymousAccess()
ANONYMOUS_SCHEME = AnonymousAccess.__name__

# What public routers are mounted with: who is asking when they say so, anyone otherwise.
PUBLIC_AUTH = [token_auth, session_auth, anonymous_access]

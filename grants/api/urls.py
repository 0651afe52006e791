"""The /api/v1 surface: one NinjaAPI, one router per bounded context.

Every failure under /api/v1 is application/problem+json: validation (422), unparsable bodies (400), missing or
bad credentials (401 with ``WWW-Authenticate``), refusals and CSRF failures (403), unknown paths (404, through
the catch-all route appended last), methods a path does not accept (405 with ``Allow``), rate limits (429 with
``Retry-After``) and unexpected errors (500, logged, without a stack trace). The OpenAPI document says so:
error responses are published as ``application/problem+json`` with the shared ``Problem`` schema.
"""

import functools
import logging

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    BadRequest,
    ObjectDoesNotExist,
    PermissionDenied,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from grants.core.errors import DomainError
from grants.core.views import DATABASE_UNAVAILABLE, database_unavailable_response

from .auth import ANONYMOUS_SCHEME, API_AUTH, PUBLIC_AUTH, WWW_AUTHENTICATE
from .parser import NulRefusingParser, contains_nul
from .problems import PROBLEM_CONTENT_TYPE, Problem, as_problem, problem_response
from .throttling import api_rate_throttle

logger = logging.getLogger("grants.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


class ProblemNinjaAPI(NinjaAPI):
    """NinjaAPI whose every failure, routed or not, is problem+json, and whose OpenAPI document says so."""

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = _problem_on_405(pattern.callback)
        urls.append(re_path(r"^.*$", unknown_path, name="unknown-path"))
        return urls

    def get_openapi_operation_id(self, operation) -> str:
        """``grants_api_<context>_<function>``: a context's endpoints may live in a package of modules
        (``grants.api.evaluation.panel``), their operation ids name the context only, as before the split."""
        module = operation.view_func.__module__
        if module.startswith("grants.api."):
            module = ".".join(module.split(".")[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components["Problem"] = problem
        schema.get("components", {}).get("securitySchemes", {}).pop(ANONYMOUS_SCHEME, None)
        for methods in schema.get("paths", {}).values():
            for method, operation in methods.items():
                _mark_optional_authentication(operation)
                _document_failures(method.upper(), operation)
        return schema


def _mark_optional_authentication(operation: dict) -> None:
    """Public operations list the token and the session, then ``{}``: anonymous callers are welcome too."""
    security = operation.get("security")
    if security and any(ANONYMOUS_SCHEME in requirement for requirement in security):
        operation["security"] = [r for r in security if ANONYMOUS_SCHEME not in r] + [{}]


_FAILURE_DESCRIPTIONS = {
    "400": "Corpo della richiesta non leggibile (JSON non valido) o intestazione mancante.",
    "401": "Autenticazione mancante o non valida (sessione o token personale).",
    "403": "Operazione non consentita (permessi, verifica CSRF, token di sola lettura).",
    "404": "Risorsa non trovata (o non visibile a chi chiede).",
    "409": "Lo stato dell'oggetto non consente l'operazione: ``code`` dice perché.",
    "422": "Dati non validi: l'elenco ``errors`` indica i campi.",
    "429": "Troppe richieste: riprovare dopo i secondi indicati in Retry-After.",
}


def _document_failures(method: str, operation: dict) -> None:
    """Publish every error answer as problem+json, adding the ones every operation of its kind may give."""
    responses = {str(status): response for status, response in operation.get("responses", {}).items()}
    operation["responses"] = responses
    parameters = operation.get("parameters", [])
    wanted = {"429"}
    security = operation.get("security") or []
    if {} in security:
        wanted.add("401")  # only a bad token: anonymous callers are served
    elif security:
        wanted |= {"401", "403"}
    if parameters or "requestBody" in operation:
        wanted.add("422")
    if "requestBody" in operation or any(p.get("in") == "header" for p in parameters):
        wanted.add("400")
    if any(p.get("in") == "path" for p in parameters):
        wanted.add("404")
        if method not in SAFE_METHODS:
            wanted.add("409")  # a write on an existing object its state may not allow
    for status in sorted(wanted):
        responses.setdefault(status, {"description": _FAILURE_DESCRIPTIONS[status]})
    for status, response in responses.items():
        if not status.isdigit() or int(status) < 400:
            continue
        content = response.get("content") or {}
        schema = (content.get("application/json") or content.get(PROBLEM_CONTENT_TYPE) or {}).get("schema")
        response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": schema or dict(PROBLEM_REF)}}
        if status == "401":
            response.setdefault("headers", {})["WWW-Authenticate"] = {"schema": {"type": "string"}}
        if status == "429":
            response.setdefault("headers", {})["Retry-After"] = {
                "description": "Secondi da attendere",
                "schema": {"type": "integer"},
            }


def _problem_on_405(view):
    """ninja answers a method a path lacks with a plain 405; its root path raises Http404 outside handlers.
    A path parameter with a NUL character names nothing (and PostgreSQL could not even look it up): 404."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if contains_nul(list(kwargs.values())):
            return problem_response(404, detail=_("Nessuna risorsa a questo indirizzo dell'API."))
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problem_response(404, detail=_("Nessuna risorsa a questo indirizzo dell'API."))
        if isinstance(response, HttpResponseNotAllowed):
            return as_problem(response)
        return response

    return wrapper


@csrf_exempt
def unknown_path(request, *args, **kwargs):
    return problem_response(404, detail=_("Nessuna risorsa a questo indirizzo dell'API."))


api = ProblemNinjaAPI(
    title="WECARE – API della piattaforma bandi",
    version="1.1.0",
    description=(
        "Programmi, misure, bandi, territorio, organizzazioni e domande. Autenticazione con la sessione del "
        "browser o con un token personale (Authorization: Bearer). Errori in application/problem+json."
    ),
    urls_namespace="api",
    throttle=[api_rate_throttle],
    parser=NulRefusingParser(),
)


def _field_path(loc) -> str:
    # ninja locations look like ("query", "measure") or ("body", "payload", "name"): keep the field part.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form", "header", "file")]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [{"field": _field_path(err.get("loc", ())), "message": err.get("msg", "")} for err in exc.errors]
    return problem_response(422, detail="I dati inviati non sono validi.", errors=errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(404, detail="Risorsa non trovata.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    response = problem_response(401, detail=_("Autenticazione richiesta."))
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return problem_response(403, detail=str(exc) or _("Operazione non consentita."))


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    """A service's refusal (grants/core/errors.py): its status, code, message and field errors."""
    response = problem_response(
        exc.status, detail=exc.message, errors=exc.errors, code=exc.code, **exc.problem_members()
    )
    for name, value in exc.response_headers().items():
        response[name] = value
    return response


@api.exception_handler(ObjectDoesNotExist)
def on_object_missing(request, exc):
    """A selector's ``get`` that found nothing visible: the same answer as a path that names nothing."""
    return problem_response(404, detail="Risorsa non trovata.")


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    response = problem_response(429, detail=_("Troppe richieste: riprova più tardi."))
    if exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, ValidationError):
        # ninja turns any failure of the body parser into a 400; the parser's own refusals
        # (grants/api/parser.py) are field errors.
        return on_validation_error(request, exc.__cause__)
    response = problem_response(exc.status_code, detail=str(exc))
    if exc.status_code == 401:
        response["WWW-Authenticate"] = getattr(exc, "www_authenticate", WWW_AUTHENTICATE)
    return response


@api.exception_handler(DjangoValidationError)
def on_rule_refused(request, exc: DjangoValidationError):
    """A service's ValidationError no view translated (e.g. a model's full_clean, its check constraints): the
    input was invalid, a 422 with the fields, never a 500."""
    pairs = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    errors = [
        {"field": "" if name == NON_FIELD_ERRORS else name, "message": message}
        for name, messages in pairs
        for message in messages
    ]
    return problem_response(422, detail=_("I dati inviati non sono validi."), errors=errors)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(BadRequest)
@api.exception_handler(SuspiciousOperation)
def on_bad_request(request, exc):
    """Unreadable bodies (a multipart without boundary, a request too large): 400, as Django answers them."""
    return problem_response(400, detail=_("Corpo della richiesta non leggibile."))


def on_database_unavailable(request, exc):
    """PostgreSQL restarting or unreachable: 503 + Retry-After, the request can be repeated as it was."""
    got_request_exception.send(sender=None, request=request)
    return database_unavailable_response(request)


for _database_error in DATABASE_UNAVAILABLE:
    api.add_exception_handler(_database_error, on_database_unavailable)


@api.exception_handler(Exception)
def on_server_error(request, exc: Exception):
    """Logged with the traceback and signalled like Django's own 500; no trace reaches the client."""
    got_request_exception.send(sender=None, request=request)
    response = problem_response(500, detail=_("Errore interno del server. Il problema è stato registrato."))
    log_response(
        "%s: %s",
        "Internal Server Error",
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


from . import (  # noqa: E402 - routers attach after the error handlers
    applications,
    audit,
    evaluation,
    finance,
    monitoring,
    notifications,
    pec,
    privacy,
    programme,
    projects,
    registry,
    territory,
    transparency,
)

# Public routers: anyone may call them; a token or a session still says who asks (grants/api/auth.py).
api.add_router("/", programme.router, auth=PUBLIC_AUTH)
api.add_router("/", territory.router, auth=PUBLIC_AUTH)
api.add_router("/", registry.router)
api.add_router("/", applications.router)
api.add_router("/", audit.router)
# The evaluation router declares ninja's django_auth; mounted with the API's own (tokens, then the session).
api.add_router("/", evaluation.router, auth=API_AUTH)
api.add_router("/", notifications.router)
api.add_router("/", pec.router)
api.add_router("/", privacy.router)
api.add_router("/", projects.router)
api.add_router("/", finance.router)
api.add_router("/", monitoring.router)
api.add_router("/", transparency.router, auth=PUBLIC_AUTH)

__all__ = ["api", "as_problem"]

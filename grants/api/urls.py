"""The /api/v1 surface: one NinjaAPI, one router per bounded context."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .problems import problem_response

api = NinjaAPI(
    title="WECARE – API della piattaforma bandi",
    version="1.0.0",
    description="Programmi, misure, bandi, territorio e organizzazioni. Errori in application/problem+json.",
    urls_namespace="api",
)


def _field_path(loc) -> str:
    # ninja locations look like ("query", "measure") or ("body", "payload", "name"): keep the field part.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
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
    return problem_response(401, detail="Autenticazione richiesta.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(exc.status_code, detail=str(exc))


from . import applications, audit, evaluation, programme, registry, territory  # noqa: E402 - routers attach after the error handlers

api.add_router("/", programme.router)
api.add_router("/", territory.router)
api.add_router("/", registry.router)
api.add_router("/", applications.router)
api.add_router("/", audit.router)
api.add_router("/", evaluation.router)

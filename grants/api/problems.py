"""Errors as application/problem+json (RFC 9457), the same shape for every failure under /api/."""

from http import HTTPStatus

from django.http import HttpResponse, JsonResponse
from ninja import Field, Schema
from pydantic import ConfigDict

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(Schema):
    """One problem with one field of the request (``field`` empty when it concerns the whole request)."""

    model_config = ConfigDict(extra="allow")

    field: str = Field(description="Campo a cui si riferisce l'errore (vuoto se riguarda l'intera richiesta)")
    message: str
    code: str | None = Field(None, description="Codice stabile dell'errore, quando c'è")


class Problem(Schema):
    """RFC 9457 problem details; some answers add members (``code``, ``protocol``...)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Sempre about:blank: il significato è dato da status e title")
    title: str
    status: int
    detail: str | None = None
    code: str | None = Field(None, description="Codice stabile dell'errore applicativo, quando c'è")
    errors: list[FieldError] | None = None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int, *, detail: str = "", title: str = "", errors: list[dict] | None = None, **extra
) -> JsonResponse:
    body = {
        "type": "about:blank",
        "title": title or _phrase(status),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)


_DEFAULT_DETAILS = {
    400: "Richiesta non valida.",
    401: "Autenticazione richiesta.",
    403: "Operazione non consentita.",
    404: "Risorsa non trovata.",
    405: "Metodo non consentito su questa risorsa.",
    500: "Errore interno del server. Il problema è stato registrato.",
}


def as_problem(response: HttpResponse) -> HttpResponse:
    """The same failure as problem+json (keeping Allow, WWW-Authenticate and Retry-After), never a page."""
    if response.status_code < 400 or is_problem(response):
        return response
    status = response.status_code
    detail = _DEFAULT_DETAILS.get(status, _phrase(status))
    problem = problem_response(status, detail=detail)
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if response.has_header(header):
            problem[header] = response[header]
    return problem


def problem_responses(*statuses: int) -> dict[int, type[Problem]]:
    """``response={200: Out, **problem_responses(404, 422)}``."""
    return dict.fromkeys(statuses, Problem)

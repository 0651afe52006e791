"""The one error type of the services: a request the rules refuse.

Every bounded context raises ``DomainError`` (or a subclass of its own, e.g. ``ApplicationError``) when a rule
refuses a request, ``WrongState`` when the object's state does not allow the action, and attaches field errors
with ``field_error``. The API turns it into problem+json in one handler (``grants/api/urls.py``); pages map it
onto a form's fields with ``grants.core.forms.refusal_to_form``. Permissions stay ``PermissionDenied``.

``errors`` is a list of ``{"field", "code", "message"}``: ``field`` names the input (empty when the refusal
concerns the whole request), ``code`` is stable for programs, ``message`` is Italian for people.
"""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A request the rules refuse: 422 unless a subclass says otherwise."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, *, errors: Iterable[dict] = (), code: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        if code:
            self.code = code

    def problem_members(self) -> dict:
        """Members a subclass adds to its problem+json answer (e.g. the protocol already given)."""
        return {}

    def response_headers(self) -> dict[str, str]:
        """Headers a subclass adds to the answer (e.g. ``Retry-After`` of a 429)."""
        return {}


class WrongState(DomainError):
    """The object's state does not allow the action (409)."""

    status = 409
    code = "wrong_state"


def field_error(field: str, code: str, message: str, *, error_class: type[DomainError] = DomainError):
    """A refusal that concerns one field: its message is also the error's message."""
    return error_class(message, errors=[field_message(field, code, message)], code=code)


def field_message(field: str, code: str, message: str) -> dict:
    """One entry of ``DomainError.errors``."""
    return {"field": field, "code": code, "message": message}

"""Pages: a service's refusal shown on the form that made the request.

Every write page validates its input with a Django form, calls the service, and on refusal hands the error
to ``refusal_to_form``: field errors go next to the fields they name, everything else above the form. The
user's input stays in the bound form, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .errors import DomainError


def refusal_to_form(
    form: forms.BaseForm, exc: DomainError | PermissionDenied, mapping: Mapping[str, str] | None = None
) -> None:
    """Add ``exc`` to ``form``: each field error on the form field its name maps to (``mapping`` renames
    service fields to form fields; by default the same name), the rest as non-field errors."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("Operazione non consentita."))
        return
    placed = False
    for error in exc.errors:
        name = error.get("field") or ""
        target = (mapping or {}).get(name, name)
        if target and target in form.fields:
            form.add_error(target, error["message"])
        else:
            form.add_error(None, error["message"])
        placed = True
    if not placed:
        form.add_error(None, exc.message)

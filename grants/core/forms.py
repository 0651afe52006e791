"""Pages: a service's refusal shown on the form that made the request.

Every write page validates its input with a Django form, calls the service, and on refusal hands the error
to ``refusal_to_form``: field errors go next to the fields they name, everything else above the form. The
user's input stays in the bound form, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import DomainError
from .money import parse_amount


class AmountField(forms.DecimalField):
    """An amount in euro typed the Italian way (``450.000,00``) or plain (``450000.00``), read by
    ``grants.core.money.parse_amount``; the DecimalField's checks (digits, decimals, minimum) then apply.
    A text input with the decimal keyboard on phones."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


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


def error_messages(form: forms.BaseForm) -> list[str]:
    """Every message of a bound form, those above the form first, then the fields' in their order."""
    found = list(form.non_field_errors())
    for name in form.fields:
        found.extend(form.errors.get(name, []))
    return found


def first_errors(form: forms.BaseForm) -> dict[str, str]:
    """``{field: its first message}`` of a bound form, for pages that show one message next to each input."""
    return {name: errors[0] for name, errors in form.errors.items() if name != NON_FIELD_ERRORS}


def refusal_message(exc: DomainError | PermissionDenied) -> str:
    """The one-line message of a refusal, as shown above the page."""
    if isinstance(exc, PermissionDenied):
        return str(exc) or _("Operazione non consentita.")
    return exc.message


def run_form(
    request,
    form: forms.BaseForm,
    action: Callable[[dict], HttpResponse],
    *,
    refused: Callable[[forms.BaseForm], HttpResponse],
    mapping: Mapping[str, str] | None = None,
) -> HttpResponse:
    """One write page's POST: validate ``form``, hand its cleaned data to ``action`` (which calls the service
    and answers, usually with a redirect); on invalid input or a refusal the errors are on the form, shown
    above the page too, and ``refused(form)`` answers (the page again, with the bound form)."""
    if form.is_valid():
        try:
            return action(form.cleaned_data)
        except (DomainError, PermissionDenied) as exc:
            refusal_to_form(form, exc, mapping if mapping is not None else getattr(form, "mapping", None))
            messages.error(request, refusal_message(exc))
            return refused(form)
    for message in error_messages(form):
        messages.error(request, message)
    return refused(form)


def action_view(
    *,
    find: Callable,
    form_class: type,
    owner: str,
    perform: Callable,
    page: Callable,
    allowed: Callable | None = None,
    forbidden: Callable | None = None,
):
    """The view of one action (one URL, one form) on the object ``find(request, pk)`` reads (404 when the
    user may not read it). When ``allowed(user, obj)`` says no, ``forbidden(request)`` answers (403). The
    POST binds ``form_class`` (``owner`` names its keyword for the object); ``perform(request, obj, data)``
    calls the service and answers (a redirect with a success message); on invalid input or a refusal,
    ``page(request, obj, form, status)`` shows the page again with the bound form: 422, or the refusal's own
    status (409 when the state does not allow it)."""

    @login_required
    @require_POST
    def view(request, pk: int):
        obj = find(request, pk)
        if allowed is not None and not allowed(request.user, obj):
            return forbidden(request)
        form = form_class(request.POST, request.FILES, **{owner: obj})
        status = {"code": 422}

        def act(data):
            try:
                return perform(request, obj, data)
            except DomainError as exc:
                status["code"] = exc.status
                raise

        return run_form(request, form, act, refused=lambda bound: page(request, obj, bound, status["code"]))

    view.__doc__ = perform.__doc__
    view.__name__ = perform.__name__
    return view

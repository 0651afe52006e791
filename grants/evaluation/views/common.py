"""What the evaluation pages share: the call (404 when unknown), the 403 page, the criteria tree in reading
order, and the answer to an action's POST: bind its form, call the service, then back to the page with the
outcome as a message (a refusal goes on the form through ``refusal_to_form``, then above the page)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from grants.core.errors import DomainError
from grants.core.forms import error_messages, refusal_to_form
from grants.programme.models import Call
from grants.programme.permissions import staff_calls


def forbidden(request):
    return render(request, "evaluation/forbidden.html", status=403)


def call_or_404(code: str, user) -> Call:
    """The call for its staff (RUP, officers, head of measure); any other call is not found, as a missing
    one."""
    call = staff_calls(user, Call.objects.select_related("measure")).filter(code=code).first()
    if call is None:
        raise Http404(_("Bando non trovato."))
    return call


def show_refusal(request, form, exc: DomainError | PermissionDenied | None = None) -> None:
    """Put ``exc`` (if any) on ``form`` and show the form's messages above the page: the refusal's own
    message first when it details field errors."""
    if exc is not None:
        refusal_to_form(form, exc)
        if isinstance(exc, DomainError) and exc.errors:
            messages.error(request, exc.message)
    for message in error_messages(form):
        messages.error(request, message)


def submit_form(request, form, action: Callable[[dict], object], *, back: Callable[[], object]):
    """Validate ``form`` and run ``action(cleaned_data)`` (the service call and its success message, maybe
    its own answer); on invalid input or a refusal the messages are shown. The answer is the action's, or
    ``back()``."""
    if not form.is_valid():
        show_refusal(request, form)
        return back()
    try:
        answer = action(form.cleaned_data)
    except (DomainError, PermissionDenied) as exc:
        show_refusal(request, form, exc)
        return back()
    return answer or back()


def tree_order(tree):
    ordered = []

    def walk(node):
        ordered.append(node)
        for kid in tree.children.get(node.code, []):
            walk(kid)

    for root in tree.roots:
        walk(root)
    return ordered

"""The head of measure's page of a call's staff: who is RUP and who the officers are, add a person, remove
one (after a confirmation). One URL per action; the rules are in ``grants.programme.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grants.core.forms import run_form
from grants.programme import selectors as programme_selectors
from grants.programme import services as programme_services
from grants.programme.models import CallStaff
from grants.programme.permissions import can_assign_call_staff

from ..forms import CallStaffForm, CallStaffRemoveForm
from .common import call_or_404, forbidden


def _staff_page(request, call, form=None, status=200):
    return render(
        request,
        "evaluation/call_staff.html",
        {
            "call": call,
            "staff": programme_selectors.call_staff(call),
            "form": form or CallStaffForm(),
        },
        status=status,
    )


@login_required
def call_staff(request, code: str):
    call = call_or_404(code, request.user)  # not the user's call (or not staff at all): not found
    if not can_assign_call_staff(request.user):
        return forbidden(request)
    return _staff_page(request, call)


@login_required
@require_POST
def call_staff_add(request, code: str):
    call = call_or_404(code, request.user)
    if not can_assign_call_staff(request.user):
        return forbidden(request)

    def add(data):
        staff = programme_services.assign_call_staff(
            actor=request.user, call=call, user=data["user"], role=data["role"]
        )
        messages.success(
            request,
            _("%(person)s ora lavora sul bando come %(role)s.")
            % {"person": staff.user.get_full_name() or staff.user.email, "role": staff.get_role_display()},
        )
        return redirect("evaluation:call_staff", code=call.code)

    return run_form(
        request,
        CallStaffForm(request.POST),
        add,
        refused=lambda form: _staff_page(request, call, form, status=400),
    )


@login_required
def call_staff_remove(request, code: str, pk: int):
    """GET: the confirmation; POST with the box ticked: the removal."""
    call = call_or_404(code, request.user)
    if not can_assign_call_staff(request.user):
        return forbidden(request)
    staff = CallStaff.objects.filter(call=call, pk=pk).select_related("user", "call").first()
    if staff is None:
        raise Http404(_("Assegnazione non trovata."))

    def page(form, status=200):
        return render(
            request,
            "evaluation/call_staff_remove.html",
            {"call": call, "staff": staff, "form": form},
            status=status,
        )

    if request.method != "POST":
        return page(CallStaffRemoveForm())

    def remove(data):
        person = staff.user.get_full_name() or staff.user.email
        role = staff.get_role_display()
        programme_services.remove_call_staff(actor=request.user, staff=staff)
        messages.success(
            request,
            _("%(person)s non lavora più sul bando come %(role)s.") % {"person": person, "role": role},
        )
        return redirect("evaluation:call_staff", code=call.code)

    return run_form(request, CallStaffRemoveForm(request.POST), remove, refused=lambda form: page(form, 400))


__all__ = ["call_staff", "call_staff_add", "call_staff_remove"]

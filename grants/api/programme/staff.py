"""Who works on a call: the head of measure assigns its RUP and officers (``programme.assign_call_staff``)."""

from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Schema, Status

from grants.core.errors import DomainError, field_message
from grants.programme import selectors, services
from grants.programme.models import Call, CallStaff, CallStaffRole
from grants.programme.permissions import can_assign_call_staff

from ..auth import API_AUTH
from . import router
from .schemas import (
    rome,
)


class CallStaffOut(Schema):
    id: int
    call_id: int
    user_id: int
    name: str
    email: str
    role: str = Field(description="rup (responsabile del procedimento) o officer (funzionario istruttore)")
    role_label: str
    assigned_at: datetime


class CallStaffIn(Schema):
    user_id: int
    role: Literal["rup", "officer"] = Field(description="rup o officer")


def _call_for_staff_assignment(request, call_id: int) -> Call:
    """403 without ``programme.assign_call_staff``, then 404 for an unknown call."""
    if not can_assign_call_staff(request.auth):
        raise PermissionDenied("Solo il responsabile di misura assegna il personale del bando.")
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404
    return call


def _staff_out(staff: CallStaff) -> dict:
    return {
        "id": staff.pk,
        "call_id": staff.call_id,
        "user_id": staff.user_id,
        "name": staff.user.get_full_name() or staff.user.email,
        "email": staff.user.email,
        "role": staff.role,
        "role_label": str(CallStaffRole(staff.role).label),
        "assigned_at": rome(staff.assigned_at),
    }


@router.get(
    "/calls/{call_id}/staff",
    response=list[CallStaffOut],
    auth=API_AUTH,
    summary="RUP e funzionari del bando (responsabile di misura)",
)
def list_call_staff(request, call_id: int):
    call = _call_for_staff_assignment(request, call_id)
    return [_staff_out(staff) for staff in selectors.call_staff(call)]


@router.post(
    "/calls/{call_id}/staff",
    response={201: CallStaffOut},
    auth=API_AUTH,
    summary="Assegna una persona al bando come RUP o funzionario",
)
def post_call_staff(request, call_id: int, payload: CallStaffIn):
    call = _call_for_staff_assignment(request, call_id)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if user is None:
        raise DomainError(
            "Utente non trovato.", errors=[field_message("user_id", "not_found", "Utente non trovato.")]
        )
    staff = services.assign_call_staff(actor=request.auth, call=call, user=user, role=payload.role)
    return Status(201, _staff_out(staff))


@router.delete(
    "/calls/{call_id}/staff/{staff_id}",
    response={204: None},
    auth=API_AUTH,
    summary="Toglie una persona dal personale del bando",
)
def delete_call_staff(request, call_id: int, staff_id: int):
    call = _call_for_staff_assignment(request, call_id)
    staff = CallStaff.objects.filter(call=call, pk=staff_id).select_related("user", "call").first()
    if staff is None:
        raise Http404
    services.remove_call_staff(actor=request.auth, staff=staff)
    return Status(204, None)

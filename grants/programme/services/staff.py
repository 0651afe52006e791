"""The head of measure assigns and removes the RUP and the officers of a call (audited)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import record_event
from grants.core.errors import DomainError, field_message

from ..models import Call, CallStaff, CallStaffRole
from ..permissions import can_assign_call_staff


def assign_call_staff(*, actor, call: Call, user, role: str) -> CallStaff:
    """Make ``user`` (active staff) RUP or officer of ``call``; assigning twice returns the same row."""
    if not can_assign_call_staff(actor):
        raise PermissionDenied(_("Solo il responsabile di misura assegna il personale del bando."))
    if role not in CallStaffRole.values:
        raise DomainError(
            _("Ruolo non valido."), errors=[field_message("role", "invalid", _("Ruolo non valido."))]
        )
    if not (user.is_active and user.is_staff):
        raise DomainError(
            _("Solo il personale attivo della Regione può lavorare su un bando."),
            errors=[field_message("user", "invalid", _("Utente non abilitato."))],
        )
    with transaction.atomic():
        staff, created = CallStaff.objects.get_or_create(
            call=call, user=user, role=role, defaults={"assigned_by": actor}
        )
        if created:
            record_event(
                actor=actor,
                action="call_staff.assigned",
                obj=call,
                after={"user": user.email, "role": role},
            )
    return staff


def remove_call_staff(*, actor, staff: CallStaff) -> None:
    """Remove one assignment: the user no longer reaches the call's objects (404)."""
    if not can_assign_call_staff(actor):
        raise PermissionDenied(_("Solo il responsabile di misura assegna il personale del bando."))
    with transaction.atomic():
        record_event(
            actor=actor,
            action="call_staff.removed",
            obj=staff.call,
            before={"user": staff.user.email, "role": staff.role},
        )
        staff.delete()

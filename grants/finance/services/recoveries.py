"""Recoveries (recuperi): opened by a revocation, recorded as the money comes back."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.audit import save_audited
from grants.core.money import round_money
from grants.projects.models import Project

from .. import permissions, selectors
from ..models import Recovery
from ..states import RecoveryStatus
from .common import FinanceError, WrongState, _money, _require, _save


# --- recoveries ---------------------------------------------------------------------------------------------
def open_recovery_for_revocation(*, project: Project, new_grant: Decimal, reason: str) -> Recovery | None:
    """What was paid above the new grant is to be recovered (nothing when the payments fit the new grant)."""
    paid = selectors.paid_total(project)
    amount = round_money(paid - Decimal(new_grant))
    if amount <= 0:
        return None
    recovery = Recovery(
        project=project,
        amount=amount,
        reason=reason or _("Revoca del contributo"),
        paid_at_opening=paid,
        new_grant=round_money(new_grant),
    )
    return save_audited(recovery, actor=None, reason="Revoca", action="recovery.opened")


def record_recovered(*, actor, recovery: Recovery, amount) -> Recovery:
    _require(permissions.can_manage_recoveries(actor, recovery.project.call_id))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise FinanceError(_("L'importo deve essere maggiore di zero."), field="amount", code="not_positive")
    with transaction.atomic():
        recovery = Recovery.objects.select_for_update().get(pk=recovery.pk)
        if recovery.status == RecoveryStatus.RECOVERED:
            raise WrongState(_("Il recupero è già concluso."), code="wrong_state")
        if amount > recovery.outstanding:
            raise FinanceError(
                _("L'importo supera quanto resta da recuperare (%(left)s €).")
                % {"left": recovery.outstanding},
                field="amount",
                code="above_outstanding",
            )
        recovery.recovered_amount = round_money(recovery.recovered_amount + amount)
        if recovery.recovered_amount == recovery.amount:
            recovery.close()
        else:
            recovery.record_part()
        return _save(recovery, actor=actor, reason="Somma recuperata", action="recovery.recorded")

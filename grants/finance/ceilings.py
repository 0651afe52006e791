"""Payment ceilings, pure: what may be paid to a project, and why not. No database, no clock.

- the total committed (proposed, approved or paid) never passes the grant;
- the advance (anticipo) is paid once, before any interim payment, up to its % of the grant;
- the n-th interim payment (SAL) needs the recognised contribution (admitted expenditure × grant rate) to
  reach the plan's n-th threshold, stated as a % of the grant; it brings what was committed up to the
  recognised contribution, but never above the grant minus the final retention;
- the balance (saldo) comes after the final report is checked and releases the retention;
- an amount payable is never negative.
"""

from dataclasses import dataclass
from decimal import Decimal

from grants.core.money import ZERO, percent_of, round_money

from .states import PaymentKind

HUNDRED = Decimal(100)


class CeilingError(ValueError):
    """A payment the ceilings refuse; ``field`` names the input at fault, ``code`` is stable."""

    def __init__(self, message: str, *, field: str = "amount", code: str = "ceiling"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


@dataclass(frozen=True)
class PlanTerms:
    """The payment plan of a call (see models.PaymentPlan)."""

    advance_percent: Decimal
    interim_thresholds: tuple[Decimal, ...]
    retention_percent: Decimal


@dataclass(frozen=True)
class ProjectMoney:
    """Where a project stands: its grant and eligible cost, what is admitted and what is committed."""

    grant: Decimal
    eligible_cost: Decimal
    admitted: Decimal
    committed: Decimal
    advance_taken: bool = False
    interim_count: int = 0
    balance_taken: bool = False
    final_report_checked: bool = False


def recognised_contribution(money: ProjectMoney) -> Decimal:
    """Admitted expenditure × grant rate (grant / eligible cost), never above the grant."""
    if money.eligible_cost <= 0 or money.admitted <= 0:
        return ZERO
    share = round_money(Decimal(money.admitted) * Decimal(money.grant) / Decimal(money.eligible_cost))
    return min(share, round_money(money.grant))


def retention(plan: PlanTerms, money: ProjectMoney) -> Decimal:
    return percent_of(money.grant, plan.retention_percent)


def headroom(money: ProjectMoney) -> Decimal:
    """What is left of the grant after every committed payment (never negative)."""
    return max(round_money(money.grant - money.committed), ZERO)


def thresholds_reached(plan: PlanTerms, money: ProjectMoney) -> int:
    recognised = recognised_contribution(money)
    return sum(1 for threshold in plan.interim_thresholds if recognised >= percent_of(money.grant, threshold))


def advance_payable(plan: PlanTerms, money: ProjectMoney) -> Decimal:
    if money.advance_taken or money.interim_count or money.balance_taken:
        return ZERO
    return min(percent_of(money.grant, plan.advance_percent), headroom(money))


def interim_payable(plan: PlanTerms, money: ProjectMoney) -> Decimal:
    if money.balance_taken or money.interim_count >= thresholds_reached(plan, money):
        return ZERO
    ceiling = round_money(money.grant - retention(plan, money))
    target = min(recognised_contribution(money), ceiling)
    return min(max(round_money(target - money.committed), ZERO), headroom(money))


def balance_payable(plan: PlanTerms, money: ProjectMoney) -> Decimal:
    if money.balance_taken or not money.final_report_checked:
        return ZERO
    return min(max(round_money(recognised_contribution(money) - money.committed), ZERO), headroom(money))


def payable(kind: str, plan: PlanTerms, money: ProjectMoney) -> Decimal:
    return {
        PaymentKind.ADVANCE: advance_payable,
        PaymentKind.INTERIM: interim_payable,
        PaymentKind.BALANCE: balance_payable,
    }[PaymentKind(kind)](plan, money)


def why_not(kind: str, plan: PlanTerms, money: ProjectMoney) -> str:
    """The Italian reason a payment of ``kind`` is worth nothing now (empty when something is payable)."""
    kind = PaymentKind(kind)
    if payable(kind, plan, money) > 0:
        return ""
    if headroom(money) <= 0:
        return "Il contributo concesso è già interamente impegnato nei pagamenti."
    if kind == PaymentKind.ADVANCE:
        if money.advance_taken:
            return "L'anticipo è già stato proposto o erogato."
        if money.interim_count or money.balance_taken:
            return "L'anticipo non è più possibile dopo un pagamento intermedio o il saldo."
        return "Il piano dei pagamenti del bando non prevede un anticipo."
    if kind == PaymentKind.INTERIM:
        if money.balance_taken:
            return "Il saldo è già stato proposto o erogato."
        if money.interim_count >= thresholds_reached(plan, money):
            return (
                "La spesa ammessa non ha ancora raggiunto la soglia del prossimo stato di avanzamento (SAL)."
            )
        return "La spesa ammessa è già coperta dai pagamenti impegnati (entro la quota trattenuta)."
    if money.balance_taken:
        return "Il saldo è già stato proposto o erogato."
    if not money.final_report_checked:
        return "Il saldo richiede la rendicontazione finale controllata."
    return "La spesa ammessa è già coperta dai pagamenti impegnati."


def check_payment(kind: str, amount: Decimal, plan: PlanTerms, money: ProjectMoney) -> Decimal:
    """The amount rounded to the cent if the ceilings allow it; otherwise CeilingError with the reason."""
    if isinstance(amount, float):
        raise CeilingError("Gli importi non possono essere numeri in virgola mobile.")
    amount = round_money(amount)
    allowed = payable(kind, plan, money)
    if allowed <= 0:
        raise CeilingError(why_not(kind, plan, money), code="nothing_payable")
    if amount <= 0:
        raise CeilingError("L'importo deve essere maggiore di zero.", code="not_positive")
    if amount > allowed:
        raise CeilingError(f"L'importo supera il massimo pagabile ora ({allowed} €).", code="above_ceiling")
    return amount

"""Reads of the finance context: where a project's money stands, claim totals, the budget report, arrears."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from grants.applications.budget import CategoryRule
from grants.core.money import ZERO, round_money
from grants.core.timeutils import in_rome, now
from grants.programme.permissions import scope_to_staff_calls
from grants.projects.models import Project
from grants.projects.permissions import beneficiary_projects
from grants.projects.selectors import can_receive_payments

from . import ceilings, costs
from .models import ExpenseClaim, ExpenseItem, LoanInstalment, Payment, Recovery, plan_for
from .permissions import (
    can_approve_payment,
    can_be_controller,
    can_propose_payment,
    can_view_all_finance,
    controller_claims_q,
    is_beneficiary_member,
    scope_to_controller_projects,
    visible_claims,
)
from .states import (
    CERTIFIED_CLAIM_STATUSES,
    COMMITTED_PAYMENT_STATUSES,
    OPEN_RECOVERY_STATUSES,
    ClaimStatus,
    PaymentKind,
    PaymentStatus,
)


def today():
    return in_rome(now()).date()


def category_rules(project: Project) -> list[CategoryRule]:
    return [
        CategoryRule(
            code=category.code,
            title=category.title,
            cost_option=category.cost_option,
            flat_rate_percent=category.flat_rate_percent,
            flat_rate_base=tuple(category.flat_rate_base or ()),
            unit_rate=category.unit_rate,
            unit_label=category.unit_label,
        )
        for category in project.call.cost_categories.all()
    ]


def claim_lines(claims) -> list[costs.ClaimLine]:
    items = ExpenseItem.objects.filter(claim__in=claims).select_related("category")
    return [
        costs.ClaimLine(item.partner_id, item.category.code, item.amount_claimed, item.admitted_amount)
        for item in items
    ]


def claim_totals(claim: ExpenseClaim) -> dict[tuple, costs.Totals]:
    """{(partner id, category code): Totals} of one claim, flat rates computed from their base."""
    return costs.claim_totals(category_rules(claim.project), claim_lines([claim]))


def admitted_expenditure(project: Project) -> Decimal:
    """What the controllers admitted on the project's checked claims (flat rates included)."""
    claims = project.expense_claims.filter(status__in=CERTIFIED_CLAIM_STATUSES)
    return costs.grand_total(costs.claim_totals(category_rules(project), claim_lines(claims))).admitted


def open_recoveries(project: Project) -> QuerySet[Recovery]:
    return project.recoveries.filter(status__in=OPEN_RECOVERY_STATUSES)


def paid_total(project: Project) -> Decimal:
    return round_money(
        project.payments.filter(status=PaymentStatus.PAID).aggregate(total=Sum("amount"))["total"] or ZERO
    )


def project_money(project: Project, *, excluding: Payment | None = None) -> ceilings.ProjectMoney:
    committed = project.payments.filter(status__in=COMMITTED_PAYMENT_STATUSES)
    if excluding is not None:
        committed = committed.exclude(pk=excluding.pk)
    kinds = list(committed.values_list("kind", flat=True))
    return ceilings.ProjectMoney(
        grant=project.grant,
        eligible_cost=project.total_eligible_cost,
        admitted=admitted_expenditure(project),
        committed=round_money(committed.aggregate(total=Sum("amount"))["total"] or ZERO),
        advance_taken=PaymentKind.ADVANCE in kinds,
        interim_count=kinds.count(PaymentKind.INTERIM),
        balance_taken=PaymentKind.BALANCE in kinds,
        final_report_checked=project.expense_claims.filter(
            is_final=True, status__in=CERTIFIED_CLAIM_STATUSES
        ).exists(),
    )


def payment_blocker(project: Project) -> str:
    """Why nothing may be paid to the project now (Italian), or an empty string."""
    allowed, reason = can_receive_payments(project)
    if not allowed:
        return reason
    if open_recoveries(project).exists():
        return _("Il progetto ha un recupero aperto: nessun pagamento finché non è recuperato.")
    return ""


@dataclass(frozen=True)
class PayableRow:
    kind: str
    label: str
    amount: Decimal
    reason: str


def payable_now(project: Project) -> list[PayableRow]:
    """What each kind of payment could be worth now, and why not when nothing (for the officer's page)."""
    blocker = payment_blocker(project)
    plan = plan_for(project.call).terms
    money = project_money(project)
    rows = []
    for kind in PaymentKind:
        amount = ZERO if blocker else ceilings.payable(kind, plan, money)
        reason = blocker or ceilings.why_not(kind, plan, money)
        rows.append(PayableRow(kind.value, str(kind.label), amount, str(reason)))
    return rows


# --- lists ----------------------------------------------------------------------------------------------
def finance_projects(user) -> QuerySet[Project]:
    """For finance staff every project of the calls they work on; for a controller the projects they are
    assigned to; and the projects of the user's organisations (a claim assigned one by one is in the
    controller's list, ``assigned_claims``)."""
    projects = beneficiary_projects(user)
    if can_view_all_finance(user):
        projects = projects | scope_to_staff_calls(user, Project.objects.all())
    if can_be_controller(user):
        projects = projects | scope_to_controller_projects(user, Project.objects.all(), "pk")
    return projects.distinct().select_related("call", "beneficiary").order_by("title", "pk")


def assigned_claims(user) -> QuerySet[ExpenseClaim]:
    """The controller's list: the sent claims of the projects they are assigned to and the claims assigned
    to them one by one (``permissions.visible_claims``)."""
    return (
        visible_claims(user)
        .exclude(status=ClaimStatus.DRAFT)
        .select_related("project", "project__beneficiary", "controller")
        .order_by("status", "submitted_at", "pk")
    )


def project_claims(user, project: Project) -> QuerySet[ExpenseClaim]:
    """A project's claims as the user meets them: all for its beneficiary and finance staff, the sent ones
    (and those assigned to them) for a controller."""
    claims = project.expense_claims.all()
    if is_beneficiary_member(user, project) or can_view_all_finance(user, project.call_id):
        return claims
    return claims.filter(controller_claims_q(user))


def project_controllers(project: Project):
    """Who controls the project, by name."""
    return project.assigned_controllers.select_related("user", "assigned_by").order_by(
        "user__last_name", "user__first_name", "user__email"
    )


def assignable_controllers():
    """Who may be assigned as controller: active staff holding ``finance.check_claim`` (by role or one by
    one), by name."""
    perm = Q(user_permissions__codename="check_claim", user_permissions__content_type__app_label="finance")
    group = Q(
        groups__permissions__codename="check_claim",
        groups__permissions__content_type__app_label="finance",
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(perm | group | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


# --- loans ----------------------------------------------------------------------------------------------
def instalments_in_arrears(loan, *, on=None) -> QuerySet[LoanInstalment]:
    """Instalments past their due date and not fully repaid."""
    on = on or today()
    return loan.instalments.filter(due_date__lt=on, paid_amount__lt=F("amount"))


# --- the budget report --------------------------------------------------------------------------------------
@dataclass
class ReportRow:
    partner: str
    category: str
    budget: Decimal = ZERO
    claimed: Decimal = ZERO
    admitted: Decimal = ZERO


@dataclass
class ProjectReport:
    project: Project
    rows: list[ReportRow]
    paid: Decimal
    committed: Decimal

    @property
    def totals(self) -> ReportRow:
        return ReportRow(
            partner=_("Totale"),
            category="",
            budget=round_money(sum((r.budget for r in self.rows), ZERO)),
            claimed=round_money(sum((r.claimed for r in self.rows), ZERO)),
            admitted=round_money(sum((r.admitted for r in self.rows), ZERO)),
        )


def project_report(project: Project) -> ProjectReport:
    """Budget vs claimed vs admitted by partner and category (paid is per project: payments are not split)."""
    partners = {p.pk: p.name for p in project.partners.all()}
    categories = {c.code: c.title for c in project.call.cost_categories.all()}
    category_codes = {c.pk: c.code for c in project.call.cost_categories.all()}
    table: dict[tuple, ReportRow] = defaultdict(lambda: ReportRow("", ""))
    for line in project.budget_lines.all():
        key = (line.partner_id, category_codes.get(line.category_id, ""))
        table[key].budget = round_money(table[key].budget + line.approved_amount)
    sent = project.expense_claims.exclude(status=ClaimStatus.DRAFT)
    for (partner_id, code), totals in costs.claim_totals(category_rules(project), claim_lines(sent)).items():
        table[(partner_id, code)].claimed = totals.claimed
    certified = project.expense_claims.filter(status__in=CERTIFIED_CLAIM_STATUSES)
    for (partner_id, code), totals in costs.claim_totals(
        category_rules(project), claim_lines(certified)
    ).items():
        table[(partner_id, code)].admitted = totals.admitted
    rows = []
    for (partner_id, code), row in sorted(table.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        row.partner = partners.get(partner_id, _("Intero progetto"))
        row.category = categories.get(code, code)
        rows.append(row)
    committed = project.payments.filter(status__in=COMMITTED_PAYMENT_STATUSES).aggregate(t=Sum("amount"))["t"]
    return ProjectReport(project, rows, paid_total(project), round_money(committed or ZERO))


def exportable_payments(user, call_id: int | None = None, *, approved_only: bool = True) -> QuerySet[Payment]:
    """The (approved) payments of the calls the user works on as proposer or approver, for the SEPA file;
    none for whoever may neither propose nor approve payments."""
    if not (can_approve_payment(user) or can_propose_payment(user)):
        return Payment.objects.none()
    payments = scope_to_staff_calls(user, Payment.objects.all(), "project__call")
    if approved_only:
        payments = payments.filter(status=PaymentStatus.APPROVED)
    if call_id:
        payments = payments.filter(project__call_id=call_id)
    return payments.select_related("project", "project__call", "project__beneficiary").order_by(
        "project__call__title", "project__title", "pk"
    )

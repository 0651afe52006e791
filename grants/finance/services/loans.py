"""Loans and their repayments."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.money import ZERO, round_money
from grants.projects.models import Project

from .. import permissions
from ..amortisation import LoanTerms, LoanTermsError, schedule
from ..models import Loan, LoanInstalment, LoanRepayment
from .common import FinanceError, WrongState, _money, _require, _save, _today


# --- loans --------------------------------------------------------------------------------------------------
def record_loan(
    *,
    actor,
    project: Project,
    principal,
    annual_rate_percent,
    term_months: int,
    pre_amortisation_months: int,
    frequency_months: int,
    first_due_date: date,
) -> Loan:
    """Record the subsidised loan and store its French amortisation schedule."""
    _require(permissions.can_manage_loans(actor, project.call_id))
    if Loan.objects.filter(project=project).exists():
        raise WrongState(_("Il progetto ha già un finanziamento."), code="duplicate")
    terms = LoanTerms(
        principal=_money(principal, "principal"),
        annual_rate_percent=_money(annual_rate_percent, "annual_rate_percent")
        if isinstance(annual_rate_percent, float)
        else Decimal(str(annual_rate_percent)),
        term_months=int(term_months),
        pre_amortisation_months=int(pre_amortisation_months),
        frequency_months=int(frequency_months),
    )
    try:
        rows = schedule(terms, first_due=first_due_date)
    except LoanTermsError as error:
        raise FinanceError(error.message, field=error.field) from error
    with transaction.atomic():
        loan = _save(
            Loan(
                project=project,
                principal=terms.principal,
                annual_rate_percent=terms.annual_rate_percent,
                term_months=terms.term_months,
                pre_amortisation_months=terms.pre_amortisation_months,
                frequency_months=terms.frequency_months,
                first_due_date=first_due_date,
                created_by=actor,
            ),
            actor=actor,
            reason="Finanziamento registrato",
            action="loan.recorded",
        )
        LoanInstalment.objects.bulk_create(
            LoanInstalment(
                loan=loan,
                number=row.number,
                due_date=row.due_date,
                is_pre_amortisation=row.is_pre_amortisation,
                principal=row.principal,
                interest=row.interest,
                amount=row.amount,
                outstanding_after=row.outstanding_after,
            )
            for row in rows
        )
    return loan


def record_repayment(*, actor, loan: Loan, paid_on: date, amount, reference: str = "") -> LoanRepayment:
    """Record a repayment and allocate it to the oldest instalments not yet repaid."""
    _require(permissions.can_manage_loans(actor, loan.project.call_id))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise FinanceError(_("L'importo deve essere maggiore di zero."), field="amount", code="not_positive")
    if paid_on > _today():
        raise FinanceError(_("La data del rimborso non può essere futura."), field="paid_on", code="future")
    with transaction.atomic():
        instalments = list(loan.instalments.select_for_update().order_by("number"))
        remaining = round_money(sum((i.remaining for i in instalments), ZERO))
        if amount > remaining:
            raise FinanceError(
                _("Il rimborso supera il debito residuo (%(remaining)s €).") % {"remaining": remaining},
                field="amount",
                code="above_debt",
            )
        repayment = _save(
            LoanRepayment(
                loan=loan, paid_on=paid_on, amount=amount, reference=reference.strip(), recorded_by=actor
            ),
            actor=actor,
            reason="Rimborso registrato",
            action="loan.repaid",
        )
        left = amount
        for instalment in instalments:
            if left <= 0:
                break
            share = min(instalment.remaining, left)
            if share > 0:
                instalment.paid_amount = round_money(instalment.paid_amount + share)
                instalment.save(update_fields=["paid_amount", "updated_at"])
                left = round_money(left - share)
    return repayment

"""Loans and their repayments."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grants.core.money import ZERO, format_eur, round_money
from grants.programme.models import StateAidRegime
from grants.projects.de_minimis import company_shares
from grants.projects.models import Project
from grants.registry.models import Organisation
from grants.registry.selectors import de_minimis_position
from grants.registry.services import record_de_minimis_concession

from .. import permissions
from ..amortisation import LoanTerms, LoanTermsError, schedule
from ..gge import Collateral, GgeError, RatingCategory, loan_gge
from ..models import Loan, LoanInstalment, LoanRepayment
from ..rna import services as rna_services
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
    rating_category: str = RatingCategory.SATISFACTORY,
    collateral_level: str = Collateral.NORMAL,
) -> Loan:
    """Record the subsidised loan and store its French amortisation schedule and its gross grant equivalent
    (grants.finance.gge: the rating category and the collateral give the reference rate's margin).

    On a de minimis call the GGE, not the nominal loan, counts against the ceiling: each company of the
    partnership must have headroom for its share of it (the partners' shares of the application), else
    nothing is stored and the refusal names the partner and its headroom. The shares are then recorded in
    the de minimis register, and the project's RNA record takes the GGE as its aid element."""
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
        aid = loan_gge(terms, granted_on=_today(), rating=rating_category, collateral=collateral_level)
    except LoanTermsError as error:
        raise FinanceError(error.message, field=error.field) from error
    except GgeError as error:
        raise FinanceError(error.message, field=error.field, code="gge") from error
    with transaction.atomic():
        shares = _check_de_minimis(project, aid.gge)
        loan = _save(
            Loan(
                project=project,
                principal=terms.principal,
                annual_rate_percent=terms.annual_rate_percent,
                term_months=terms.term_months,
                pre_amortisation_months=terms.pre_amortisation_months,
                frequency_months=terms.frequency_months,
                first_due_date=first_due_date,
                rating_category=rating_category,
                collateral_level=collateral_level,
                base_rate_percent=aid.base_rate.rate_percent,
                reference_rate_percent=aid.reference_rate_percent,
                gross_grant_equivalent=aid.gge,
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
        _record_de_minimis(actor=actor, loan=loan, shares=shares)
        rna_services.loan_changed(actor=actor, project=project)
    return loan


# --- the loan's GGE and the de minimis ceiling of every company of the partnership ----------------------
def gge_shares(project: Project, gge: Decimal) -> list[tuple[Organisation, Decimal]]:
    """Each company's part of the GGE, by its share of the partnership, to the cent (the parts of every
    member add up to the GGE; grants.projects.de_minimis.company_shares, the same split as the grant's)."""
    return [(organisation, part) for organisation, part, _lead in company_shares(project, gge)]


def _check_de_minimis(project: Project, gge: Decimal) -> list[tuple[Organisation, Decimal]]:
    if project.call.state_aid_regime != StateAidRegime.DE_MINIMIS or gge <= 0:
        return []
    shares = gge_shares(project, gge)
    day = _today()
    for organisation, part in shares:
        position = de_minimis_position(organisation, at=day)
        if part > position.headroom:
            message = _(
                "L'equivalente sovvenzione lordo del finanziamento (%(gge)s) supera il massimale de minimis "
                "di %(partner)s: la sua quota è %(part)s, disponibili %(headroom)s. Nulla è stato registrato."
            ) % {
                "gge": format_eur(gge),
                "partner": organisation.name,
                "part": format_eur(part),
                "headroom": format_eur(position.headroom),
            }
            raise FinanceError(message, field="principal", code="de_minimis_ceiling")
    return shares


def _record_de_minimis(*, actor, loan: Loan, shares) -> None:
    project = loan.project
    for organisation, part in shares:
        if part <= 0:
            continue
        try:
            record_de_minimis_concession(
                actor=actor,
                organisation=organisation,
                amount=part,
                granted_on=_today(),
                granting_body=project.call.measure.programme.region.name,
                legal_basis=project.call.legal_reference or str(project.call),
                source_reference=f"loan:{loan.pk}:{organisation.pk}",
            )
        except ValidationError as error:
            raise FinanceError(
                " ".join(error.messages), field="principal", code="de_minimis_ceiling"
            ) from error


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

"""A loan on a de minimis call: each company records its share of the GGE, to the cent, and the accepted
grant recorded nothing for the loan (no double count)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.core.timeutils import in_rome, now
from grants.core.vocabulary import LegalForm
from grants.finance import services
from grants.programme.models import AidInstrument, StateAidRegime
from grants.projects.states import PartnerRole
from grants.projects.tests.factories import ProjectFactory, project_call
from grants.registry.models import DeMinimisAid
from grants.registry.tests.factories import OrganisationFactory

from .factories import officer as finance_officer

pytestmark = pytest.mark.django_db


def test_the_gge_is_shared_among_the_companies_and_the_grant_records_nothing_for_the_loan():
    staff = finance_officer()
    call = project_call(state_aid_regime=StateAidRegime.DE_MINIMIS, aid_instrument=AidInstrument.LOAN)
    project = ProjectFactory(call=call)
    company = OrganisationFactory(legal_form=LegalForm.COMPANY, name="Impresa Sigma")
    project.partners.filter(role=PartnerRole.PARTNER).update(organisation=company)
    assert not DeMinimisAid.objects.exists()  # accepted: the loan's nominal amount is not aid
    loan = services.record_loan(
        actor=staff,
        project=project,
        principal="71200",
        annual_rate_percent="0",
        term_months=60,
        pre_amortisation_months=0,
        frequency_months=6,
        first_due_date=in_rome(now()).date() + timedelta(days=180),
    )
    aids = {aid.organisation_id: aid.amount for aid in DeMinimisAid.objects.all()}
    assert set(aids) == {project.beneficiary_id, company.pk}
    assert sum(aids.values()) == loan.gross_grant_equivalent > 0
    assert abs(aids[company.pk] - loan.gross_grant_equivalent / 4) < Decimal("0.01")

"""On acceptance each company of the partnership gets its share of a de minimis grant in the register; a
revocation takes back from each in proportion; a loan is left to the loan's GGE (no double count)."""

from decimal import Decimal

import pytest

from grants.core.vocabulary import LegalForm
from grants.programme.models import AidInstrument, StateAidRegime
from grants.projects import services
from grants.projects.models import Project
from grants.projects.services import ProjectError
from grants.projects.states import PartnerRole, ProjectStatus
from grants.registry.models import DeMinimisAid
from grants.registry.tests.factories import DeMinimisAidFactory, OrganisationFactory

from .factories import ProjectFactory, project_call, project_officer, signed_pdf

pytestmark = pytest.mark.django_db


def _with_company_partner(**call_options):
    officer = project_officer()
    call = project_call(state_aid_regime=StateAidRegime.DE_MINIMIS, **call_options)
    project = ProjectFactory(call=call, officer=officer, status=ProjectStatus.TO_ACCEPT)
    company = OrganisationFactory(legal_form=LegalForm.SOCIAL_COOPERATIVE, name="Coop Omega")
    project.partners.filter(role=PartnerRole.PARTNER).update(organisation=company, name=company.name)
    return project, company, officer


def _accept(project: Project) -> Project:
    services.upload_signed_agreement(
        actor=project.application.created_by, project=project, uploaded_file=signed_pdf()
    )
    return Project.objects.get(pk=project.pk)


def test_each_company_gets_its_share_once_and_a_revocation_takes_back_from_each():
    project, company, officer = _with_company_partner()
    project = _accept(project)  # 71,200 €: the lead 75%, the cooperative 25%
    lead_aid = DeMinimisAid.objects.get(pk=project.de_minimis_aid_id)
    partner_aid = DeMinimisAid.objects.get(organisation=company)
    assert lead_aid.amount == Decimal("53400.00") and partner_aid.amount == Decimal("17800.00")
    assert partner_aid.source_reference == f"project:{project.pk}:{company.pk}"
    services.revoke(actor=officer, project=project, new_grant=Decimal("51200.00"), reason="Spese non ammesse")
    lead_aid.refresh_from_db()
    partner_aid.refresh_from_db()
    assert lead_aid.revoked_amount == Decimal("15000.00") and partner_aid.revoked_amount == Decimal("5000.00")
    assert DeMinimisAid.objects.count() == 2


def test_the_cor_of_the_rna_reaches_the_lead_concession_in_the_register(django_capture_on_commit_callbacks):
    """So that importing the RNA visura does not count the platform's own grant twice."""
    from datetime import date

    project, _company, officer = _with_company_partner()
    project = _accept(project)
    services.record_rna_cor(actor=officer, project=project, cor="7654321", registered_on=date(2026, 2, 1))
    assert DeMinimisAid.objects.get(pk=project.de_minimis_aid_id).rna_cor == "7654321"


def test_a_partner_without_headroom_stops_the_acceptance_and_nothing_is_recorded():
    project, company, _officer = _with_company_partner()
    DeMinimisAidFactory(organisation=company, amount=Decimal("290000.00"))
    with pytest.raises(ProjectError) as caught:
        _accept(project)
    assert "Coop Omega" in caught.value.message and caught.value.code == "de_minimis_ceiling"
    assert DeMinimisAid.objects.filter(source="platform").count() == 0


def test_a_loan_call_records_nothing_on_acceptance_the_loan_records_its_gge():
    project, _company, _officer = _with_company_partner(aid_instrument=AidInstrument.LOAN)
    project = _accept(project)
    assert project.de_minimis_aid_id is None
    assert not DeMinimisAid.objects.filter(source="platform").exists()

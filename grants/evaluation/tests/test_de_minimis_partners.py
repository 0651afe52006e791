"""The officer's admissibility page of a de minimis call shows each company's headroom and share."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.applications import services as application_services
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.vocabulary import LegalForm
from grants.programme.models import StateAidRegime
from grants.registry.tests.factories import DeMinimisAidFactory, OrganisationFactory

from .factories import officer

pytestmark = pytest.mark.django_db


def test_the_admissibility_page_shows_the_table_of_the_partnership(client):
    user, company = member_of(legal_form=LegalForm.COMPANY)
    call = open_call(
        state_aid_regime=StateAidRegime.DE_MINIMIS,
        lead_legal_forms=[LegalForm.COMPANY.value],
        partner_legal_forms=[LegalForm.COMPANY.value],
        requires_partner_confirmation=False,
    )
    partner = OrganisationFactory(legal_form=LegalForm.COMPANY, name="Delta spa")
    DeMinimisAidFactory(organisation=partner, amount=Decimal("12345.00"))
    application = ready_application(call=call, user=user, organisation=company, amount=Decimal("100000.00"))
    application_services.set_partners(
        actor=user,
        application=application,
        partners=[application_services.PartnerInput(organisation=partner, share_percent=Decimal(25))],
    )
    application_services.submit(
        actor=user, application=application, idempotency_key="k", declarations_accepted=True
    )
    client.force_login(officer())
    page = client.get(reverse("evaluation:admissibility", args=[call.code, application.pk])).content.decode()
    assert 'data-testid="de-minimis-partners"' in page
    assert "Delta spa" in page and "287.655,00 €" in page and "25.000,00 €" in page

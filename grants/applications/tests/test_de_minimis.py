"""De minimis calls: the applicant's register (with linked companies) refuses, live and at submission, a
grant beyond the headroom; the open calls say why an organisation with no headroom may not apply."""

from decimal import Decimal

import pytest

from grants.applications import selectors, services
from grants.core.vocabulary import LegalForm
from grants.programme.models import StateAidRegime
from grants.registry import services as registry_services
from grants.registry.tests.factories import DeMinimisAidFactory, OrganisationFactory

from .factories import member_of, open_call, ready_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    user, company = member_of(legal_form=LegalForm.COMPANY)
    call = open_call(state_aid_regime=StateAidRegime.DE_MINIMIS, lead_legal_forms=[LegalForm.COMPANY.value])
    return user, company, call


def test_a_grant_past_the_headroom_of_the_single_undertaking_is_refused_at_submission(setting):
    user, company, call = setting
    sister = OrganisationFactory(legal_form=LegalForm.COMPANY)
    registry_services.link_undertaking(
        actor=user, organisation=company, fiscal_code=sister.fiscal_code, relationship="controls"
    )
    DeMinimisAidFactory(organisation=sister, amount=Decimal("260000.00"))
    application = ready_application(call=call, user=user, organisation=company)  # 50,000 € requested
    violation = next(v for v in selectors.check_application(application) if v.code == "de_minimis_ceiling")
    assert violation.field == "requested_grant"
    assert "40.000,00 €" in violation.message and "260.000,00 €" in violation.message
    with pytest.raises(services.SubmissionRefused) as caught:
        services.submit(actor=user, application=application, idempotency_key="k", declarations_accepted=True)
    assert "de_minimis_ceiling" in {e["code"] for e in caught.value.errors}


def test_within_the_headroom_the_application_is_submitted(setting):
    user, company, call = setting
    DeMinimisAidFactory(organisation=company, amount=Decimal("250000.00"))
    application = ready_application(call=call, user=user, organisation=company)
    result = services.submit(
        actor=user, application=application, idempotency_key="k", declarations_accepted=True
    )
    assert result.protocol


def test_open_calls_say_when_the_de_minimis_headroom_is_exhausted(setting):
    _user, company, call = setting
    assert selectors.applicant_eligibility(call, company) == []
    DeMinimisAidFactory(organisation=company, amount=Decimal("300000.00"))
    reasons = selectors.applicant_eligibility(call, company)
    assert len(reasons) == 1 and "de minimis" in reasons[0] and "0,00 €" in reasons[0]


def test_the_draft_page_shows_the_refusal_next_to_the_requested_grant_and_the_api_names_it(setting, client):
    user, company, call = setting
    DeMinimisAidFactory(organisation=company, amount=Decimal("280000.00"))
    application = ready_application(call=call, user=user, organisation=company)
    client.force_login(user)
    page = client.get(f"/domande/{application.pk}/").content.decode()
    assert 'data-testid="requested-grant-error"' in page and "20.000,00 €" in page
    checks = client.get(f"/api/v1/applications/{application.pk}/checks").json()
    assert {"code": "de_minimis_ceiling", "field": "requested_grant"}.items() <= next(
        v for v in checks["violations"] if v["code"] == "de_minimis_ceiling"
    ).items()

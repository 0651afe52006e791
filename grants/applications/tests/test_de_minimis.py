"""De minimis calls: the applicant's register (with linked companies) refuses, live and at submission, a
grant beyond the headroom; the open calls say why an organisation with no headroom may not apply."""

from decimal import Decimal

import pytest

from grants.applications import selectors, services
from grants.applications.de_minimis import partnership_table
from grants.core.vocabulary import LegalForm
from grants.programme.models import StateAidRegime
from grants.registry import services as registry_services
from grants.registry.tests.factories import DeMinimisAidFactory, OrganisationFactory

from .factories import member_of, open_call, ready_application

pytestmark = pytest.mark.django_db


def sister_member(organisation):
    user, _org = member_of(organisation)
    return user


@pytest.fixture
def setting():
    user, company = member_of(legal_form=LegalForm.COMPANY)
    call = open_call(
        state_aid_regime=StateAidRegime.DE_MINIMIS,
        lead_legal_forms=[LegalForm.COMPANY.value],
        partner_legal_forms=[LegalForm.COMPANY.value, LegalForm.SOCIAL_COOPERATIVE.value, "public_body"],
        requires_partner_confirmation=False,
    )
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
    page = client.get(f"/domande/{application.pk}/?sezione=piano-finanziario").content.decode()
    assert 'data-testid="requested-grant-error"' in page and "20.000,00 €" in page
    checks = client.get(f"/api/v1/applications/{application.pk}/checks").json()
    assert {"code": "de_minimis_ceiling", "field": "requested_grant"}.items() <= next(
        v for v in checks["violations"] if v["code"] == "de_minimis_ceiling"
    ).items()


# --- every company of the partnership ---------------------------------------------------------------------
def _partnership(user, company, call, partners, *, lead_share=None, amount=Decimal("100000.00")):
    application = ready_application(call=call, user=user, organisation=company, amount=amount)
    services.set_partners(
        actor=user,
        application=application,
        partners=[services.PartnerInput(organisation=o, share_percent=Decimal(s)) for o, s in partners],
        lead_share_percent=lead_share,
    )
    application.refresh_from_db()
    return application


def test_a_partner_company_past_its_headroom_is_named_with_its_share_and_headroom(setting):
    user, company, call = setting
    partner = OrganisationFactory(legal_form=LegalForm.COMPANY, name="Beta Servizi srl")
    DeMinimisAidFactory(organisation=partner, amount=Decimal("280000.00"))
    application = _partnership(user, company, call, [(partner, "30")])  # 100,000 €: 70,000 + 30,000
    found = [v for v in selectors.check_application(application) if v.code == "de_minimis_ceiling"]
    assert len(found) == 1
    message = found[0].message
    assert "Beta Servizi srl" in message and "30.000,00 €" in message and "20.000,00 €" in message
    assert "280.000,00 €" in message and "30%" in message
    with pytest.raises(services.SubmissionRefused) as caught:
        services.submit(actor=user, application=application, idempotency_key="k", declarations_accepted=True)
    assert any("Beta Servizi srl" in e["message"] for e in caught.value.errors)


def test_the_lead_is_checked_on_its_own_share_only(setting):
    user, company, call = setting
    partner = OrganisationFactory(legal_form=LegalForm.COMPANY)
    DeMinimisAidFactory(organisation=company, amount=Decimal("240000.00"))  # 60,000 left
    application = _partnership(user, company, call, [(partner, "50")])  # lead's share 50,000
    assert not [v for v in selectors.check_application(application) if v.code == "de_minimis_ceiling"]


def test_a_public_partner_is_not_an_undertaking_and_companies_of_one_undertaking_share_the_headroom(setting):
    user, company, call = setting
    municipality = OrganisationFactory(legal_form=LegalForm.PUBLIC_BODY)
    sister = OrganisationFactory(legal_form=LegalForm.SOCIAL_COOPERATIVE, name="Coop Gamma")
    registry_services.link_undertaking(
        actor=user, organisation=company, fiscal_code=sister.fiscal_code, relationship="controls"
    )
    registry_services.answer_undertaking_link(
        actor=sister_member(sister), link=company.undertaking_links.get(), confirm=True
    )
    DeMinimisAidFactory(organisation=company, amount=Decimal("230000.00"))  # the undertaking has 70,000
    application = _partnership(user, company, call, [(municipality, "20"), (sister, "40")], lead_share="40")
    found = [v for v in selectors.check_application(application) if v.code == "de_minimis_ceiling"]
    # lead 40,000 fits in 70,000; the sister's 40,000 finds 30,000 left: refused, naming the lead's share
    assert len(found) == 1 and "Coop Gamma" in found[0].message and "30.000,00 €" in found[0].message
    rows = {row.name: row for row in partnership_table(application)}
    assert rows[municipality.name].headroom is None and rows[municipality.name].share == Decimal("20000.00")
    assert sum(row.share for row in rows.values()) == application.requested_grant


def test_the_applicant_page_shows_the_table_of_the_partnership(setting, client):
    user, company, call = setting
    partner = OrganisationFactory(legal_form=LegalForm.COMPANY, name="Delta spa")
    DeMinimisAidFactory(organisation=partner, amount=Decimal("12345.00"))
    application = _partnership(user, company, call, [(partner, "25")])
    client.force_login(user)
    page = client.get(f"/domande/{application.pk}/?sezione=piano-finanziario").content.decode()
    assert 'data-testid="de-minimis-partners"' in page
    assert "Delta spa" in page and "12.345,00 €" in page and "287.655,00 €" in page and "25.000,00 €" in page


def test_the_officer_page_links_the_applicants_register_for_staff_who_may_open_it(setting, client):
    """The officer reaches the applicant's de minimis register (where the RNA visura is imported) from the
    submitted application; an officer who may not open the register is not shown a link to a 404 (#17)."""
    from django.urls import reverse

    from grants.registry.tests.factories import staff_user

    user, company, call = setting
    application = ready_application(call=call, user=user, organisation=company)
    services.submit(actor=user, application=application, idempotency_key="k", declarations_accepted=True)
    url = reverse("applications:officer_application_detail", args=[call.code, application.pk])
    register = reverse("registry:de_minimis", args=[company.pk])
    client.force_login(
        staff_user("applications.view_application", "registry.view_organisation", calls=[call])
    )
    page = client.get(url).content.decode()
    assert f'href="{register}"' in page and 'data-testid="de-minimis-position"' in page
    assert client.get(register).status_code == 200
    client.force_login(staff_user("applications.view_application", calls=[call]))
    assert f'href="{register}"' not in client.get(url).content.decode()

"""Stamp duty (marca da bollo): 14 digits and an issue date, never on two applications (database and service),
or an exemption with its legal basis; required at submission when the call asks for it."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from grants.applications import selectors, services
from grants.applications.models import Application
from grants.core.vocabulary import LegalForm

from .factories import member_of, open_call, ready_application

pytestmark = pytest.mark.django_db

NUMBER = "01234567890123"


@pytest.fixture
def call():
    return open_call(requires_stamp_duty=True)


def test_submission_is_refused_without_stamp_duty_and_accepted_with_it(call):
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    assert [v.field for v in selectors.check_application(application)] == ["stamp_duty_number"]
    with pytest.raises(services.SubmissionRefused):
        services.submit(actor=user, application=application, idempotency_key="a", declarations_accepted=True)
    services.set_stamp_duty(
        actor=user, application=application, number="0123 4567 8901 23", issued_on=date.today()
    )
    result = services.submit(
        actor=user, application=application, idempotency_key="a", declarations_accepted=True
    )
    assert result.application.submitted_data["stamp_duty"]["number"] == NUMBER


def test_a_stamp_used_by_another_applicant_is_refused_without_naming_it(call):
    owner, first = member_of(name="Cooperativa Segreta Alfa")
    taken = ready_application(call=call, user=owner, organisation=first)
    services.set_stamp_duty(actor=owner, application=taken, number=NUMBER, issued_on=date.today())
    services.submit(actor=owner, application=taken, idempotency_key="x", declarations_accepted=True)
    taken.refresh_from_db()
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    with pytest.raises(services.ApplicationError) as caught:
        services.set_stamp_duty(actor=user, application=application, number=NUMBER, issued_on=date.today())
    error = caught.value.errors[0]
    assert (error["code"], error["field"]) == ("stamp_duty_reused", "stamp_duty_number")
    assert taken.protocol in error["message"] and call.title in error["message"]
    assert "Alfa" not in error["message"] and taken.title not in error["message"]


def test_the_database_refuses_the_same_stamp_on_two_applications(call):
    user, organisation = member_of()
    one = ready_application(call=call, user=user, organisation=organisation)
    two = ready_application(call=call, user=user, organisation=organisation)
    Application.objects.filter(pk=one.pk).update(stamp_duty_number=NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=two.pk).update(stamp_duty_number=NUMBER)


def test_invalid_number_future_date_and_both_at_once_name_their_fields(call):
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    with pytest.raises(services.ApplicationError) as caught:
        services.set_stamp_duty(
            actor=user,
            application=application,
            number="12345",
            issued_on=date.today() + timedelta(days=1),
            exemption="third_sector",
        )
    assert {e["field"] for e in caught.value.errors} == {
        "stamp_duty_number",
        "stamp_duty_issued_on",
        "stamp_duty_exemption",
    }
    application.refresh_from_db()
    assert not application.has_stamp_duty


def test_third_sector_exemption_records_its_legal_basis_and_is_refused_to_a_company(call):
    user, ets = member_of(legal_form=LegalForm.THIRD_SECTOR)
    application = ready_application(call=call, user=user, organisation=ets)
    services.set_stamp_duty(actor=user, application=application, exemption="third_sector")
    application.refresh_from_db()
    assert application.stamp_duty_legal_basis == "art. 82, comma 5, D.Lgs. 117/2017"
    assert selectors.check_application(application) == []
    company_user, company = member_of(legal_form=LegalForm.COMPANY)
    other = ready_application(
        call=open_call(requires_stamp_duty=True, lead_legal_forms=["company"]),
        user=company_user,
        organisation=company,
    )
    with pytest.raises(services.ApplicationError) as caught:
        services.set_stamp_duty(actor=company_user, application=other, exemption="third_sector")
    assert caught.value.errors[0]["code"] == "stamp_duty_exemption_not_applicable"


def test_page_and_api(call, client):
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    client.force_login(user)
    page = client.post(
        f"/domande/{application.pk}/sezioni/bollo/",
        {"bollo-stamp_duty_number": "123", "bollo-stamp_duty_issued_on": ""},
    )
    body = page.content.decode()
    assert page.status_code == 200 and 'id="id_bollo-stamp_duty_number_error"' in body and "14 cifre" in body
    api = client.put(
        f"/api/v1/applications/{application.pk}/stamp-duty",
        data={"number": NUMBER, "issued_on": date.today().isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["stamp_duty"]["number"] == NUMBER
    bad = client.put(
        f"/api/v1/applications/{application.pk}/stamp-duty",
        data={"number": "abc"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"stamp_duty_number", "stamp_duty_issued_on"}

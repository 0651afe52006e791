"""The invitation of a partner not registered (#17): an e-mail to the address the lead gives, telling how to
register with SPID/CIE and confirm from «Adesioni ai partenariati»; once per partner and address, sent again
on request at most once a day; from the page (with or without htmx) and through the API."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from grants.accounts.models import TokenScope
from grants.accounts.tokens import create_token
from grants.applications import services
from grants.applications.services import PartnerInput
from grants.core.vocabulary import LegalForm
from grants.notifications import events
from grants.notifications.models import ExternalEmail, Notification

from .factories import draft, member_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.applications.tests.urls")]


def _name(application, email="segreteria@comune-prova.it", name="Comune di Prova"):
    return services.set_partners(
        actor=application.created_by,
        application=application,
        partners=[
            PartnerInput(name=name, legal_form=LegalForm.PUBLIC_BODY, share_percent=Decimal(20), email=email)
        ],
    )[1]


def _application():
    lead_user, lead = member_of(name="Fondazione Capofila ETS")
    application = draft(user=lead_user, organisation=lead)
    application.title = "Case di quartiere"
    application.save()
    return application


def test_a_partner_not_registered_is_invited_once_per_address(django_capture_on_commit_callbacks):
    application = _application()
    with django_capture_on_commit_callbacks(execute=True):
        partner = _name(application)
        _name(application)  # saved again, same address: not again
    (message,) = mail.outbox
    assert message.to == ["segreteria@comune-prova.it"]
    assert "Fondazione Capofila ETS" in message.subject
    for text in ("Case di quartiere", application.call.title, "SPID o CIE", "Adesioni ai partenariati", "20"):
        assert text in message.body
    assert "/accedi/" in message.body and "/partenariati/" in message.body
    partner.refresh_from_db()
    assert partner.invitation_sent_to == "segreteria@comune-prova.it" and partner.invitation_sent_at
    assert ExternalEmail.objects.get().email_sent_at is not None
    assert not Notification.objects.filter(event=events.PARTNER_INVITATION).exists()  # nobody to notify

    with django_capture_on_commit_callbacks(execute=True):
        _name(application, email="protocollo@pec.comune-prova.it")  # a new address: invited
    assert [m.to for m in mail.outbox] == [["segreteria@comune-prova.it"], ["protocollo@pec.comune-prova.it"]]


def test_no_address_no_invitation_and_a_wrong_address_is_refused():
    application = _application()
    _name(application, email="")
    assert not ExternalEmail.objects.exists()
    with pytest.raises(services.ApplicationError) as refused:
        _name(application, email="non-è-un-indirizzo")
    assert refused.value.errors[0]["field"] == "partners[0].email"


def test_the_invitation_is_sent_again_at_most_once_a_day(django_capture_on_commit_callbacks):
    application = _application()
    partner = _name(application)
    with pytest.raises(services.InvitationTooSoon):
        services.resend_partner_invitation(actor=application.created_by, partner=partner)
    type(partner).objects.filter(pk=partner.pk).update(
        invitation_sent_at=partner.invitation_sent_at - services.RESEND_AFTER - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_partner_invitation(actor=application.created_by, partner=partner)
    assert ExternalEmail.objects.count() == 2 and len(mail.outbox) == 1
    # Another organisation's member may not send it.
    stranger, _organisation = member_of()
    with pytest.raises(PermissionDenied):
        services.resend_partner_invitation(actor=stranger, partner=partner)


def test_the_page_shows_the_invitation_and_resends_it(client):
    application = _application()
    partner = _name(application)
    client.force_login(application.created_by)
    detail = reverse("applications:application_detail", args=[application.pk])
    page = client.get(f"{detail}?sezione=partenariato").content.decode()
    assert 'data-testid="invitation-sent"' in page and "Invito inviato il" in page
    assert "Reinvia l&#x27;invito" in page or "Reinvia l'invito" in page
    assert 'name="partners-0-email"' in page and 'value="segreteria@comune-prova.it"' in page

    resend = reverse("applications:resend_invitation", args=[application.pk, partner.pk])
    response = client.post(resend, HTTP_HX_REQUEST="true")  # too soon: said in the step, nothing sent
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="partenariato"')
    assert "L&#x27;invito è stato inviato da poco" in html or "L'invito è stato inviato da poco" in html
    assert ExternalEmail.objects.count() == 1

    type(partner).objects.filter(pk=partner.pk).update(
        invitation_sent_at=partner.invitation_sent_at - timedelta(days=2)
    )
    response = client.post(resend)  # without JavaScript: back to the step
    assert response.status_code == 302 and response["Location"].endswith("?sezione=partenariato#partenariato")
    assert ExternalEmail.objects.count() == 2
    # Another application's partner: 404.
    other = _application()
    assert (
        client.post(reverse("applications:resend_invitation", args=[other.pk, partner.pk])).status_code == 404
    )


def test_the_partner_row_of_the_page_takes_the_e_mail(client):
    application = _application()
    client.force_login(application.created_by)
    data = {
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "50",
        "lead-lead_share_percent": "",
        "partners-0-name": "Comune di Prova",
        "partners-0-legal_form": LegalForm.PUBLIC_BODY,
        "partners-0-share_percent": "20",
        "partners-0-email": "sbagliato",
    }
    url = reverse("applications:save_section", args=[application.pk, "partenariato"])
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "Indicare un indirizzo e-mail valido" in response.content.decode()
    data["partners-0-email"] = "segreteria@comune-prova.it"
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "Invito inviato il" in response.content.decode()
    assert ExternalEmail.objects.get().to == "segreteria@comune-prova.it"


def _api(user):
    issued = create_token(actor=user, name="integrazione", scope=TokenScope.WRITE)
    return Client(), {"Authorization": f"Bearer {issued.secret}"}


def test_the_api_takes_the_e_mail_and_resends_the_invitation():
    application = _application()
    client, headers = _api(application.created_by)
    body = {
        "partners": [
            {"name": "Comune di Prova", "legal_form": "public_body", "share_percent": "20", "email": "a@b.it"}
        ]
    }
    response = client.put(
        f"/api/v1/applications/{application.pk}/partners",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    (row,) = [p for p in response.json()["partners"] if p["role"] == "partner"]
    assert row["email"] == "a@b.it" and row["invitation_sent_at"]
    assert ExternalEmail.objects.get().to == "a@b.it"

    invitation = f"/api/v1/applications/{application.pk}/partners/{row['id']}/invitation"
    response = client.post(invitation, headers=headers)
    assert response.status_code == 429 and response.json()["code"] == "invitation_too_soon"
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    partner = application.partners.get(pk=row["id"])
    type(partner).objects.filter(pk=partner.pk).update(
        invitation_sent_at=partner.invitation_sent_at - timedelta(days=2)
    )
    assert client.post(invitation, headers=headers).status_code == 200
    assert ExternalEmail.objects.count() == 2
    schema = client.get("/api/v1/openapi.json").json()
    assert "invito" in schema["components"]["schemas"]["PartnerIn"]["properties"]["email"]["description"]
    operation = schema["paths"]["/api/v1/applications/{application_id}/partners/{partner_id}/invitation"]
    assert "24 ore" in operation["post"]["description"]


def test_one_person_sends_at_most_the_daily_number_of_invitations(monkeypatch):
    """The platform's mail server writes to addresses a user typed: a daily cap per person, whatever the
    applications, past which the address is kept, nothing is sent, and a resend says when it may go."""
    from grants.applications.services import invitations

    monkeypatch.setattr(invitations, "DAILY_INVITATIONS", 2)
    application = _application()
    _name(application, email="uno@esempio.it")
    _name(application, email="due@esempio.it")
    partner = _name(application, email="tre@esempio.it")  # the third address of the day: kept, not sent
    assert ExternalEmail.objects.count() == 2
    partner.refresh_from_db()
    assert partner.email == "tre@esempio.it" and partner.invitation_sent_to == "due@esempio.it"
    with pytest.raises(services.InvitationTooSoon) as refused:
        services.resend_partner_invitation(actor=application.created_by, partner=partner)
    assert "ultime 24 ore" in str(refused.value) and refused.value.retry_after > 0
    ExternalEmail.objects.update(created_at=ExternalEmail.objects.first().created_at - timedelta(days=1))
    services.resend_partner_invitation(actor=application.created_by, partner=partner)  # a day later
    assert ExternalEmail.objects.filter(to="tre@esempio.it").exists()

"""The applicant reads back the documents uploaded on its applications, draft or submitted (page and API):
the current version, as uploaded, never cached, audited; nobody outside the organisation reaches them."""

import hashlib

import pytest
from django.urls import reverse

from grants.core.models import AuditEvent
from grants.programme.tests.factories import RequiredDocumentFactory

from .factories import member_of, open_call, ready_application
from .test_officer_exports import attach, pdf, submit

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def uploaded():
    """A draft with a document replaced once: (application, the current document, its content)."""
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="relazione", title="Relazione", is_mandatory=False)
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    attach(application, required, pdf("prima versione"), "relazione.pdf")
    content = pdf("versione finale")
    document = attach(application, required, content, "relazione finale.pdf")
    return application, document, content


def _page(application, document):
    return reverse("applications:application_document", args=[application.pk, document.pk])


def _api(application, document):
    return f"{API}/applications/{application.pk}/documents/{document.pk}/file"


def test_the_applicant_downloads_the_current_version_from_the_draft_page_and_the_api(client, uploaded):
    application, document, content = uploaded
    client.force_login(application.created_by)

    detail_url = reverse("applications:application_detail", args=[application.pk])
    detail = client.get(f"{detail_url}?sezione=documenti").content.decode()
    assert f'href="{_page(application, document)}"' in detail
    response = client.get(_page(application, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert f'filename="{document.original_name}"' in response["Content-Disposition"]
    assert document.original_name == "relazione_finale.pdf"  # the name as stored, made safe at upload

    listed = client.get(f"{API}/applications/{application.pk}").json()["documents"]
    assert listed == [
        {
            "id": document.pk,
            "code": "relazione",
            "partner_id": None,
            "original_name": "relazione_finale.pdf",
            "content_type": "application/pdf",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "uploaded_at": listed[0]["uploaded_at"],
            "signature": None,  # a plain PDF: no digital signature to show
        }
    ]
    api = client.get(_api(application, document))
    assert api.status_code == 200 and b"".join(api.streaming_content) == content
    events = AuditEvent.objects.filter(action="application_document.downloaded", object_id=str(document.pk))
    assert events.count() == 2 and {e.actor_id for e in events} == {application.created_by_id}


def test_a_submitted_application_keeps_its_documents_readable_by_the_applicant(client, uploaded):
    application, document, content = uploaded
    submit(application, "k")
    client.force_login(application.created_by)

    detail = client.get(reverse("applications:application_detail", args=[application.pk])).content.decode()
    assert f'href="{_page(application, document)}"' in detail
    assert b"".join(client.get(_page(application, document)).streaming_content) == content


def test_nobody_outside_the_organisation_reaches_the_document(client, uploaded):
    application, document, _content = uploaded
    stranger, _other = member_of()
    client.force_login(stranger)
    assert client.get(_page(application, document)).status_code == 404
    assert client.get(_api(application, document)).status_code == 404
    # The stranger's own application with the other's document id: still absent.
    own = ready_application(user=stranger, organisation=_other)
    mixed = reverse("applications:application_document", args=[own.pk, document.pk])
    assert client.get(mixed).status_code == 404
    assert not AuditEvent.objects.filter(action="application_document.downloaded").exists()

    client.logout()
    assert client.get(_page(application, document)).status_code == 302  # to the sign-in page
    assert client.get(_api(application, document)).status_code == 401

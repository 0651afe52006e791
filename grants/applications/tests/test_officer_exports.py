"""Officers on a call's submitted applications: the XLSX export with the list's filters, the zip of every
document made in the background (manifest with SHA-256, only current versions of submitted applications,
failure and retry), the download of one document; permissions (pages and API) and the audit trail."""

import csv
import hashlib
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from grants.applications import bulk_download, exports, services
from grants.applications.models import Application, DocumentArchive, DocumentArchiveStatus
from grants.applications.states import ApplicationStatus
from grants.core.models import AuditEvent
from grants.core.timeutils import in_rome
from grants.core.vocabulary import LegalForm
from grants.programme.tests.factories import RequiredDocumentFactory

from .factories import UserFactory, member_of, open_call, ready_application

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.applications.tests.urls")]


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def officer():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="applications", codename="view_application")
    )
    return type(user).objects.get(pk=user.pk)


def url(name, *args):
    return reverse(f"applications:{name}", args=args)


def attach(application, required, content: bytes, name: str):
    return services.attach_document(
        actor=application.created_by,
        application=application,
        required_document=required,
        uploaded_file=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


def submit(application, key: str) -> Application:
    services.submit(
        actor=application.created_by, application=application, idempotency_key=key, declarations_accepted=True
    )
    application.refresh_from_db()
    return application


def sent(call, *, name: str, key: str, title: str = "Welfare di comunità", **organisation_kwargs):
    user, organisation = member_of(name=name, **organisation_kwargs)
    application = ready_application(call=call, user=user, organisation=organisation)
    if title != "Welfare di comunità":
        services.update_general(actor=user, application=application, title=title, abstract="Sintesi.")
    return submit(application, key)


def workbook_rows(content: bytes):
    sheet = load_workbook(io.BytesIO(content))["Domande"]
    rows = list(sheet.iter_rows())
    return [c.value for c in rows[0]], rows[1:]


# --- XLSX export ----------------------------------------------------------------------------------------
def test_the_export_holds_exactly_the_filtered_rows_with_typed_cells(client):
    call = open_call()
    orti = sent(call, name="Cooperativa Orti Sociali", key="a", title="Orti sociali")
    other = sent(call, name="Associazione Altrove", key="b", title="Doposcuola")
    elsewhere = sent(open_call(), name="Fondazione Altro Bando", key="c")
    client.force_login(officer())

    response = client.get(url("officer_application_export", call.code), {"q": "orti"})
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith(f'attachment; filename="domande-{call.code}-')
    headers, rows = workbook_rows(response.content)
    assert headers[:4] == ["Protocollo", "Inviata il (ora di Roma)", "Proponente", "Codice fiscale"]
    assert [r[0].value for r in rows] == [orti.protocol]
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Proponente"].value == "Cooperativa Orti Sociali"
    assert row["Codice fiscale"].value == orti.applicant.fiscal_code
    assert row["Forma giuridica"].value == orti.applicant.get_legal_form_display()
    assert row["Provincia del capofila"].value == orti.applicant.seat.province.name
    assert row["Stato"].value == "Inviata"
    # Money: numbers with the euro format; the time: a real date cell, in Rome's time.
    for label, amount in (
        ("Contributo richiesto", orti.requested_grant),
        ("Costo totale", orti.total_cost),
        ("Cofinanziamento", orti.cofinancing),
    ):
        assert isinstance(row[label].value, int | float) and Decimal(str(row[label].value)) == amount
        assert "€" in row[label].number_format
    assert row["Inviata il (ora di Roma)"].is_date
    assert row["Inviata il (ora di Roma)"].value == in_rome(orti.submitted_at).replace(
        tzinfo=None, microsecond=row["Inviata il (ora di Roma)"].value.microsecond
    )
    assert "Esito della prenotazione (sportello)" not in headers  # not a first-come call

    everything = client.get(url("officer_application_export", call.code))
    protocols = [r[0].value for r in workbook_rows(everything.content)[1]]
    assert protocols == [orti.protocol, other.protocol]  # arrival order; never another call's
    assert elsewhere.protocol not in protocols


def test_the_export_filters_by_status_province_and_applicant_type(client):
    call = open_call(partner_legal_forms=[], lead_legal_forms=[LegalForm.THIRD_SECTOR, LegalForm.COMPANY])
    ets = sent(call, name="Fondazione Uno ETS", key="a")
    company = sent(
        call, name="Officine Due S.r.l.", key="b", legal_form=LegalForm.COMPANY, company_size="small"
    )
    withdrawn = sent(call, name="Associazione Tre", key="c")
    services.withdraw(actor=withdrawn.created_by, application=withdrawn)
    assert ets.applicant.seat.province_id != company.applicant.seat.province_id
    client.force_login(officer())

    def protocols(**query):
        response = client.get(url("officer_application_export", call.code), query)
        return {r[0].value for r in workbook_rows(response.content)[1]}

    assert protocols() == {ets.protocol, company.protocol}  # withdrawn ones only when asked
    assert protocols(tipologia=LegalForm.COMPANY) == {company.protocol}
    assert protocols(provincia=ets.applicant.seat.province.istat_code) == {ets.protocol}
    assert protocols(stato=ApplicationStatus.WITHDRAWN) == {withdrawn.protocol}
    assert protocols(q=company.protocol) == {company.protocol}
    # The list shows the same rows for the same query string, and its button keeps it.
    page = client.get(url("officer_application_list", call.code), {"tipologia": LegalForm.COMPANY})
    html = page.content.decode()
    assert company.protocol in html and ets.protocol not in html
    export_link = url("officer_application_export", call.code) + f"?tipologia={LegalForm.COMPANY}"
    assert f'href="{export_link}"' in html and "Esporta XLSX" in html


def test_a_first_come_export_names_the_booking_outcome(client):
    call = open_call(first_come=True)
    application = sent(call, name="Cooperativa Sportello", key="a")
    client.force_login(officer())
    response = client.get(url("officer_application_export", call.code))
    headers, rows = workbook_rows(response.content)
    row = dict(zip(headers, rows[0], strict=True))
    assert row["Esito della prenotazione (sportello)"].value == application.get_booking_outcome_display()
    assert Decimal(str(row["Importo prenotato"].value)) == application.booked_amount
    assert "€" in row["Importo prenotato"].number_format


def test_every_export_is_audited_with_who_what_and_how_many(client):
    call = open_call()
    sent(call, name="Cooperativa Audit", key="a")
    staff = officer()
    client.force_login(staff)
    client.get(url("officer_application_export", call.code), {"tipologia": LegalForm.THIRD_SECTOR})
    event = AuditEvent.objects.get(action="application.list_exported")
    assert event.actor == staff
    assert event.object_id == str(call.pk)
    assert event.after == {"format": "xlsx", "rows": 1, "filters": {"tipologia": LegalForm.THIRD_SECTOR}}


# --- permissions ----------------------------------------------------------------------------------------
def test_applicants_and_staff_without_rights_are_refused_everything(client):
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="relazione", is_mandatory=False)
    user, organisation = member_of(name="Cooperativa Riservata")
    application = ready_application(call=call, user=user, organisation=organisation)
    document = attach(application, required, pdf("riservato"), "relazione.pdf")
    submit(application, "a")
    archive = DocumentArchive.objects.create(call=call, requested_by=officer())
    staff_without_rights = UserFactory(is_staff=True)
    # Evaluators and controllers see the calls, never the list of a call's applications: an evaluator opens
    # an application only through an assignment, after declaring no conflict of interest.
    evaluator = UserFactory(is_staff=True)
    evaluator.user_permissions.add(
        Permission.objects.get(content_type__app_label="programme", codename="view_call")
    )
    stranger, _other = member_of(name="Associazione Estranea")

    # The applicant itself is no officer either.
    client.force_login(user)
    assert client.get(url("officer_application_export", call.code)).status_code == 403
    assert client.get(f"/api/v1/calls/{call.code}/applications/export.xlsx").status_code == 403
    for person in (stranger, staff_without_rights, evaluator):
        client.force_login(person)
        pages = [
            client.get(url("officer_application_list", call.code)),
            client.get(url("officer_application_detail", call.code, application.pk)),
            client.get(url("officer_application_export", call.code)),
            client.get(url("officer_document_download", call.code, application.pk, document.pk)),
            client.post(url("officer_archive_start", call.code)),
            client.get(url("officer_archive_status", call.code, archive.pk)),
            client.post(url("officer_archive_retry", call.code, archive.pk)),
            client.get(url("officer_archive_download", call.code, archive.pk)),
        ]
        assert [r.status_code for r in pages] == [403] * 8
        api = [
            client.get(f"/api/v1/calls/{call.code}/applications/export.xlsx"),
            client.get(f"/api/v1/calls/{call.code}/applications/{application.pk}/documents/{document.pk}"),
            client.post(f"/api/v1/calls/{call.code}/document-archives"),
            client.get(f"/api/v1/calls/{call.code}/document-archives/{archive.pk}"),
            client.get(f"/api/v1/calls/{call.code}/document-archives/{archive.pk}/download"),
        ]
        assert [r.status_code for r in api] == [403] * 5
        assert all(r["Content-Type"] == "application/problem+json" for r in api)
        assert all("Cooperativa Riservata" not in r.content.decode(errors="replace") for r in pages + api)
    assert DocumentArchive.objects.count() == 1
    assert not AuditEvent.objects.filter(action__endswith="downloaded").exists()
    assert not AuditEvent.objects.filter(action="application.list_exported").exists()


def test_another_calls_objects_are_not_found_under_this_calls_code(client):
    call, other_call = open_call(), open_call()
    required = RequiredDocumentFactory(call=other_call, code="relazione", is_mandatory=False)
    user, organisation = member_of()
    application = ready_application(call=other_call, user=user, organisation=organisation)
    document = attach(application, required, pdf("altro bando"), "relazione.pdf")
    submit(application, "a")
    archive = DocumentArchive.objects.create(call=other_call, requested_by=officer())
    client.force_login(officer())

    document_url = url("officer_document_download", call.code, application.pk, document.pk)
    assert client.get(document_url).status_code == 404
    assert client.get(url("officer_archive_status", call.code, archive.pk)).status_code == 404
    assert client.get(url("officer_archive_download", call.code, archive.pk)).status_code == 404
    api = f"/api/v1/calls/{call.code}"
    assert client.get(f"{api}/applications/{application.pk}/documents/{document.pk}").status_code == 404
    assert client.get(f"{api}/document-archives/{archive.pk}").status_code == 404
    assert client.get("/api/v1/calls/nessun-bando/applications/export.xlsx").status_code == 404
    # A draft's documents are not the officers' to read, even under the right call.
    draft_app = ready_application(call=other_call)
    draft_document = attach(draft_app, required, pdf("bozza"), "bozza.pdf")
    response = client.get(url("officer_document_download", other_call.code, draft_app.pk, draft_document.pk))
    assert response.status_code == 404


# --- one document ---------------------------------------------------------------------------------------
def test_an_officer_downloads_one_document_from_the_detail_page_and_it_is_audited(client):
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="relazione", title="Relazione", is_mandatory=False)
    user, organisation = member_of()
    application = ready_application(call=call, user=user, organisation=organisation)
    content = pdf("la relazione")
    document = attach(application, required, content, "relazione tecnica.pdf")
    submit(application, "a")
    staff = officer()
    client.force_login(staff)

    detail = client.get(url("officer_application_detail", call.code, application.pk)).content.decode()
    link = url("officer_document_download", call.code, application.pk, document.pk)
    assert f'href="{link}"' in detail
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert "relazione" in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]
    api = client.get(f"/api/v1/calls/{call.code}/applications/{application.pk}/documents/{document.pk}")
    assert api.status_code == 200 and b"".join(api.streaming_content) == content
    events = AuditEvent.objects.filter(action="application_document.downloaded", object_id=str(document.pk))
    assert events.count() == 2
    assert {e.actor_id for e in events} == {staff.pk}
    assert events.first().after["protocol"] == application.protocol
    assert events.first().after["sha256"] == hashlib.sha256(content).hexdigest()


# --- the archive of the documents ---------------------------------------------------------------------
@pytest.fixture
def call_with_documents():
    """Two submitted applications with documents (one replaced before submission), a withdrawn one, a draft,
    and another call's submitted application: only the first two's current files belong in the zip."""
    call = open_call()
    domanda = RequiredDocumentFactory(call=call, code="domanda", title="Domanda", is_mandatory=False, order=1)
    relazione = RequiredDocumentFactory(
        call=call, code="relazione", title="Relazione", is_mandatory=False, order=2
    )
    contents = {}

    def application_of(name, key, files, *, send=True):
        user, organisation = member_of(name=name)
        application = ready_application(call=call, user=user, organisation=organisation)
        for required, filename, content in files:
            attach(application, required, content, filename)
            contents[(name, required.code)] = content
        return submit(application, key) if send else application

    first = application_of(
        "Cooperativa Àlfa", "a", [(domanda, "domanda.pdf", pdf("prima versione"))], send=False
    )
    attach(first, domanda, pdf("versione attuale alfa"), "domanda.pdf")  # replaces the first version
    contents[("Cooperativa Àlfa", "domanda")] = pdf("versione attuale alfa")
    attach(first, relazione, pdf("relazione alfa"), "relazione.pdf")
    contents[("Cooperativa Àlfa", "relazione")] = pdf("relazione alfa")
    first = submit(first, "a")
    second = application_of("Associazione Beta", "b", [(domanda, "domanda firmata.pdf", pdf("beta"))])
    withdrawn = application_of("Ente Ritirato", "c", [(domanda, "domanda.pdf", pdf("ritirata"))])
    services.withdraw(actor=withdrawn.created_by, application=withdrawn)
    application_of("Ente Bozza", "d", [(domanda, "domanda.pdf", pdf("bozza"))], send=False)
    other_call = open_call()
    other_required = RequiredDocumentFactory(call=other_call, code="domanda", is_mandatory=False)
    user, organisation = member_of(name="Ente Altro Bando")
    elsewhere = ready_application(call=other_call, user=user, organisation=organisation)
    attach(elsewhere, other_required, pdf("altro bando"), "domanda.pdf")
    submit(elsewhere, "e")
    return call, first, second, contents


def read_zip(data: bytes):
    zipped = zipfile.ZipFile(io.BytesIO(data))
    manifest = list(csv.DictReader(io.StringIO(zipped.read("manifest.csv").decode("utf-8"))))
    return zipped, manifest


def test_the_zip_holds_current_documents_of_submitted_applications_with_a_manifest(
    client, call_with_documents, django_capture_on_commit_callbacks
):
    call, first, second, contents = call_with_documents
    staff = officer()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("officer_archive_start", call.code))
    assert response.status_code == 302
    archive = DocumentArchive.objects.get(call=call)
    assert (archive.status, archive.done, archive.total, archive.applications) == ("done", 3, 3, 2)
    assert archive.requested_by == staff

    page = client.get(url("officer_application_list", call.code)).content.decode()
    download = url("officer_archive_download", call.code, archive.pk)
    assert f'href="{download}"' in page and 'role="status"' in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == archive.sha256 and len(data) == archive.size
    zipped, manifest = read_zip(data)

    alfa = f"{first.protocol.replace('/', '-')}_cooperativa-alfa"
    beta = f"{second.protocol.replace('/', '-')}_associazione-beta"
    assert sorted(zipped.namelist()) == sorted(
        [
            f"{alfa}/domanda_domanda.pdf",
            f"{alfa}/relazione_relazione.pdf",
            f"{beta}/domanda_domanda-firmata.pdf",
            "manifest.csv",
        ]
    )
    assert zipped.read(f"{alfa}/domanda_domanda.pdf") == pdf("versione attuale alfa")  # never the old one
    assert [row["protocollo"] for row in manifest] == [first.protocol, first.protocol, second.protocol]
    for row in manifest:
        content = zipped.read(row["percorso_nel_zip"])
        assert row["sha256"] == hashlib.sha256(content).hexdigest() == row["sha256_registrata"]
        assert row["conforme"] == "sì" and int(row["byte"]) == len(content)
        assert content == contents[(row["proponente"], row["documento"])]

    actions = list(
        AuditEvent.objects.filter(object_id=str(archive.pk), action__startswith="document_archive.")
        .order_by("pk")
        .values_list("action", "actor_id")
    )
    assert actions == [("document_archive.requested", staff.pk), ("document_archive.downloaded", staff.pk)]


def test_a_failed_archive_shows_its_error_and_can_be_retried(
    client, call_with_documents, django_capture_on_commit_callbacks
):
    call, first, _second, _contents = call_with_documents
    document = first.documents.get(required_document__code="relazione")
    stored = document.file.read()
    document.file.close()
    document.file.storage.delete(document.file.name)  # the storage lost a file
    client.force_login(officer())

    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(f"/api/v1/calls/{call.code}/document-archives")
    assert start.status_code == 202
    archive_id = start.json()["id"]
    status = client.get(f"/api/v1/calls/{call.code}/document-archives/{archive_id}").json()
    assert status["status"] == "failed" and status["download_url"] is None
    assert "relazione.pdf" in status["error"] and first.protocol in status["error"]
    assert "/" + str(document.file.storage.location) not in status["error"]  # no server path shown
    refused = client.get(f"/api/v1/calls/{call.code}/document-archives/{archive_id}/download")
    assert refused.status_code == 409 and refused.json()["code"] == "archive_not_ready"
    partial = client.get(url("officer_archive_status", call.code, archive_id), headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "Preparazione non riuscita" in html and "relazione.pdf" in html
    assert "hx-trigger" not in html  # polling stops
    assert url("officer_archive_retry", call.code, archive_id) in html

    document.file.storage.save(document.file.name, io.BytesIO(stored))  # put back
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"/api/v1/calls/{call.code}/document-archives/{archive_id}/retry")
    assert retried.status_code == 202
    status = client.get(f"/api/v1/calls/{call.code}/document-archives/{archive_id}").json()
    assert (status["status"], status["done"], status["total"], status["error"]) == ("done", 3, 3, "")
    assert status["download_url"] == f"/api/v1/calls/{call.code}/document-archives/{archive_id}/download"
    download = client.get(status["download_url"])
    assert download.status_code == 200
    _zipped, manifest = read_zip(b"".join(download.streaming_content))
    assert len(manifest) == 3
    again = client.post(f"/api/v1/calls/{call.code}/document-archives/{archive_id}/retry")
    assert again.status_code == 409 and again.json()["code"] == "archive_not_failed"
    retries = AuditEvent.objects.filter(action="document_archive.retried", object_id=str(archive_id))
    assert retries.count() == 1


def test_the_status_partial_polls_while_the_archive_is_being_made(client):
    call = open_call()
    staff = officer()
    archive = DocumentArchive.objects.create(
        call=call, requested_by=staff, status=DocumentArchiveStatus.RUNNING, done=2, total=5
    )
    client.force_login(staff)
    page = client.get(url("officer_application_list", call.code)).content.decode()
    status_url = url("officer_archive_status", call.code, archive.pk)
    region = re.search(r'<div role="status" aria-live="polite">(.*?)</section>', page, re.S).group(1)
    assert f'hx-get="{status_url}"' in region and 'hx-trigger="every 2s"' in region
    partial = client.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "2 documenti su 5" in partial and '<progress class="w-100" max="5" value="2"' in partial
    assert 'hx-trigger="every 2s"' in partial
    # Starting again while one is under way returns it, never a second job.
    again = client.post(url("officer_archive_start", call.code), headers={"HX-Request": "true"})
    assert again.status_code == 200 and f'hx-get="{status_url}"' in again.content.decode()
    assert DocumentArchive.objects.filter(call=call).count() == 1


def test_the_archive_task_run_twice_leaves_the_finished_zip_as_it_is(call_with_documents):
    call, *_rest = call_with_documents
    archive = DocumentArchive.objects.create(call=call, requested_by=officer())
    bulk_download.build_document_archive(archive.pk)
    archive.refresh_from_db()
    name, digest = archive.file.name, archive.sha256
    bulk_download.build_document_archive(archive.pk)
    archive.refresh_from_db()
    assert (archive.status, archive.file.name, archive.sha256) == ("done", name, digest)


# --- the API export ---------------------------------------------------------------------------------------
def test_the_api_export_takes_the_same_filters_and_refuses_invalid_ones(client):
    call = open_call(partner_legal_forms=[], lead_legal_forms=[LegalForm.THIRD_SECTOR, LegalForm.COMPANY])
    ets = sent(call, name="Fondazione Uno ETS", key="a")
    company = sent(
        call, name="Officine Due S.r.l.", key="b", legal_form=LegalForm.COMPANY, company_size="small"
    )
    client.force_login(officer())
    base = f"/api/v1/calls/{call.code}/applications/export.xlsx"

    response = client.get(base, {"legal_form": LegalForm.COMPANY})
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert [r[0].value for r in workbook_rows(response.content)[1]] == [company.protocol]
    response = client.get(base, {"province": ets.applicant.seat.province.istat_code, "q": "Uno"})
    assert [r[0].value for r in workbook_rows(response.content)[1]] == [ets.protocol]
    invalid = client.get(base, {"status": "nessuno", "province": "999999"})
    assert invalid.status_code == 422 and invalid["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in invalid.json()["errors"]} == {"status", "province"}
    assert AuditEvent.objects.filter(action="application.list_exported").count() == 2


def test_staff_with_a_read_token_export_and_start_nothing(client):
    from grants.accounts.mfa import DEMO_TOTP_SECRET, set_totp_secret
    from grants.accounts.tokens import create_token

    call = open_call()
    sent(call, name="Cooperativa Token", key="a")
    staff = officer()
    set_totp_secret(staff, DEMO_TOTP_SECRET)
    headers = {"Authorization": f"Bearer {create_token(actor=staff, name='export').secret}"}
    response = client.get(f"/api/v1/calls/{call.code}/applications/export.xlsx", headers=headers)
    assert response.status_code == 200 and workbook_rows(response.content)[1]
    assert client.post(f"/api/v1/calls/{call.code}/document-archives", headers=headers).status_code == 403
    assert not DocumentArchive.objects.exists()  # a read-only token starts no job


# --- retention: finished zips are deleted after DOCUMENT_ARCHIVE_RETENTION_DAYS ---------------------------
def test_a_finished_zip_is_deleted_after_the_retention_days_and_says_so(
    client, call_with_documents, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from grants.core.timeutils import now

    settings.DOCUMENT_ARCHIVE_RETENTION_DAYS = 3
    call, _first, _second, _contents = call_with_documents
    client.force_login(officer())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("officer_archive_start", call.code))
    archive = DocumentArchive.objects.get(call=call)
    storage, name = archive.file.storage, archive.file.name
    assert storage.exists(name)

    DocumentArchive.objects.filter(pk=archive.pk).update(finished_at=now() - timedelta(days=2, hours=23))
    assert bulk_download.expire_archives() == 0  # still inside the three days
    DocumentArchive.objects.filter(pk=archive.pk).update(finished_at=now() - timedelta(days=3, minutes=1))
    assert bulk_download.expire_archives() == 1
    archive.refresh_from_db()
    assert (archive.status, archive.file.name) == (DocumentArchiveStatus.EXPIRED, "")
    assert not storage.exists(name)
    assert AuditEvent.objects.filter(object_id=str(archive.pk), action="document_archive.expired").exists()
    assert bulk_download.expire_archives() == 0  # once only

    api = client.get(f"/api/v1/calls/{call.code}/document-archives/{archive.pk}/download")
    assert api.status_code == 410 and api.json()["code"] == "archive_expired"
    page = client.get(url("officer_archive_download", call.code, archive.pk), follow=True).content.decode()
    assert "è stato eliminato" in page
    partial = client.get(url("officer_archive_status", call.code, archive.pk), headers={"HX-Request": "true"})
    assert "eliminato" in partial.content.decode() and "hx-trigger" not in partial.content.decode()


def test_the_privacy_notice_lists_every_retention_rule_from_the_settings(client, settings):
    settings.DOCUMENT_ARCHIVE_RETENTION_DAYS = 5
    settings.DRAFT_RETENTION_MONTHS = 7
    page = client.get(reverse("transparency:privacy")).content.decode()
    section = page[page.index('id="conservazione"') : page.index("A chi li comunichiamo")]
    for text in (
        "<strong>7 mesi</strong>",
        "<strong>5 giorni</strong>",
        "archivi ZIP",
        "sessioni di accesso",
    ):
        assert text in section


def test_the_audit_trail_reads_in_italian_and_shows_the_submission(client):
    call = open_call()
    application = sent(call, name="Cooperativa Delta", key="storia")
    staff = officer()
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="core", codename="view_auditevent")
    )
    client.force_login(type(staff).objects.get(pk=staff.pk))
    detail = client.get(url("officer_application_detail", call.code, application.pk)).content.decode()
    trail = detail[detail.index("Registro delle operazioni") :]
    assert "Protocollata in ordine di arrivo" in trail and application.protocol in trail  # the submission
    assert "application.created" not in trail.replace('title="application.created"', "")
    assert "call_id" not in trail and 'fw-semibold">bando<' in trail  # fields by their Italian name

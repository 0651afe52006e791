"""Browser test of the officer's downloads on a call's submitted applications: filter the list, export it to
XLSX (the file holds the filtered rows), prepare the zip of the documents (htmx status region) and download
it (one folder per application, manifest with SHA-256), download one document from the application's page.
Debian's Chromium driven by Playwright; the list page is checked with axe-core."""

import csv
import hashlib
import io
import shutil
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from grants.applications import services
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.vocabulary import LegalForm
from grants.evaluation.tests.factories import officer
from grants.programme.tests.factories import RequiredDocumentFactory
from grants.registry.tests.factories import PASSWORD

from .test_application_journey import CHROMIUM, CHROMIUM_ARGS, assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.urls("grants.applications.tests.urls")]


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def submitted(call, required, *, name: str, key: str, **organisation_kwargs):
    user, organisation = member_of(name=name, **organisation_kwargs)
    application = ready_application(call=call, user=user, organisation=organisation)
    services.attach_document(
        actor=user,
        application=application,
        required_document=required,
        uploaded_file=SimpleUploadedFile("domanda.pdf", pdf(name), content_type="application/pdf"),
    )
    services.submit(actor=user, application=application, idempotency_key=key, declarations_accepted=True)
    application.refresh_from_db()
    return application


def test_officer_exports_the_filtered_list_and_downloads_the_documents(
    live_server, transactional_db, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call = open_call(partner_legal_forms=[], lead_legal_forms=[LegalForm.THIRD_SECTOR, LegalForm.COMPANY])
    required = RequiredDocumentFactory(call=call, code="domanda", title="Domanda firmata", is_mandatory=False)
    ets = submitted(call, required, name="Fondazione Aperta ETS", key="a")
    company = submitted(
        call,
        required,
        name="Officine Riunite S.r.l.",
        key="b",
        legal_form=LegalForm.COMPANY,
        company_size="small",
    )
    clerk = officer(first_name="Franca", last_name="Funzionari")

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="it-IT", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    list_url = f"/bandi/{call.code}/domande/"
    page.goto(f"{live_server.url}/accedi/?next={list_url}")
    page.get_by_role("textbox", name="E-mail").fill(clerk.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{list_url}")

    # Filter by applicant type, then export: the file holds the filtered rows only.
    page.select_option("#id_tipologia", LegalForm.COMPANY.value)
    page.get_by_role("button", name="Filtra", exact=True).click()
    page.wait_for_url("**tipologia=company**")
    assert page.locator("[data-testid=result-count]").inner_text() == "1 domanda"
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Esporta XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"domande-{call.code}-")
    with open(download.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["Domande"]
    protocols = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert protocols == [company.protocol]

    # The zip of every document: prepared in the background, the status region then offers the download.
    page.get_by_role("button", name="Prepara lo zip dei documenti").click()
    status = page.locator("#archivio-documenti [role=status]")
    link = status.get_by_role("link", name="Scarica lo zip dei documenti")
    link.wait_for()
    assert "2 documenti di 2 domande" in status.inner_text()
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        zipped = zipfile.ZipFile(io.BytesIO(handle.read()))
    manifest = list(csv.DictReader(io.StringIO(zipped.read("manifest.csv").decode("utf-8"))))
    assert [row["protocollo"] for row in manifest] == [ets.protocol, company.protocol]
    for row in manifest:
        assert hashlib.sha256(zipped.read(row["percorso_nel_zip"])).hexdigest() == row["sha256"]

    # One document, from the application's page.
    page.goto(f"{live_server.url}/bandi/{call.code}/domande/{ets.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="domanda.pdf").click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read() == pdf("Fondazione Aperta ETS")
    assert errors == []
    context.close()

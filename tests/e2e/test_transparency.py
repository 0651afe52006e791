"""Browser test of the public transparency pages: funded projects (filter with htmx, detail), grants
publication, open data, accompaniment and the knowledge base, each checked with axe-core."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from grants.transparency.tests.factories import activity, natural_person_project, published_sheet

from .test_application_journey import CHROMIUM, CHROMIUM_ARGS, assert_accessible

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.script_errors = errors
    yield page
    context.close()


def test_public_transparency_pages(live_server, transactional_db, page):
    sheet = published_sheet()
    project = sheet.project
    person = natural_person_project()
    workshop = activity(project=project, title="Laboratorio di coprogettazione")

    page.goto(f"{live_server.url}/progetti-finanziati/")
    assert page.locator("h1").inner_text() == "Progetti finanziati"
    assert "2 progetti trovati" in page.locator("[data-testid=project-count]").inner_text()
    assert "persona fisica – dati non pubblicabili" in page.locator("#project-results").inner_text()
    assert person.beneficiary.name not in page.content()
    assert_accessible(page)

    page.fill("#filter-q", project.cup)
    page.get_by_role("button", name="Filtra").click()
    # The CSP forbids evaluating strings, so wait with a locator assertion rather than wait_for_function.
    expect(page.locator("[data-testid=project-count]")).to_have_text(re.compile(r"^1 "))
    page.get_by_role("link", name=project.title).click()
    page.wait_for_url(f"**/progetti-finanziati/{project.pk}/")
    assert page.locator("[data-testid=eu-share]").inner_text() == "35.600,00 €"
    assert page.locator("[data-testid=cup]").inner_text() == project.cup
    assert "Comune di Prova" in page.locator("[data-testid=partners]").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Scheda dell'esperienza nella banca delle conoscenze").click()
    page.wait_for_url(f"**/esperienze/{sheet.pk}/")
    assert "Portinerie di comunità" in page.content()
    assert_accessible(page)

    page.goto(f"{live_server.url}/esperienze/?tema=care")
    assert "1 esperienza" in page.locator("[data-testid=sheet-count]").inner_text()
    page.select_option("#filter-tema", "housing")
    page.locator("[data-testid=empty-state]").wait_for()
    assert_accessible(page)

    page.goto(f"{live_server.url}/dati-aperti/")
    assert "CC BY 4.0" in page.locator("[data-testid=licence]").inner_text()
    assert page.locator("[data-testid=dataset-progetti-opencoesione] code", has_text="FINANZ_UE").count() == 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("[data-testid=dataset-operazioni] a", has_text="CSV").click()
    assert download.value.suggested_filename == "wecare-operazioni.csv"

    page.goto(f"{live_server.url}/trasparenza/sovvenzioni/")
    assert project.beneficiary.fiscal_code in page.content()
    assert person.beneficiary.fiscal_code not in page.content()
    assert_accessible(page)

    page.goto(f"{live_server.url}/accompagnamento/")
    page.get_by_role("link", name=workshop.title).click()
    page.wait_for_url(f"**/accompagnamento/{workshop.pk}/")
    assert page.locator("[data-testid=participants]").inner_text() == "18"
    assert_accessible(page)
    assert page.script_errors == []

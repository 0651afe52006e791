"""Browser test of a funded project: the beneficiary downloads the grant agreement, uploads it signed and
communicates the start; asks for a budget variation above the call's tolerance, which the officer approves.
Debian's Chromium driven by Playwright; each page is checked with axe-core (no serious or critical
violation)."""

import shutil
from decimal import Decimal

import pytest

from grants.core.timeutils import in_rome, now
from grants.projects.states import ChangeStatus, ProjectStatus
from grants.projects.tests.factories import ProjectFactory, project_officer
from grants.registry.tests.factories import PASSWORD

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


def sign_in(browser, live_server, user, next_url):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="it-IT", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.script_errors = errors
    page.goto(f"{live_server.url}/accedi/?next={next_url}")
    page.get_by_role("textbox", name="E-mail").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{next_url}")
    return page


def test_agreement_signed_start_and_variation_approved(live_server, transactional_db, browser, tmp_path):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    beneficiary = project.application.created_by
    lines = {line.category.code: line for line in project.budget_lines.select_related("category")}
    url = f"/progetti/{project.pk}/"

    # 1. The beneficiary finds the project in "I miei progetti" and opens it.
    page = sign_in(browser, live_server, beneficiary, "/progetti/")
    assert project.cup in page.locator("[data-testid=my-projects]").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name=project.title).click()
    page.wait_for_url(f"**{url}")
    assert page.locator("[data-testid=project-status]").inner_text() == "Da accettare"
    assert_accessible(page)

    # 2. Downloads the agreement, "signs" it and uploads it.
    with page.expect_download() as download_info:
        page.locator("[data-testid=agreement-download]").click()
    signed = tmp_path / "atto-firmato.pdf"
    download_info.value.save_as(signed)
    assert signed.read_bytes().startswith(b"%PDF")
    page.set_input_files("#id_file", str(signed))
    page.get_by_role("button", name="Carica l'atto firmato").click()
    page.wait_for_load_state()
    assert "Atto firmato caricato" in page.locator("[data-testid=agreement-accepted]").inner_text()
    assert_accessible(page)

    # 3. Communicates the start: the project is active.
    page.fill("#id_start_date", in_rome(now()).date().isoformat())
    page.get_by_role("button", name="Comunica l'avvio").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=project-status]").inner_text() == "Avviato"
    assert_accessible(page)

    # 4. Moves 20.000 € from staff to equipment (22% of the total: above the 10% tolerance).
    page.fill(f"#id_variation-line_{lines['personale'].pk}", "40000")
    page.fill(f"#id_variation-line_{lines['attrezzature'].pk}", "40000")
    page.fill("#id_variation-reason", "Allestimento della nuova sede del centro diurno")
    page.get_by_role("button", name="Invia la variazione").click()
    page.wait_for_load_state()
    assert "In attesa di decisione" in page.locator("[data-testid=project-changes]").inner_text()
    assert_accessible(page)
    assert page.script_errors == []
    page.context.close()

    # 5. The officer approves it from the project page.
    change = project.changes.get()
    assert change.status == ChangeStatus.PENDING
    page = sign_in(browser, live_server, project_officer(), "/gestione/progetti/")
    assert "Richieste da decidere" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(f"{live_server.url}{url}")
    request = page.locator(f"#richiesta-{change.pk}")
    request.locator(f"label[for=id_change-{change.pk}-decision_0]").click()
    request.get_by_role("button", name="Registra la decisione").click()
    page.wait_for_load_state()
    assert page.locator(f"#richiesta-{change.pk} [data-testid=change-status]").inner_text() == "Approvata"
    assert_accessible(page)
    page.context.close()

    change.refresh_from_db()
    project.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and project.status == ProjectStatus.ACTIVE
    assert project.budget_lines.get(pk=lines["attrezzature"].pk).approved_amount == Decimal("40000.00")

"""Browser test of the public pages: Debian's Chromium driven by Playwright, checked with axe-core."""

import os
import shutil
import tempfile

import pytest

from grants.transparency.tests.sample import build_sample

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING_IMPACTS = {"serious", "critical"}
SCREENSHOT_DIR = os.environ.get("E2E_SCREENSHOT_DIR") or tempfile.gettempdir()

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must run the browser tests.")
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
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def sample(transactional_db, settings):
    settings.DEFAULT_PROGRAMME_CODE = "wecare"
    return build_sample()


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # Colours are measured as they are at rest: no pointer over a control, no CSS transition half-way (a
    # button caught mid-transition after a navigation read as a contrast failure, now and then).
    page.mouse.move(0, 0)
    page.wait_for_function(
        "() => document.getAnimations().every("
        "a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
        timeout=5000,
    )
    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    for violation in violations:
        targets = [node["target"] for node in violation["nodes"]]
        print(f"[axe] {page.url} {violation['impact']} {violation['id']}: {violation['help']} -> {targets}")
    assert not violations, f"axe found {len(violations)} serious/critical violations on {page.url}"


def assert_fonts_loaded(page) -> None:
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Titillium Web" in family


def test_home_to_measure_to_call(live_server, sample, page):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "WECARE – Welfare Cantiere Regionale"
    assert page.locator("[data-testid=total-budget]").inner_text() == "20.000.000,00 €"
    assert page.locator("header.it-header-wrapper .it-brand-title").is_visible()
    assert page.locator(".card-measure").count() == 5
    assert_fonts_loaded(page)
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "home.png"), full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Vai alla misura FSE1").click()
    page.wait_for_url("**/misure/FSE1/")
    assert page.locator("h1").inner_text() == sample.measures["FSE1"].title
    assert page.locator(".breadcrumb").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=sample.open_call.title).click()
    page.wait_for_url(f"**/bandi/{sample.open_call.code}/")
    assert page.locator("h1").inner_text() == sample.open_call.title
    assert page.locator("[data-testid=call-status]").inner_text() == "Aperto"
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "call.png"), full_page=True)
    assert_accessible(page)
    assert page.js_errors == []


def test_call_filters_with_htmx_and_language_switch(live_server, sample, page):
    page.goto(live_server.url + "/bandi/")
    assert page.locator("h1").inner_text() == "Bandi"
    assert_accessible(page)
    assert page.locator("#call-results tbody tr").count() == 3

    page.select_option("#filter-stato", "aperti")
    page.wait_for_url("**/bandi/?stato=aperti**")
    page.wait_for_function("document.querySelectorAll('#call-results tbody tr').length === 1")
    assert sample.open_call.title in page.locator("#call-results").inner_text()

    page.select_option("#filter-misura", "FESR")
    page.locator("[data-testid=empty-state]").wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="EN – English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Calls"
    assert_accessible(page)
    assert page.js_errors == []

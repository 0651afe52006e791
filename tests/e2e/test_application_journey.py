"""Browser test of the applicant's journey: sign in, start an application on an open call, walk the stepper of
its sections from its nav (each save and upload with htmx, no reload; the completeness panel and the steps'
states follow each save), see a rule violation in the completeness panel, follow its link to the step, go
back and forward with the browser, fix it, submit, download the PDF receipt and read the protocol number from
it; no horizontal overflow at 1280 and 390 px. Debian's Chromium driven by Playwright; the draft page is
checked with axe-core."""

import io
import os
import re
import shutil
import tempfile
from decimal import Decimal

import pytest

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.vocabulary import LegalForm
from grants.programme.models import CostOption
from grants.programme.tests.factories import CallFactory, CostCategoryFactory, RequiredDocumentFactory
from grants.registry.tests.factories import OrganisationFactory, UserFactory

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
PASSWORD = "una-password-di-prova-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = [pytest.mark.e2e, pytest.mark.urls("grants.applications.tests.urls")]


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
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="it-IT", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))  # uncaught exceptions of our scripts
    page.script_errors = errors
    yield page
    context.close()


@pytest.fixture
def journey(transactional_db, settings, tmp_path):
    """An ETS whose legal representative signs in with a password, and a call open now that accepts it:
    a real-cost, a unit-cost (38 € per hour) and a flat-rate (15 % of staff) category, a grant of at least
    10.000 €, one partner at least, one mandatory PDF."""
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(first_name="Giulia", last_name="Bianchi")
    user.set_password(PASSWORD)
    user.save()
    organisation = OrganisationFactory(
        representative=user, name="Fondazione Comunità Aperta ETS", legal_form=LegalForm.THIRD_SECTOR
    )
    call = CallFactory(
        title="Bando innovazione sociale 2026",
        min_partners=1,
        requires_partner_confirmation=False,
        partner_legal_forms=[LegalForm.PUBLIC_BODY.value, LegalForm.THIRD_SECTOR.value],
        min_grant=Decimal("10000.00"),
        max_grant=Decimal("200000.00"),
    )
    CostCategoryFactory(
        call=call, code="personale", title="Personale", cost_option=CostOption.REAL_COSTS, order=1
    )
    CostCategoryFactory(
        call=call,
        code="animazione",
        title="Animazione territoriale",
        cost_option=CostOption.UNIT_COST,
        unit_rate=Decimal("38.00"),
        unit_label="ora",
        order=2,
    )
    CostCategoryFactory(
        call=call,
        code="indiretti",
        title="Costi indiretti",
        cost_option=CostOption.FLAT_RATE,
        flat_rate_percent=Decimal(15),
        flat_rate_base=["personale"],
        order=3,
    )
    RequiredDocumentFactory(call=call, code="domanda", title="Domanda firmata digitalmente")
    return user, organisation, call


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


def completeness(page) -> str:
    return page.locator("[data-testid=completeness]").inner_text()


def no_overflow(page) -> None:
    """The page is not wider than the window (as tests/e2e/test_menus.py; importing it would be circular)."""
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url}: {width} px wide on a {inner} px screen"


def mark_page(page) -> None:
    """A flag on the window: it survives htmx swaps, not a reload."""
    page.evaluate("() => { window.wecareNoReload = true; }")


def not_reloaded(page) -> bool:
    return page.evaluate("() => window.wecareNoReload === true")


def step(page, label: str, key: str) -> None:
    """Open a step from the stepper's nav (htmx swap, the address follows)."""
    mark_page(page)
    page.locator("#stepper-nav").get_by_role("link", name=re.compile(label)).click()
    page.wait_for_selector(f"#{key}[data-step-panel]")
    page.wait_for_url(re.compile(rf".*\?sezione={key}"))
    assert page.locator(f"#stepper-nav [data-step={key}] a").get_attribute("aria-current") == "step"
    assert not_reloaded(page)
    no_overflow(page)


def save(page, button: str) -> None:
    mark_page(page)
    page.get_by_role("button", name=button).click()
    message = page.locator("[data-step-panel] .alert-success", has_text="salvat")
    message.wait_for()
    assert message.count() == 1, page.locator("main").inner_text()
    assert not_reloaded(page)
    # The message of the save gets the focus (read by screen readers, in view).
    page.wait_for_function("() => document.activeElement.hasAttribute('data-step-focus')", timeout=5000)


def test_applicant_fills_fixes_submits_and_reads_the_receipt(live_server, journey, page):
    user, organisation, call = journey

    # Sign in; the sign-in page sends the applicant back to the call's "partecipa" page.
    page.goto(f"{live_server.url}/accedi/?next=/bandi/{call.code}/partecipa/")
    page.get_by_role("textbox", name="E-mail").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/bandi/{call.code}/partecipa/")
    assert "Fondazione Comunità Aperta ETS" in page.locator("main").inner_text()

    page.get_by_role("button", name="Avvia una nuova domanda").click()
    page.wait_for_url(re.compile(r".*/domande/\d+/$"))
    application = Application.objects.get(applicant=organisation, call=call)
    assert "Indicare il titolo del progetto." in completeness(page)
    assert_accessible(page)

    # 1. General data: the first step; its state follows the save (out of band).
    nav = page.locator("#stepper-nav")
    assert nav.locator("[data-step=generale]").get_attribute("data-state") == "to-fix"
    no_overflow(page)
    page.fill("#id_general-title", "Case di quartiere")
    page.fill("#id_general-abstract", "Servizi di prossimità nei quartieri, con il terzo settore.")
    save(page, "Salva i dati generali")
    assert nav.locator("[data-step=generale]").get_attribute("data-state") == "complete"
    assert "Indicare il titolo del progetto." not in completeness(page)

    # 2. Partnership: a body not registered on the platform.
    step(page, "Partenariato", "partenariato")
    page.fill("#id_partners-0-name", "Comune di Prova")
    page.select_option("#id_partners-0-legal_form", LegalForm.PUBLIC_BODY.value)
    page.fill("#id_partners-0-share_percent", "20")
    save(page, "Salva il partenariato")
    assert "Comune di Prova" in page.locator("[data-testid=partners-table]").inner_text()

    # 3. Budget (the "next" link): too small for the call's minimum grant.
    mark_page(page)
    page.get_by_role("link", name="Avanti: Piano finanziario").click()
    page.wait_for_selector("#piano-finanziario[data-step-panel]")
    assert not_reloaded(page)
    page.select_option("#id_budget-0-category", "personale")
    page.fill("#id_budget-0-description", "Educatori")
    page.fill("#id_budget-0-amount", "5000")
    save(page, "Salva il piano finanziario")

    # 4. Documents: a wrong file's error once next to its field, then the PDF; no reload.
    step(page, "Documenti", "documenti")
    file_input = f"#id_doc-{call.required_documents.get().pk}-0-file"
    page.set_input_files(
        file_input, files=[{"name": "nota.txt", "mimeType": "text/plain", "buffer": b"testo"}]
    )
    page.get_by_role("button", name=re.compile("Carica il file")).click()
    page.locator(f"{file_input}[aria-invalid=true]").wait_for()
    assert page.locator("main").inner_text().count("Formato non ammesso") == 1
    page.set_input_files(
        file_input, files=[{"name": "domanda.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name=re.compile("Carica il file")).click()
    page.locator("[data-testid=document-state]", has_text="Caricato: domanda.pdf").wait_for()
    assert not_reloaded(page)
    # The file read back is the one uploaded.
    with page.expect_download() as uploaded:
        page.locator("[data-testid=document-state] [data-testid=document-download]").click()
    assert uploaded.value.suggested_filename == "domanda.pdf"
    with open(uploaded.value.path(), "rb") as handle:
        assert handle.read() == PDF

    # The completeness panel names the violation, with a link to its step.
    panel = completeness(page)
    assert "Il contributo richiesto (5.750,00 €) è inferiore al minimo del bando (10.000,00 €)." in panel
    page.locator("[data-code=grant_too_low] a").click()
    page.wait_for_selector("#piano-finanziario[data-step-panel]")
    assert page.url.endswith("?sezione=piano-finanziario#piano-finanziario")
    # The browser's back and forward buttons walk the steps.
    page.go_back()
    page.wait_for_selector("#documenti[data-step-panel]")
    page.go_forward()
    page.wait_for_selector("#piano-finanziario[data-step-panel]")

    # Fix it: more staff, plus 100 hours at 38 € (the page previews quantity × rate while typing).
    page.fill("#id_budget-0-amount", "20.000,00")  # typed the Italian way
    page.select_option("#id_budget-1-category", "animazione")
    page.fill("#id_budget-1-quantity", "100")
    preview = page.locator("[data-budget-line]").nth(1).locator("[data-budget-preview]")
    assert preview.inner_text() == "100 × 38,00 € = 3.800,00 €"
    save(page, "Salva il piano finanziario")
    budget = page.locator("[data-testid=budget-table]")
    assert budget.locator("[data-testid=total-cost]").inner_text() == "26.800,00 €"  # 20.000 + 3.800 + 3.000
    page.locator("[data-testid=ready]").wait_for()
    assert nav.locator("[data-step=piano-finanziario]").get_attribute("data-state") == "complete"
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "application-draft.png"), full_page=True)
    assert_accessible(page)

    # On a phone the stepper lists every step, one per line, and nothing is wider than the screen.
    page.set_viewport_size({"width": 390, "height": 900})
    no_overflow(page)
    assert nav.locator("[data-step=documenti] a").is_visible()
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "application-draft-390.png"))
    step(page, "Partenariato", "partenariato")
    page.set_viewport_size({"width": 1280, "height": 900})
    no_overflow(page)

    # 5. Declarations and submission.
    step(page, "Dichiarazioni e invio", "invio")
    page.locator("label[for=id_submit-declarations_accepted]").click()
    assert page.locator("#id_submit-declarations_accepted").is_checked()
    page.get_by_role("button", name="Invia la domanda").click()
    page.wait_for_url(f"**/domande/{application.pk}/inviata/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    protocol = page.locator("[data-testid=protocol]").inner_text()
    assert protocol == application.protocol
    assert_accessible(page)

    # The receipt: a PDF attachment whose text carries the protocol number.
    with page.expect_download() as download_info:
        page.locator("[data-testid=receipt-link]").click()
    download = download_info.value
    assert download.suggested_filename == f"ricevuta-{protocol.replace('/', '-')}.pdf"
    from pypdf import PdfReader

    with open(download.path(), "rb") as handle:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    found = re.search(r"\b(\d{4}/\d{7})\b", text)
    assert found and found.group(1) == protocol
    assert page.script_errors == []

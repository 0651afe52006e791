"""Browser test of the evaluation's main path: the officer asks for an integration (soccorso istruttorio),
the applicant answers it from the application's page, the officer reads the answer and declares the
application admissible, the evaluator declares no conflict and scores it, the officer computes the ranking,
the manager approves it and the public ranking page shows it. Debian's Chromium driven by Playwright; each
page is checked with axe-core (no serious or critical violation)."""

import shutil

import pytest
from django.utils import timezone

from grants.applications.states import ApplicationStatus
from grants.evaluation import services
from grants.evaluation.models import RankingStatus
from grants.evaluation.tests.factories import (
    FULL_MARKS,
    close,
    evaluator,
    manager,
    officer,
    scored_call,
    submitted,
)
from grants.programme.models import CallStatus
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="it-IT")
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


def test_admissible_scored_ranked_and_approved(live_server, transactional_db, browser):
    call = scored_call()
    application = submitted(call=call)
    close(call)
    clerk, boss, judge = officer(), manager(), evaluator(first_name="Paola", last_name="Verdi")
    panel = services.set_panel(actor=clerk, call=call, evaluators_per_application=1)
    services.add_panel_member(actor=clerk, panel=panel, user=judge, is_president=True)

    # 1. The officer: formal check; the statute is not signed, so first an integration request.
    url = f"/valutazione/bandi/{call.code}/domande/{application.pk}/ammissibilita/"
    page = sign_in(browser, live_server, clerk, url)
    assert "Nessun problema rilevato" in page.locator("[data-testid=automatic-checks]").inner_text()
    assert_accessible(page)
    page.get_by_label("Elementi da integrare (uno per riga)").fill(
        "Statuto firmato dal legale rappresentante"
    )
    page.get_by_label("Comunicazione", exact=True).fill("Lo statuto allegato non è firmato.")
    page.get_by_role("button", name="Richiedi integrazione").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=application-status]").inner_text() == "Integrazione richiesta"
    assert "In attesa di risposta" in page.locator("[data-testid=integration-requests]").inner_text()
    assert page.get_by_role("button", name="Registra").count() == 0  # the formal check waits
    page.context.close()

    # ... the applicant answers it from the application's page, only the item asked for ...
    applicant = application.created_by
    page = sign_in(browser, live_server, applicant, f"/domande/{application.pk}/")
    page.locator("[data-testid=open-integration]").get_by_role("link").click()
    page.wait_for_load_state()
    assert "Lo statuto allegato non è firmato." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("textbox", name="Statuto firmato dal legale rappresentante").fill(
        "Statuto firmato digitalmente, inviato con la PEC di oggi."
    )
    page.get_by_role("button", name="Invia l'integrazione").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success", has_text="Integrazione inviata").count() == 1
    assert "Risposta ricevuta" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Invia l'integrazione").count() == 0
    assert_accessible(page)
    assert page.script_errors == []
    page.context.close()

    # ... and the officer reads the answer, then declares the application admissible.
    page = sign_in(browser, live_server, clerk, url)
    requests = page.locator("[data-testid=integration-requests]").inner_text()
    assert "Risposta ricevuta" in requests
    assert "Statuto firmato digitalmente, inviato con la PEC di oggi." in requests
    assert page.locator("[data-testid=application-status]").inner_text() == "Inviata"
    page.locator("label[for=outcome-admissible]").click()
    page.get_by_role("button", name="Registra").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=application-status]").inner_text() == "Ammissibile"
    # ... and assigns it to the panel.
    page.goto(f"{live_server.url}/valutazione/bandi/{call.code}/")
    assert_accessible(page)
    page.get_by_role("button", name="Assegna automaticamente le domande ammissibili").click()
    page.wait_for_load_state()
    assert "1 domanda assegnata" in page.locator("[data-testid=panel-members]").inner_text()
    page.context.close()

    # 2. The evaluator: no conflict, then the score sheet.
    assignment = application.assignments.get()
    url = f"/valutazione/assegnazioni/{assignment.pk}/"
    page = sign_in(browser, live_server, judge, url)
    assert page.locator("[data-testid=declaration]").is_visible()
    assert "Welfare di comunità" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Rendi la dichiarazione").click()
    page.wait_for_load_state()
    for code, value in FULL_MARKS.items():
        page.fill(f"#points-{code}", value)
        page.fill(f"#justification-{code}", f"Valutazione motivata del criterio {code}.")
    assert_accessible(page)
    page.get_by_role("button", name="Invia la valutazione").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=assignment-status]").inner_text() == "Valutazione inviata"
    assert "Totale: 95 punti" in page.locator("[data-testid=evaluation-total]").inner_text()
    assert page.script_errors == []
    page.context.close()

    # 3. The officer computes the ranking; the manager approves it.
    url = f"/valutazione/bandi/{call.code}/graduatoria/"
    page = sign_in(browser, live_server, clerk, url)
    page.get_by_role("button", name="Calcola la graduatoria").click()
    page.wait_for_load_state()
    assert "Finanziata" in page.locator("[data-testid=ranking]").inner_text()
    page.context.close()

    page = sign_in(browser, live_server, boss, url)
    assert_accessible(page)
    page.get_by_label("Numero della determinazione").fill("DD 123/A1418A")
    page.get_by_label("Data della determinazione").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Approva e pubblica la graduatoria").click()
    page.wait_for_load_state()
    assert "Approvata" in page.locator("[data-testid=ranking-status]").inner_text()
    assert_accessible(page)
    page.context.close()

    # 4. Anyone reads the published ranking from the call's public page.
    page = browser.new_context(locale="it-IT").new_page()
    page.goto(f"{live_server.url}/bandi/{call.code}/")
    page.locator("[data-testid=public-ranking-link]").first.click()
    page.wait_for_load_state()
    assert "DD 123/A1418A" in page.locator("[data-testid=public-ranking-approval]").inner_text()
    assert "Finanziata" in page.locator("[data-testid=public-ranking]").inner_text()
    assert (
        page.locator("[data-testid=public-ranking-pdf]")
        .get_attribute("href")
        .endswith(f"/bandi/{call.code}/graduatoria.pdf?fase=final")
    )
    assert_accessible(page)
    page.context.close()

    application.refresh_from_db()
    call.refresh_from_db()
    assert application.status == ApplicationStatus.FUNDED
    assert call.status == CallStatus.RANKING_APPROVED
    assert call.rankings.get(stage="final").status == RankingStatus.APPROVED

"""The applicant's journeys walked from the home page through the menu and the pages' own links only (#17), at
1280 px and on a 390 px phone with nothing wider than the screen: the indicator targets proposed in the draft,
the answer to an integration request with a document, the observations (with a document) to a notice of
intended rejection. The officer's request and notice are made by the services in the set-up."""

from pathlib import Path

import pytest

from grants.applications.tests.factories import ready_application
from grants.evaluation import services
from grants.evaluation.tests.factories import officer, scored_call, submitted
from grants.finance.tests.factories import MINIMAL_PDF
from grants.monitoring.models import Indicator

from .test_application_journey import assert_accessible
from .test_evaluation import browser  # noqa: F401 - the browser fixture
from .test_menus import WIDTHS, menu, open_home
from .test_walk_finance import follow

pytestmark = pytest.mark.e2e


def my_application(page, width: int, application) -> None:
    """Le mie domande, then the application."""
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie domande"))
    follow(page, page.locator("main").get_by_role("link", name=application.title).first)


@pytest.mark.parametrize("width", WIDTHS)
def test_indicator_targets_proposed_in_the_draft(live_server, transactional_db, browser, width):  # noqa: F811
    application = ready_application()
    Indicator.objects.create(
        code="T-SERV",
        title="Nuovi servizi attivati",
        kind="output",
        subject="other",
        measure=application.call.measure,
    )

    page = open_home(browser, live_server, width, application.created_by)
    my_application(page, width, application)
    follow(page, page.get_by_role("link", name="Indica i target"))
    page.get_by_label("Nuovi servizi attivati").fill("-2")
    follow(page, page.get_by_role("button", name="Salva i target"))
    assert "non può essere negativo" in page.locator("#target-T-SERV-error").inner_text()
    assert page.get_by_label("Nuovi servizi attivati").input_value() == "-2"  # what was typed stays
    page.get_by_label("Nuovi servizi attivati").fill("6")
    follow(page, page.get_by_role("button", name="Salva i target"))
    assert "Target degli indicatori salvati" in page.locator("main").inner_text()
    if width == WIDTHS[0]:
        assert_accessible(page)
    page.context.close()
    application.refresh_from_db()
    assert application.proposed_targets == {"T-SERV": "6"}


@pytest.mark.parametrize("width", WIDTHS)
def test_integration_answered_with_a_document(live_server, transactional_db, browser, width, tmp_path: Path):  # noqa: F811
    call = scored_call()
    application = submitted(call=call)
    integration = services.request_integration(
        actor=officer(calls=[call]), application=application, items=["Statuto aggiornato"]
    )
    item = integration.items.get()
    statute = tmp_path / "statuto.pdf"
    statute.write_bytes(MINIMAL_PDF)

    page = open_home(browser, live_server, width, application.created_by)
    my_application(page, width, application)
    follow(page, page.get_by_role("link", name="Rispondi alla richiesta di integrazione"))
    page.fill(f"#item-{item.pk}", "Allegato lo statuto approvato dall'assemblea")
    page.set_input_files(f"#document-{item.pk}", str(statute))
    follow(page, page.get_by_role("button", name="Invia l'integrazione"))
    assert "Integrazione inviata" in page.locator("main").inner_text()
    assert "statuto.pdf" in page.get_by_test_id("item-document").inner_text()
    if width == WIDTHS[0]:
        assert_accessible(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_observations_to_a_notice_of_intended_rejection(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    width,
    tmp_path: Path,
):
    call = scored_call()
    application = submitted(call=call)
    services.notify_intended_rejection(
        actor=officer(calls=[call]), application=application, reasons="Manca il cofinanziamento del 20%."
    )
    memo = tmp_path / "memoria.pdf"
    memo.write_bytes(MINIMAL_PDF)

    page = open_home(browser, live_server, width, application.created_by)
    my_application(page, width, application)
    follow(page, page.get_by_role("link", name="Leggi i motivi e presenta le osservazioni"))
    assert "Manca il cofinanziamento" in page.get_by_test_id("notice-reasons").inner_text()
    page.fill("#id_observations", "Il cofinanziamento è garantito dal socio, come da delibera allegata.")
    page.set_input_files("#id_document", str(memo))
    follow(page, page.get_by_role("button", name="Invia le osservazioni"))
    assert "Osservazioni inviate" in page.locator("main").inner_text()
    assert "garantito dal socio" in page.get_by_test_id("observations").inner_text()
    if width == WIDTHS[0]:
        assert_accessible(page)
    page.context.close()

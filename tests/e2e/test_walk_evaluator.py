"""The evaluator's journey walked from the home page through the menu and the pages' own links only (#17), at
1280 px and on a 390 px phone with nothing wider than the screen: the application to score, the declaration
of no conflict, the partners, budget and documents read (a document downloaded) while scoring, a refused
score sheet that keeps what was typed (it used to erase the whole sheet), then the sheet sent."""

from pathlib import Path

import pytest

from grants.evaluation import services
from grants.evaluation.tests.factories import FULL_MARKS, close, evaluator, manager, scored_call, submitted
from grants.finance.tests.factories import MINIMAL_PDF
from grants.programme.tests.factories import RequiredDocumentFactory

from .test_application_journey import assert_accessible
from .test_evaluation import browser  # noqa: F401 - the browser fixture
from .test_menus import WIDTHS, no_overflow, open_home, work_entry
from .test_walk_finance import follow

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluator_scores_reading_the_application(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    width,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    call = scored_call()
    report = RequiredDocumentFactory(call=call, code="relazione", title="Relazione", is_mandatory=False)
    application = submitted(
        call=call, partner="Comune di Asti", documents=[(report, "relazione tecnica.pdf", MINIMAL_PDF)]
    )
    close(call)
    boss, judge = manager(), evaluator(first_name="Paola", last_name="Verdi")
    services.record_admissibility(actor=boss, application=application, answers={}, outcome="admissible")
    panel = services.set_panel(actor=boss, call=call, evaluators_per_application=1)
    services.add_panel_member(actor=boss, panel=panel, user=judge, is_president=True)
    services.auto_assign(actor=boss, call=call)

    page = open_home(browser, live_server, width, judge)
    work_entry(page, width, "nav-assignments")
    follow(page, page.get_by_role("link", name=application.protocol))
    follow(page, page.get_by_role("button", name="Rendi la dichiarazione"))

    # What the evaluator reads while scoring: partners, budget, documents.
    partners = page.get_by_test_id("partners-table").inner_text()
    assert application.applicant.name in partners and "Comune di Asti" in partners
    main = page.locator("main").inner_text()
    assert "Piano finanziario" in main and "Documenti allegati" in main
    with page.expect_download() as download:
        page.get_by_test_id("document-download").click()
    assert Path(download.value.path()).read_bytes() == MINIMAL_PDF

    # A score over the maximum: refused, the message next to it, everything typed still there.
    for code, value in FULL_MARKS.items():
        page.fill(f"#points-{code}", "99" if code == "A1" else value)
        page.fill(f"#justification-{code}", f"Valutazione motivata del criterio {code}.")
    follow(page, page.get_by_role("button", name="Invia la valutazione"))
    assert page.locator("#points-A1-error").is_visible()
    assert page.input_value("#points-A1") == "99"
    assert page.input_value("#points-B2") == FULL_MARKS["B2"]
    assert page.input_value("#justification-B2") == "Valutazione motivata del criterio B2."
    if width == WIDTHS[0]:
        assert_accessible(page)

    page.fill("#points-A1", FULL_MARKS["A1"])
    follow(page, page.get_by_role("button", name="Invia la valutazione"))
    assert page.get_by_test_id("assignment-status").inner_text() == "Valutazione inviata"
    no_overflow(page)
    page.context.close()

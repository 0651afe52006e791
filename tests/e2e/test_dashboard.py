"""Browser test of the monitoring dashboard: a manager opens it, filters by measure, sees the charts drawn
by Chart.js (served locally, no inline script) and the same numbers in the tables; axe-core clean."""

import pytest

from grants.monitoring.catalogue import COMMON_CATALOGUE, load_catalogue
from grants.monitoring.dashboard import refresh_summaries
from grants.monitoring.tests import factories as f

from .test_application_journey import assert_accessible
from .test_evaluation import browser, sign_in  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.e2e


def test_a_manager_filters_the_dashboard_and_reads_chart_and_table(live_server, transactional_db, browser):  # noqa: F811
    load_catalogue(COMMON_CATALOGUE)  # the transactional database lost the data migration's rows
    project = f.fse_project()
    other = f.ProjectFactory()  # another measure, filtered out below
    for n in range(3):
        f.participant(project, 700 + n, sesso="F" if n else "M")
    refresh_summaries()
    boss = f.manager(first_name="Laura", last_name="Bianchi")

    page = sign_in(browser, live_server, boss, "/monitoraggio/")
    assert_accessible(page)
    assert "142.400,00 €" in page.locator("[data-testid=total-granted]").inner_text()  # both projects

    page.select_option("#filter-measure", str(project.call.measure_id))
    page.select_option("#filter-per", "call")
    page.get_by_role("button", name="Applica i filtri").click()
    page.wait_for_load_state()
    assert f"measure={project.call.measure_id}" in page.url
    assert "71.200,00 €" in page.locator("[data-testid=total-granted]").inner_text()
    table = page.locator("[data-testid=money-table]").inner_text()
    assert project.call.title in table and other.call.title not in table
    # Chart.js drew on the canvas (it sizes it and keeps its instance on the element).
    drawn = page.evaluate(
        "() => !!document.getElementById('chart-money').chart && window.Chart !== undefined"
    )
    assert drawn
    assert page.locator("#chart-money").bounding_box()["height"] > 50
    indicators = page.locator("[data-testid=indicator-table]").inner_text()
    assert "PART" in indicators and "CO16" in indicators  # the manager holds the sensitive permission
    assert_accessible(page)
    assert page.script_errors == []
    with page.expect_download() as download:
        page.locator("[data-testid=export-xlsx]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.context.close()

"""The de minimis visura walked from the home page through the menu and the pages' own links only (#17), at
1280 px and on a 390 px phone with nothing wider than the screen: the officer of a de minimis call opens a
submitted application, follows it to the applicant's de minimis register, imports the RNA visura (XML) and
sees the imported aid; the applicant's member does the same from "Le mie organizzazioni" with the CSV."""

from pathlib import Path

import pytest

from grants.evaluation.tests.factories import OFFICER_PERMISSIONS, scored_call, staff, submitted
from grants.programme.models import StateAidRegime
from grants.registry.tests.test_visura import CSV, XML

from .test_evaluation import browser  # noqa: F401 - the browser fixture
from .test_menus import WIDTHS, menu, open_home, work_entry
from .test_walk_finance import de_minimis_regulations, follow  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e
REGISTRY_OFFICER = (*OFFICER_PERMISSIONS, "registry.view_organisation", "registry.change_organisation")


def import_visura(page, path: Path) -> None:
    page.get_by_test_id("visura-form").locator("input[type=file]").set_input_files(str(path))
    follow(page, page.get_by_role("button", name="Importa la visura"))
    main = page.locator("main")
    assert "Visura RNA importata:" in main.locator(".alert-success, [role=status], .alert").first.inner_text()
    aid = main.locator("section[aria-labelledby=aiuti]").inner_text()
    assert "Camera di commercio di Torino" in aid and "Importato dalla visura RNA" in aid


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_imports_the_visura(live_server, de_minimis_regulations, browser, width, tmp_path):  # noqa: F811
    call = scored_call(state_aid_regime=StateAidRegime.DE_MINIMIS)
    application = submitted(call=call)
    company = application.applicant
    visura = tmp_path / "visura.xml"
    visura.write_text(XML.format(cf=company.fiscal_code), encoding="utf-8")

    page = open_home(browser, live_server, width, staff(*REGISTRY_OFFICER))
    work_entry(page, width, "nav-my-calls")
    follow(page, page.get_by_test_id(f"call-applications-{call.code}"))
    follow(page, page.get_by_role("link", name=application.protocol))
    follow(page, page.get_by_role("link", name="Registro de minimis"))
    assert company.name in page.locator("main").inner_text()
    import_visura(page, visura)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_member_imports_the_visura(live_server, de_minimis_regulations, browser, width, tmp_path):  # noqa: F811
    from grants.applications.tests.factories import member_of

    user, company = member_of(name="Impresa Sociale Alfa")
    visura = tmp_path / "visura.csv"
    visura.write_bytes(CSV.format(cf=company.fiscal_code).encode("cp1252"))

    page = open_home(browser, live_server, width, user)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie organizzazioni"))
    follow(page, page.get_by_role("link", name=company.name))
    follow(page, page.get_by_role("link", name="Registro de minimis"))
    import_visura(page, visura)
    page.context.close()

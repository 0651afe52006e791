"""Finance journeys walked as their users from the home page through the menu and the pages' own links only
(#17), at 1280 px and on a 390 px phone with nothing wider than the screen: the beneficiary imports a
FatturaPA e-invoice into its draft expense claim and reads it (the official stylesheet's rendering in a
sandboxed frame), the controller opens the same invoice from the claims to check; the beneficiary declares
the dedicated account and the head of measure downloads the SEPA file of the approved payments; the officer
exports the RNA records as CSV and XML. Data are built with the factories, not through the pages."""

import importlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from grants.finance import services
from grants.finance.rna.xml import validation_errors
from grants.finance.tests import factories as f
from grants.finance.tests.test_einvoices import invoice_xml
from grants.programme.models import StateAidRegime
from grants.projects.tests.factories import ProjectFactory, project_call, project_officer

from .test_application_journey import assert_accessible
from .test_evaluation import browser  # noqa: F401 - the browser fixture
from .test_menus import WIDTHS, menu, no_overflow, open_home, work_entry
from .test_menus import follow as follow_link

pytestmark = pytest.mark.e2e
REGULATION_MIGRATIONS = ("0004_de_minimis_regulations", "0010_de_minimis_regulation_families")
SUPPLIER = "Formazione Subalpina Srl"  # the supplier of the sample invoice (fixtures/fattura_FPR12.xml)


RAW_VALUES = re.compile(r"\b(None|True|False|nan)\b")


def plain_text(page) -> None:
    """No Python value shown to users as it is stored (None, True, False)."""
    found = RAW_VALUES.findall(page.locator("main").inner_text())
    assert not found, f"{page.url}: {found} shown to users"


def follow(page, locator) -> None:
    """A link or button of the page (as ``test_menus.follow``), then the page's text checked."""
    follow_link(page, locator)
    plain_text(page)


@pytest.fixture
def de_minimis_regulations(transactional_db):
    """The de minimis regulations shipped by the registry's migrations: a transactional test empties every
    table when it ends, the data the migrations loaded included, so they are loaded again here."""
    from django.apps import apps

    for name in REGULATION_MIGRATIONS:
        importlib.import_module(f"grants.registry.migrations.{name}").load(apps, None)


def nav(page, width: int, name: str) -> None:
    """An entry of the main menu (not the staff's work menu)."""
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name=name, exact=True))


def read_invoice(page) -> None:
    """On the claim: the link to the readable invoice, its page and the official rendering in the frame."""
    follow(page, page.get_by_test_id("einvoice-link"))
    assert SUPPLIER in page.locator("main").inner_text()
    assert "Fattura (TD01)" in page.locator("main").inner_text()
    frame = page.get_by_test_id("einvoice-document")
    assert frame.get_attribute("sandbox") == ""
    frame.scroll_into_view_if_needed()  # the frame loads lazily
    assert SUPPLIER in page.frame_locator("[data-testid=einvoice-document]").locator("body").inner_text()
    no_overflow(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_einvoice_imported_and_read(live_server, transactional_db, browser, width, tmp_path: Path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    project = f.ProjectFactory()
    beneficiary = f.beneficiary_user(project)
    claim = services.create_claim(actor=beneficiary, project=project)
    invoice = tmp_path / "IT12345670017_00001.xml"
    invoice.write_bytes(invoice_xml(cup=project.cup))

    page = open_home(browser, live_server, width, beneficiary)
    nav(page, width, "Pagamenti")
    follow(page, page.get_by_role("link", name=project.title))
    follow(page, page.get_by_test_id("claims").get_by_role("link", name=str(claim)))
    page.set_input_files("#f-einvoice_file", str(invoice))
    page.fill("#f-einvoice_payment_date", (f.today() - timedelta(days=2)).isoformat())
    follow(page, page.get_by_role("button", name="Importa la fattura"))
    assert page.get_by_test_id("einvoice-link").count() == 1
    read_invoice(page)
    if width == WIDTHS[0]:
        assert_accessible(page)
    page.context.close()

    # The controller reaches the same invoice from the claims assigned to them.
    checker = f.controller(first_name="Carla", last_name="Bianchi")
    services.submit_claim(actor=beneficiary, claim=claim)
    services.assign_controller(actor=f.officer(), claim=claim, controller=checker)
    page = open_home(browser, live_server, width, checker)
    work_entry(page, width, "nav-checks")
    follow(page, page.get_by_role("link", name=str(claim)))
    read_invoice(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_dedicated_account_and_sepa_export(live_server, transactional_db, browser, width):  # noqa: F811
    project = f.ProjectFactory()
    beneficiary = f.beneficiary_user(project)

    page = open_home(browser, live_server, width, beneficiary)
    nav(page, width, "Pagamenti")
    follow(page, page.get_by_role("link", name=project.title))
    page.fill("#f-iban", f.IBAN)
    page.fill("#f-operator_name_0", f.OPERATOR["name"])
    page.fill("#f-operator_fiscal_code_0", f.OPERATOR["fiscal_code"])
    follow(page, page.get_by_role("button", name="Dichiara il conto dedicato"))
    assert f.IBAN in page.get_by_test_id("dedicated-account").inner_text()
    page.context.close()

    clerk, boss = f.officer(), f.manager()
    payment = services.propose_payment(
        actor=clerk, project=project, kind="advance", guarantee=f.guarantee(project, actor=clerk)
    )
    services.approve_payment(actor=boss, payment=payment)

    page = open_home(browser, live_server, width, boss)
    work_entry(page, width, "nav-payments")
    rows = page.get_by_test_id("exportable-payments")
    assert f.IBAN in rows.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Scarica il flusso SEPA (pain.001)").click()
    document = etree.fromstring(Path(download.value.path()).read_bytes())
    assert document.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}Document"
    assert f.IBAN in etree.tostring(document).decode()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_rna_records_exported(live_server, de_minimis_regulations, browser, width):  # noqa: F811
    call = project_call(state_aid_regime=StateAidRegime.DE_MINIMIS)
    call.rna_car = "12345"
    call.save(update_fields=["rna_car"])
    project = ProjectFactory(call=call)  # the grant's registration record (on commit: no transaction here)

    page = open_home(browser, live_server, width, project_officer())
    work_entry(page, width, "nav-rna")
    assert project.title in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("rna-csv").click()
    assert project.beneficiary.fiscal_code in Path(download.value.path()).read_text(encoding="utf-8-sig")
    with page.expect_download() as download:
        page.get_by_test_id("rna-xml").click()
    assert validation_errors(Path(download.value.path()).read_bytes()) == []
    follow(page, page.get_by_role("link", name=project.title))
    assert project.beneficiary.fiscal_code in page.locator("main").inner_text()
    page.context.close()

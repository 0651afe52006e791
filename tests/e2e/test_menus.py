"""Every role starts at the home page and reaches its work from the menu only, at 1280 px and on a 390 px
phone, and no page is wider than the screen (#17): the citizen, the applicant, the officer of a call (its
submitted applications), the evaluator (the applications to score), the head of measure (the call's work),
the controller (the claims to check). Debian's Chromium driven by Playwright."""

import pytest

from grants.evaluation import services
from grants.evaluation.tests.factories import evaluator, manager, officer, scored_call, submitted
from grants.finance.tests import factories as finance_factories
from grants.registry.tests.factories import PASSWORD

from .test_evaluation import browser  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.e2e
WIDTHS = (1280, 390)


def no_overflow(page) -> None:
    """The page is not wider than the window (nothing to scroll sideways)."""
    width, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{page.url}: {width} px wide on a {inner} px screen"


def open_home(chromium, live_server, width: int, user=None):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="it-IT")
    page = context.new_page()
    if user is not None:
        page.goto(f"{live_server.url}/accedi/?next=/")
        page.get_by_role("textbox", name="E-mail").fill(user.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
    else:
        page.goto(f"{live_server.url}/")
    no_overflow(page)
    return page


def menu(page, width: int):
    """Open the main menu where it is collapsed (phones)."""
    if width < 992:
        page.locator(".custom-navbar-toggler").click()
        page.locator("#main-nav").wait_for(state="visible")


def follow(page, locator) -> None:
    locator.click()
    page.wait_for_load_state()
    no_overflow(page)


def work_entry(page, width: int, testid: str) -> None:
    """The staff's "Area di lavoro" and one of its entries."""
    menu(page, width)
    page.get_by_test_id("work-menu").click()
    follow(page, page.get_by_test_id(testid))


@pytest.mark.parametrize("width", WIDTHS)
def test_citizen_and_applicant(live_server, transactional_db, browser, width):  # noqa: F811
    call = scored_call()
    application = submitted(call=call)
    page = open_home(browser, live_server, width)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Bandi", exact=True))
    assert call.title in page.content()
    page.context.close()

    page = open_home(browser, live_server, width, application.created_by)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie domande"))
    assert application.protocol in page.content()
    assert page.get_by_test_id("work-menu").count() == 0  # not staff: no work menu
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_and_head_of_measure(live_server, transactional_db, browser, width):  # noqa: F811
    call = scored_call()
    application = submitted(call=call)
    for user in (officer(calls=[call]), manager()):
        page = open_home(browser, live_server, width, user)
        assert page.locator("#main-nav").get_by_role("link", name="Le mie domande").count() == 0
        work_entry(page, width, "nav-my-calls")
        follow(page, page.get_by_test_id(f"call-applications-{call.code}"))
        follow(page, page.get_by_role("link", name=application.protocol))
        assert application.title in page.content()
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_evaluator(live_server, transactional_db, browser, width):  # noqa: F811
    call = scored_call()
    application = submitted(call=call)
    boss, judge = manager(), evaluator(first_name="Paola", last_name="Verdi")
    panel = services.set_panel(actor=boss, call=call, evaluators_per_application=1)
    services.add_panel_member(actor=boss, panel=panel, user=judge, is_president=True)
    services.record_admissibility(actor=boss, application=application, answers={}, outcome="admissible")
    services.auto_assign(actor=boss, call=call)

    page = open_home(browser, live_server, width, judge)
    work_entry(page, width, "nav-assignments")
    assert application.protocol in page.content()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_controller(live_server, transactional_db, browser, width):  # noqa: F811
    controller = finance_factories.controller(first_name="Carla", last_name="Bianchi")
    page = open_home(browser, live_server, width, controller)
    work_entry(page, width, "nav-checks")
    assert page.locator("h1").inner_text()
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_partner(live_server, transactional_db, browser, width):  # noqa: F811
    """A partner organisation named by a lead confirms its participation from the menu; the lead sees it
    confirmed in the application's partners table."""
    from decimal import Decimal

    from grants.applications import services as application_services
    from grants.applications.tests.factories import member_of, ready_application

    call = scored_call(requires_partner_confirmation=True)
    application = ready_application(call=call)
    partner_user, partner_organisation = member_of(name="Cooperativa Partner")
    application_services.set_partners(
        actor=application.created_by,
        application=application,
        partners=[
            application_services.PartnerInput(organisation=partner_organisation, share_percent=Decimal(20))
        ],
    )
    page = open_home(browser, live_server, width, partner_user)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie domande"))
    follow(page, page.get_by_role("link", name="Adesioni ai partenariati"))
    follow(page, page.get_by_role("button", name="Conferma l'adesione"))
    assert "Confermata il" in page.locator("main").inner_text()
    page.context.close()

    # The lead sees the confirmation in the application's partners table, reached from its own menu.
    page = open_home(browser, live_server, width, application.created_by)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie domande"))
    follow(page, page.locator("main").get_by_role("link", name=application.title).first)
    follow(page, page.locator("main").get_by_role("link", name="Partenariato").first)
    row = page.get_by_test_id("partners-table").locator("tr", has_text="Cooperativa Partner")
    assert "Confermata il" in row.inner_text()
    page.context.close()

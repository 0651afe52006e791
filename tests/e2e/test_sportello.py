"""Browser test of the sportello valutativo: the head of measure goes from the home page through the menu
to the queue of a first-come call, funds the first booked application with a determination (confirming
the irreversible act) and finds its project. Debian's Chromium driven by Playwright; pages checked with
axe-core."""

from decimal import Decimal

import pytest

from grants.evaluation import services
from grants.evaluation.tests.factories import (
    FULL_MARKS,
    MANAGER_PERMISSIONS,
    admissible,
    evaluate,
    panel_with,
    scored_call,
    staff,
    submitted,
)

from .test_application_journey import assert_accessible
from .test_evaluation import browser, sign_in  # noqa: F401 - the browser fixture

pytestmark = pytest.mark.e2e


def test_the_head_of_measure_funds_a_booked_application_from_the_queue(
    live_server,
    transactional_db,
    browser,  # noqa: F811 - the fixture imported above
):
    boss = staff(
        *MANAGER_PERMISSIONS, "projects.view_project", "projects.manage_project", first_name="Renata"
    )
    call = scored_call(first_come=True, budget=Decimal("100000.00"), min_grant=None, max_grant=None)
    application = submitted(call=call, amount=Decimal("40000.00"))
    panel_with(call, members=1, per_application=1, actor=boss)
    admissible(application, actor=boss)
    services.auto_assign(actor=boss, call=call)
    evaluate(application.assignments.get(), FULL_MARKS)

    page = sign_in(browser, live_server, boss, "/")
    page.get_by_test_id("work-menu").click()  # the staff's "Area di lavoro"
    page.get_by_test_id("nav-desk").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name=call.title).click()
    page.wait_for_load_state()
    assert application.protocol in page.get_by_test_id("desk-queue").inner_text()
    assert_accessible(page)
    page.get_by_test_id("desk-decide").click()
    page.wait_for_load_state()
    page.get_by_label("Numero della determinazione").fill("DD 321/A1902A")
    page.get_by_label("Data della determinazione").fill("2026-01-20")
    page.get_by_role("button", name="Prosegui alla conferma").click()
    page.wait_for_load_state()
    assert "la determinazione è definitiva" in page.get_by_test_id("desk-confirm").inner_text()
    page.get_by_role("button", name="Conferma e registra la determinazione").click()
    page.wait_for_load_state()
    assert "Finanziata" in page.get_by_test_id(f"desk-row-{application.pk}").inner_text()
    assert "DD 321/A1902A" in page.get_by_test_id("desk-decisions").inner_text()
    page.goto(f"{live_server.url}/progetti/")
    page.get_by_role("link", name="Tutti i progetti (gestione)").click()
    page.wait_for_load_state()
    assert application.title in page.locator("main").inner_text()
    assert not page.script_errors
    page.context.close()

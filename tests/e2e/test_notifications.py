"""Browser test of notifications: a delegate is granted (a notification reaches them), they see the unread
count in the header, open the list, mark the notification read (htmx) and switch off the e-mail of an event.
Debian's Chromium driven by Playwright; each page is checked with axe-core."""

import shutil

import pytest

from grants.notifications import events
from grants.notifications.models import Notification, NotificationPreference
from grants.registry import services as registry_services
from grants.registry.tests.factories import OrganisationFactory, UserFactory

from .test_application_journey import CHROMIUM, CHROMIUM_ARGS, assert_accessible
from .test_evaluation import sign_in

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


def test_a_notification_is_seen_read_and_its_email_switched_off(live_server, transactional_db, browser):
    representative = UserFactory(first_name="Lucia", last_name="Bianchi")
    organisation = OrganisationFactory(name="Cooperativa Aurora", representative=representative)
    delegate = UserFactory(first_name="Marco", last_name="Verdi")
    registry_services.grant_delegate(actor=representative, organisation=organisation, email=delegate.email)
    notification = Notification.objects.get(user=delegate)

    page = sign_in(browser, live_server, delegate, "/domande/")
    header = page.locator("[data-testid=notifications-link]")
    assert header.locator("[data-testid=unread-count]").inner_text().startswith("1")

    header.click()
    page.wait_for_url("**/notifiche/")
    item = page.locator("[data-testid=notification]")
    assert "Cooperativa Aurora" in item.inner_text()
    assert_accessible(page)

    item.locator("[data-testid=mark-read]").click()
    page.get_by_role("button", name="Segna come non letta").wait_for()
    # The header hears the change (htmx event) and drops the count.
    page.locator("[data-testid=notifications-link] [data-testid=unread-count]").wait_for(state="detached")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert_accessible(page)

    page.get_by_role("link", name="Preferenze e-mail").click()
    page.wait_for_url("**/notifiche/preferenze/")
    assert_accessible(page)
    # Bootstrap Italia draws the checkbox on its label: the label takes the click.
    page.locator(f"label[for=id_{events.RANKING_PUBLISHED}]").click()
    page.get_by_role("button", name="Salva le preferenze").click()
    page.wait_for_load_state()
    assert "Preferenze salvate." in page.content()
    assert not page.get_by_label(str(events.EVENTS[events.RANKING_PUBLISHED].label)).is_checked()
    assert not NotificationPreference.objects.get(user=delegate, event=events.RANKING_PUBLISHED).email
    assert NotificationPreference.objects.get(user=delegate, event=events.DELEGATION_CHANGED).email
    assert page.script_errors == []
    page.context.close()

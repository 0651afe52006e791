"""Notices of intended rejection and integration requests walked from the home page through the menu and the
pages' own links only (#17), in plain Italian:

- the officer of a first-come call (sportello) finds in the desk queue two applications flagged below the
  call's minimum score, sends the notice of intended rejection (art. 10-bis L. 241/1990) to one, sees it not
  yet read by an applicant without PEC, and after the observations decides: one not eligible (the booking is
  released and the waiting list moves up), the other observations accepted (back to the panel);
- an applicant organisation without PEC opens an integration request from its notifications, and a notice of
  intended rejection from its application: the first reading (presa visione) is recorded and the page shows
  the deadline that now runs from it;
- the officer sees, on the formal check of an application, its integration request "non ancora avvenuta" (not
  yet read, no term running) and, once the applicant has opened it, when it was read and its deadline.

The sportello walk is long, so it is walked once at 1280 px (its phone menu at 390 px) and every page it
reaches is also looked at on a 390 px phone, with nothing wider than the screen; the short walks run at both
widths, as the other walks. Data are built with the factories and services, not through the
pages."""

from decimal import Decimal

import pytest

from grants.applications.states import ApplicationStatus, BookingOutcome
from grants.evaluation import services
from grants.evaluation.models import RejectionNoticeStatus, RejectionOutcome
from grants.evaluation.tests.factories import (
    LOW_MARKS,
    admissible,
    evaluate,
    officer,
    panel_with,
    scored_call,
    submitted,
    without_pec,
)
from grants.transparency.templatetags.public_format import rome_datetime

from .test_application_journey import assert_accessible
from .test_evaluation import browser  # noqa: F401 - the browser fixture
from .test_menus import WIDTHS, menu, no_overflow, open_home, work_entry
from .test_walk_finance import follow

pytestmark = pytest.mark.e2e
DESKTOP, PHONE = WIDTHS


def on_a_phone_too(page) -> None:
    """The page reached at 1280 px, looked at on a 390 px phone: nothing wider than the screen."""
    page.set_viewport_size({"width": PHONE, "height": 900})
    no_overflow(page)
    page.set_viewport_size({"width": DESKTOP, "height": 900})


def step(page, locator) -> None:
    """A link or button of the page, then the page reached at both widths."""
    follow(page, locator)
    on_a_phone_too(page)


def desk_queue(page, call, width: int = DESKTOP) -> None:
    """Area di lavoro, Sportello, the call's booked applications."""
    work_entry(page, width, "nav-desk")
    if width == DESKTOP:
        on_a_phone_too(page)
    step(page, page.locator("main").get_by_role("link", name=call.title))


def row(page, application):
    return page.get_by_test_id(f"desk-row-{application.pk}")


def test_officer_sends_the_notice_on_a_score_below_the_minimum_then_decides(
    live_server,
    transactional_db,
    browser,  # noqa: F811
):
    call = scored_call(first_come=True, budget=Decimal("100000.00"), min_grant=None, max_grant=None)
    rejected = without_pec(submitted(call=call, amount=Decimal("50000.00")))
    accepted = without_pec(submitted(call=call, amount=Decimal("40000.00")))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    assert waiting.booking_outcome == BookingOutcome.WAITING
    clerk = officer(first_name="Giulia", last_name="Ferri")
    panel_with(call, members=1, per_application=1, actor=clerk)
    for application in (rejected, accepted):
        admissible(application, actor=clerk)
    services.auto_assign(actor=clerk, call=call)
    for application in (rejected, accepted):
        evaluate(application.assignments.get(), LOW_MARKS)
    services.notify_intended_rejection(actor=clerk, application=accepted, reasons="Punteggio insufficiente.")

    # The queue flags the application below the minimum; its page sends the notice, reasons prefilled.
    page = open_home(browser, live_server, PHONE, clerk)
    desk_queue(page, call, PHONE)  # the phone's menu; from the queue on, 1280 px (each page also at 390 px)
    assert "Sotto il minimo: inviare il preavviso di rigetto" in row(page, rejected).inner_text()
    # The notice already sent to the other one: no PEC, not read yet, so its term has not started.
    assert "non ancora letto dal proponente, il termine non è iniziato" in row(page, accepted).inner_text()
    assert_accessible(page)
    step(page, row(page, rejected).get_by_role("link", name="Invia il preavviso di rigetto"))
    assert "sotto il minimo" in page.locator("h1").inner_text()
    assert page.get_by_test_id("threshold-failures").count() == 1
    assert page.locator("#id_notice_reasons").input_value().strip()  # the thresholds missed, prefilled
    # Without PEC the notice goes to the reserved area, its term from the first reading; the form says so.
    assert "dalla presa visione nell'area riservata" in page.locator("label[for=id_term_days]").inner_text()
    assert "(senza PEC)" in page.locator("label[for=id_notice_confirm]").inner_text()
    assert_accessible(page)
    page.locator("label[for=id_notice_confirm]").click()  # Bootstrap Italia draws the box on its label
    step(page, page.get_by_role("button", name="Invia il preavviso di rigetto"))
    main = page.locator("main").inner_text()
    assert "Preavviso di rigetto inviato al proponente." in main
    assert page.get_by_test_id("notice-status").inner_text() == "Preavviso di rigetto inviato"
    # Without PEC the term runs from the applicant's first reading, which has not happened yet.
    notices = page.get_by_test_id("score-notices").inner_text()
    assert "termine dalla presa visione nell'area riservata, non ancora avvenuta" in notices
    assert "non è ancora iniziato" in page.get_by_test_id("term-running").inner_text()
    rejected.refresh_from_db()
    assert rejected.status == ApplicationStatus.REJECTION_NOTIFIED
    notice = services.latest_notice(rejected)
    assert notice.term_from_reading and notice.deadline is None and notice.seen_at is None

    # The applicants read their notices and send their observations.
    for application, text in (
        (rejected, "Il punteggio del criterio A non considera il cofinanziamento."),
        (accepted, "Il criterio B è stato valutato sul piano finanziario sbagliato."),
    ):
        member = application.created_by
        read = services.record_reading(actor=member, target=services.latest_notice(application))
        services.submit_observations(actor=member, notice=read, text=text)

    # Later, from the menu again: not eligible, after the confirmation of the irreversible act.
    desk_queue(page, call)
    assert "1 domanda in lista d'attesa" in page.locator("main").inner_text()
    assert waiting.protocol not in page.get_by_test_id("desk-queue").inner_text()
    link = row(page, rejected).get_by_role("link", name="Decidi dopo il preavviso")
    step(page, link)
    notices = page.get_by_test_id("score-notices").inner_text()
    assert "letto dal proponente il" in page.get_by_test_id("notice-seen").inner_text()
    assert "osservazioni entro il" in notices
    assert "non considera il cofinanziamento" in page.get_by_test_id("observations").inner_text()
    page.locator("label[for=id_outcome_not_eligible]").click()
    page.fill("#id_decision_reasons", "Le osservazioni non riguardano i criteri sotto soglia.")
    step(page, page.get_by_role("button", name="Registra la decisione"))
    assert "La decisione è irreversibile" in page.get_by_test_id("confirm-not-eligible").inner_text()
    rejected.refresh_from_db()
    assert rejected.status == ApplicationStatus.REJECTION_NOTIFIED  # nothing happens before the confirmation
    step(page, page.get_by_role("button", name="Conferma: non idonea"))
    assert "la prenotazione è liberata e la lista d'attesa scorre" in page.locator("main").inner_text()
    assert waiting.protocol in page.get_by_test_id("desk-queue").inner_text()  # moved up from the list
    assert "0 domande in lista d'attesa" in page.locator("main").inner_text()
    rejected.refresh_from_db()
    waiting.refresh_from_db()
    notice.refresh_from_db()
    assert rejected.status == ApplicationStatus.NOT_ELIGIBLE
    assert rejected.booking_outcome == BookingOutcome.RELEASED
    assert waiting.booking_outcome == BookingOutcome.BOOKED
    assert notice.outcome == RejectionOutcome.NOT_ELIGIBLE and notice.decided_by == clerk

    # The other one: observations accepted, back to the panel for a new score.
    step(page, row(page, accepted).get_by_role("link", name="Decidi dopo il preavviso"))
    page.locator("label[for=id_outcome_accepted]").click()
    page.fill("#id_decision_reasons", "Il criterio B va rivisto sul piano finanziario corretto.")
    step(page, page.get_by_role("button", name="Registra la decisione"))
    assert "la domanda torna al nucleo per il nuovo punteggio" in page.locator("main").inner_text()
    flagged = row(page, accepted).inner_text()
    assert "il nucleo deve fissare il nuovo punteggio" in flagged and "Valutata" in flagged
    accepted.refresh_from_db()
    assert accepted.status == ApplicationStatus.EVALUATED
    assert accepted.booking_outcome == BookingOutcome.BOOKED
    assert services.latest_notice(accepted).outcome == RejectionOutcome.ACCEPTED
    assert services.rescore_pending(accepted)
    assert_accessible(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_applicant_without_pec_opens_an_integration_request_and_its_term_starts(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    width,
):
    call = scored_call()
    application = without_pec(submitted(call=call))
    integration = services.request_integration(
        actor=officer(calls=[call]), application=application, items=["Visura camerale aggiornata"]
    )
    assert integration.term_from_reading and integration.deadline is None

    page = open_home(browser, live_server, width, application.created_by)
    follow(page, page.get_by_test_id("notifications-link"))
    notification = page.get_by_test_id("notification").filter(has_text="Richiesta di integrazione")
    assert "dalla presa visione di questa richiesta" in notification.inner_text()
    follow(page, notification.get_by_role("link", name="Apri"))

    integration.refresh_from_db()
    assert integration.seen_by == application.created_by and integration.seen_at is not None
    assert integration.deadline is not None
    deadline = page.get_by_test_id("integration-deadline").inner_text()
    assert f"Scadenza: {rome_datetime(integration.deadline)} (ora di Roma)" in deadline
    told = page.locator("main").inner_text()
    assert "Avete preso visione della richiesta di integrazione" in told  # the communication, listed
    assert page.get_by_role("textbox", name="Visura camerale aggiornata").is_visible()  # the form is open
    if width == DESKTOP:
        assert_accessible(page)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_applicant_without_pec_opens_a_notice_of_intended_rejection_and_its_term_starts(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    width,
):
    call = scored_call()
    application = without_pec(submitted(call=call))
    notice = services.notify_intended_rejection(
        actor=officer(calls=[call]), application=application, reasons="Manca la visura camerale."
    )

    page = open_home(browser, live_server, width, application.created_by)
    menu(page, width)
    follow(page, page.locator("#main-nav").get_by_role("link", name="Le mie domande"))
    follow(page, page.locator("main").get_by_role("link", name=application.title).first)
    alert = page.get_by_test_id("open-rejection-notice").inner_text()
    assert "il termine parte quando aprite il preavviso" in alert
    follow(page, page.get_by_role("link", name="Leggi i motivi e presenta le osservazioni"))

    notice.refresh_from_db()
    assert notice.seen_by == application.created_by and notice.deadline is not None
    assert notice.status == RejectionNoticeStatus.OPEN
    deadline = page.get_by_test_id("notice-deadline").inner_text()
    assert f"Osservazioni entro il {rome_datetime(notice.deadline)} (ora di Roma)" in deadline
    assert "Avete preso visione del preavviso di rigetto" in page.locator("main").inner_text()
    assert "Manca la visura camerale." in page.get_by_test_id("notice-reasons").inner_text()
    assert page.locator("#id_observations").is_visible()
    if width == DESKTOP:
        assert_accessible(page)
    page.context.close()


def formal_check(page, width: int, application) -> None:
    """Area di lavoro, I miei bandi, the call's Istruttoria e valutazione, the application's formal check."""
    work_entry(page, width, "nav-my-calls")
    follow(page, page.get_by_test_id("my-calls").get_by_role("link", name="Istruttoria e valutazione"))
    applications = page.get_by_test_id("evaluation-applications")
    follow(page, applications.get_by_role("link", name=application.protocol))


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_sees_the_integration_request_not_yet_read_then_read(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    width,
):
    call = scored_call()
    application = without_pec(submitted(call=call))
    clerk = officer(calls=[call], first_name="Giulia", last_name="Ferri")
    integration = services.request_integration(
        actor=clerk, application=application, items=["Visura camerale aggiornata"]
    )

    page = open_home(browser, live_server, width, clerk)
    formal_check(page, width, application)
    requests = page.get_by_test_id("integration-requests")
    unread = requests.get_by_test_id("integration-awaits-reading").inner_text()
    assert "dalla presa visione nell'area riservata (10 giorni), non ancora avvenuta" in unread
    assert requests.get_by_test_id("integration-seen").count() == 0
    integration.refresh_from_db()
    assert integration.seen_at is None and integration.deadline is None  # an officer reading starts nothing
    if width == DESKTOP:
        assert_accessible(page)

    # The applicant opens it; the officer comes back the same way, from the menu of the page they are on.
    integration = services.record_reading(actor=application.created_by, target=integration)
    formal_check(page, width, application)
    requests = page.get_by_test_id("integration-requests").inner_text()
    assert f"scadenza {rome_datetime(integration.deadline)}" in requests
    assert f"letta dal proponente il {rome_datetime(integration.seen_at)}" in requests
    page.context.close()

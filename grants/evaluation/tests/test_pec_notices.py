"""The evaluation's formal notices by PEC (#18): the integration request, whose term counts from the
delivery of the PEC, and the grant decision, both issued in the transaction of the act; an organisation
without PEC still gets the act, and the officer sees why nothing was sent."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from grants.core.models import AuditEvent
from grants.core.timeutils import end_of_day, in_rome, now
from grants.evaluation import services
from grants.evaluation.models import IntegrationRequest, IntegrationStatus, Notice
from grants.notifications.pec.models import PecKind, PecNotice, PecStatus
from grants.registry.tests.factories import staff_user

from .factories import (
    DETERMINATION,
    deliver_pec,
    evaluated_call,
    manager,
    officer,
    scored_call,
    submitted,
    without_pec,
)

pytestmark = pytest.mark.django_db
GOOD = {"A1": "8", "A2": "12", "B1": "25", "B2": "25", "E1": "0"}


def _notice_of(request: IntegrationRequest) -> PecNotice:
    return PecNotice.objects.get(kind=PecKind.INTEGRATION_REQUEST, target_id=str(request.pk))


def test_the_integration_request_goes_by_pec_and_its_term_counts_from_the_delivery(
    client, django_capture_on_commit_callbacks
):
    application = submitted(call=scored_call())
    with django_capture_on_commit_callbacks() as queued:
        request = services.request_integration(
            actor=officer(), application=application, items=["Visura camerale", "Statuto"], message="Grazie."
        )

    notice = _notice_of(request)
    assert any("issue_notice" in f.__qualname__ for f in queued)  # sent by the task once the act commits
    assert notice.recipient == application.applicant.pec and notice.organisation == application.applicant
    assert notice.status == PecStatus.QUEUED and notice.term_days == request.term_days == 10
    assert notice.call == application.call
    for text in (application.protocol, application.call.title, "Visura camerale", "10 giorni dalla consegna"):
        assert text in notice.body
    assert "soccorso istruttorio" in notice.body
    assert request.deadline is None  # the term has not started

    # nothing expires while the PEC is not delivered, however late the job runs
    assert services.expire_integration_requests(now() + timedelta(days=365)) == []

    delivered_at = datetime(2026, 12, 9, 18, 30)  # the receipt's clock, +01:00
    deliver_pec(notice, moment=delivered_at)
    request.refresh_from_db()
    notice.refresh_from_db()
    expected = end_of_day(in_rome(notice.delivered_at).date() + timedelta(days=10))
    assert request.deadline == expected == notice.deadline
    assert in_rome(request.deadline).date().isoformat() == "2026-12-19"
    event = AuditEvent.objects.get(action="integration.deadline_set", object_id=str(request.pk))
    assert "consegna della PEC" in event.reason
    told = Notice.objects.filter(application=application).first()  # the latest
    assert "19/12/2026 23:59" in told.body and "consegnata il 09/12/2026" in told.body

    client.force_login(application.created_by)
    page = client.get(reverse("evaluation:integration_answer", args=[request.pk])).content.decode()
    assert "termine dalla consegna della PEC" not in page and "19/12/2026" in page

    # a second delivery receipt (another provider's copy) moves nothing
    services.set_deadline_from_delivery(notice=notice)
    request.refresh_from_db()
    assert request.deadline == expected

    expired = services.expire_integration_requests(expected + timedelta(seconds=1))
    assert [a.pk for a in expired] == [application.pk]
    request.refresh_from_db()
    assert request.status == IntegrationStatus.EXPIRED


def test_without_pec_the_act_happens_the_term_runs_from_the_first_reading_and_the_officer_sees_why(client):
    application = without_pec(submitted(call=scored_call()))
    actor = officer()
    request = services.request_integration(actor=actor, application=application, items=["Statuto"])

    assert request.deadline is None and request.term_from_reading  # the term waits for the first reading
    assert "10 giorni dalla presa visione" in Notice.objects.filter(application=application).first().body
    assert services.expire_integration_requests(now() + timedelta(days=365)) == []  # nothing expires unread
    notice = _notice_of(request)
    assert notice.status == PecStatus.UNDELIVERABLE and "non ha un indirizzo PEC" in notice.error
    staff = staff_user("notifications.view_pecnotice", calls=[application.call])
    client.force_login(staff)
    page = client.get(reverse("notifications:pec_notices")).content.decode()
    assert application.applicant.name in page and "non ha un indirizzo PEC" in page

    # an officer reading the request starts nothing
    services.record_reading(actor=actor, target=request)
    request.refresh_from_db()
    assert request.seen_at is None and request.deadline is None

    # the applicant's first reading starts the term: the end of (that day + 10) in Rome, told and audited
    read_at = datetime(2026, 12, 10, 9, 15)  # +01:00
    member = application.created_by
    services.record_reading(actor=member, target=request, moment=read_at)
    request.refresh_from_db()
    assert request.seen_by == member
    assert request.deadline == end_of_day(in_rome(request.seen_at).date() + timedelta(days=10))
    assert in_rome(request.deadline).date().isoformat() == "2026-12-20"
    assert AuditEvent.objects.filter(action="integration.seen", object_id=str(request.pk)).count() == 1
    told = Notice.objects.filter(application=application).first()
    assert "20/12/2026 23:59" in told.body and "preso visione" in told.body

    # later readings move nothing, on the page or through the API
    client.force_login(member)
    page = client.get(reverse("evaluation:integration_answer", args=[request.pk])).content.decode()
    assert "20/12/2026" in page
    answer = client.get(f"/api/v1/integration-requests/{request.pk}").json()
    assert answer["seen_at"] is not None and answer["term_from_reading"] is True
    request.refresh_from_db()
    assert in_rome(request.deadline).date().isoformat() == "2026-12-20"
    assert AuditEvent.objects.filter(action="integration.seen", object_id=str(request.pk)).count() == 1


def test_without_pec_the_first_reading_on_the_page_starts_the_term(client):
    application = without_pec(submitted(call=scored_call()))
    request = services.request_integration(actor=officer(), application=application, items=["Statuto"])
    client.force_login(application.created_by)
    # the application's page does not speak of a PEC the organisation has not got (#17)
    detail = client.get(reverse("applications:application_detail", args=[application.pk])).content.decode()
    assert "10 giorni dalla presa visione" in detail and "consegna della PEC" not in detail
    page = client.get(reverse("evaluation:integration_answer", args=[request.pk])).content.decode()
    request.refresh_from_db()
    assert request.seen_at is not None
    assert in_rome(request.deadline).date() == in_rome(request.seen_at).date() + timedelta(days=10)
    assert in_rome(request.deadline).strftime("%d/%m/%Y") in page


@pytest.mark.parametrize("pec", [True, False])
def test_the_notice_form_of_the_formal_check_speaks_of_a_pec_only_when_there_is_one(client, pec):
    application = submitted(call=scored_call())
    if not pec:
        without_pec(application)
    client.force_login(officer())
    url = reverse("evaluation:admissibility", args=[application.call.code, application.pk])
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert ("Confermo l'invio del preavviso di rigetto via PEC" in page) is pec
    assert ("dalla presa visione nell'area riservata: il proponente non ha PEC" in page) is not pec


def test_a_refused_request_leaves_no_notice():
    application = submitted(call=scored_call())
    with pytest.raises(services.EvaluationError):
        services.request_integration(actor=officer(), application=application, items=[" "])
    assert not PecNotice.objects.exists()


def test_the_grant_decision_goes_by_pec_to_each_funded_applicant_with_the_ranking_approval():
    call, (a, b, _c), _ = evaluated_call(
        [("60000", GOOD), ("60000", {**GOOD, "B2": "35"}), ("10000", {**GOOD, "A1": "1", "A2": "1"})],
        budget=Decimal("100000.00"),
    )
    without_pec(a)
    ranking = services.compute_ranking(actor=officer(), call=call)
    with pytest.raises(RuntimeError), transaction.atomic():  # the notices share the act's transaction
        services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)
        raise RuntimeError
    assert not PecNotice.objects.exists()

    services.approve_ranking(actor=manager(), ranking=ranking, **DETERMINATION)

    notices = {n.target_id: n for n in PecNotice.objects.filter(kind=PecKind.GRANT_DECISION)}
    assert set(notices) == {str(a.pk), str(b.pk)}  # the not eligible one gets no grant decision
    full, partial = notices[str(b.pk)], notices[str(a.pk)]
    for text in (b.protocol, call.title, "determinazione n. DD 123/A1418A del 15/01/2026", "60.000,00"):
        assert text in full.body
    assert "Tribunale Amministrativo Regionale" in full.body and full.term_days == 60
    assert full.status == PecStatus.QUEUED and full.recipient == b.applicant.pec
    assert "40.000,00 € su 60.000,00 € richiesti" in partial.body
    assert partial.status == PecStatus.UNDELIVERABLE  # no PEC: the ranking is approved all the same


def test_a_slide_set_off_by_a_beneficiarys_renunciation_sends_the_grant_decision_as_the_platform():
    call, (a, b), _ = evaluated_call(
        [("50000", {**GOOD, "B2": "35"}), ("40000", GOOD)], budget=Decimal("50000.00")
    )
    services.approve_ranking(
        actor=manager(), ranking=services.compute_ranking(actor=officer(), call=call), **DETERMINATION
    )
    services.record_renunciation(actor=a.created_by, application=a, reason="Il progetto non parte")

    [slid] = PecNotice.objects.filter(kind=PecKind.GRANT_DECISION, target_id=str(b.pk))
    assert slid.created_by is None and "scorrimento della graduatoria" in slid.body

"""Two-phase calls (FSE1): an idea admitted by the approved preliminary ranking starts its executive project
only inside the second window (service, page, API), the executive project is sent only inside it, and it
is ranked in the final ranking."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants.applications import services as application_services
from grants.applications.states import ApplicationStatus, PartnerRole
from grants.applications.tests.factories import member_of
from grants.core.timeutils import format_rome, in_rome, now
from grants.evaluation import services
from grants.evaluation.models import EntryOutcome, RankingStage
from grants.evaluation.services import EvaluationError, WrongState
from grants.notifications.models import Notification

from .factories import (
    DETERMINATION,
    FULL_MARKS,
    LOW_MARKS,
    admissible,
    evaluate,
    manager,
    move_window,
    officer,
    ranked_ideas,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _before(window):
    return move_window(window, opens=now() + timedelta(days=2), closes=now() + timedelta(days=12))


def _after(window):
    return move_window(window, opens=now() - timedelta(days=12), closes=now() - timedelta(days=2))


def _budget(executive, amount=Decimal("60000.00")):
    return application_services.set_budget(
        actor=executive.created_by,
        application=executive,
        lines=[
            application_services.BudgetLineInput(category="personale", amount=amount, description="Staff")
        ],
    )


# --- service ----------------------------------------------------------------------------------------------
def test_inside_the_window_the_admitted_idea_starts_its_executive_project():
    call, [idea], _window = ranked_ideas([("50000", FULL_MARKS)])
    assert idea.ranking_entry.outcome == EntryOutcome.ADMITTED
    assert idea.status == ApplicationStatus.EVALUATED
    executive = services.create_executive_project(actor=idea.created_by, idea=idea)
    assert executive.preliminary == idea and executive.call == call
    assert executive.status == ApplicationStatus.DRAFT and executive.protocol_number is None
    assert executive.title == idea.title and executive.abstract == idea.abstract
    assert [p.role for p in executive.partners.all()] == [PartnerRole.LEAD]
    assert executive.partners.get().organisation == idea.applicant
    with pytest.raises(WrongState) as again:
        services.create_executive_project(actor=idea.created_by, idea=idea)
    assert again.value.code == "executive_exists"


def test_before_the_window_opens_the_executive_project_is_refused_with_the_dates():
    _call, [idea], window = ranked_ideas([("50000", FULL_MARKS)])
    window = _before(window)
    with pytest.raises(EvaluationError) as refused:
        services.create_executive_project(actor=idea.created_by, idea=idea)
    assert refused.value.code == "outside_executive_window" and refused.value.status == 422
    assert "non è ancora aperta" in refused.value.message
    assert format_rome(window.opens_at) in refused.value.message
    assert format_rome(window.closes_at) in refused.value.message
    assert refused.value.errors[0]["field"] == "executive_window"
    assert not idea.__class__.objects.filter(preliminary=idea).exists()


def test_after_the_window_closes_the_executive_project_is_refused_with_the_dates():
    _call, [idea], window = ranked_ideas([("50000", FULL_MARKS)])
    window = _after(window)
    with pytest.raises(EvaluationError) as refused:
        services.create_executive_project(actor=idea.created_by, idea=idea)
    assert refused.value.code == "outside_executive_window"
    assert "è chiusa" in refused.value.message and format_rome(window.closes_at) in refused.value.message
    assert not idea.__class__.objects.filter(preliminary=idea).exists()


def test_an_idea_not_admitted_has_no_executive_project_even_inside_the_window():
    _call, [good, poor], _window = ranked_ideas([("50000", FULL_MARKS), ("50000", LOW_MARKS)])
    assert poor.ranking_entry.outcome == EntryOutcome.NOT_ELIGIBLE
    assert poor.status == ApplicationStatus.NOT_ELIGIBLE
    with pytest.raises(WrongState) as refused:
        services.create_executive_project(actor=poor.created_by, idea=poor)
    assert refused.value.code == "idea_not_admitted"
    # and only the idea's own applicant starts it
    with pytest.raises(PermissionDenied):
        services.create_executive_project(actor=member_of()[0], idea=good)


def test_the_executive_project_is_sent_only_inside_the_window_and_ranked_in_the_final_ranking():
    call, [idea], window = ranked_ideas([("50000", FULL_MARKS)])
    executive = _budget(services.create_executive_project(actor=idea.created_by, idea=idea))
    _after(window)
    with pytest.raises(application_services.OutsideSubmissionWindow) as late:
        application_services.submit(
            actor=idea.created_by, application=executive, idempotency_key="exe-1", declarations_accepted=True
        )
    assert late.value.code == "outside_executive_window"
    move_window(window, opens=now() - timedelta(hours=1), closes=call.closes_at)
    executive = application_services.submit(
        actor=idea.created_by, application=executive, idempotency_key="exe-1", declarations_accepted=True
    ).application
    assert executive.status == ApplicationStatus.SUBMITTED

    actor = officer()
    admissible(executive, actor=actor)
    services.auto_assign(actor=actor, call=call)
    evaluate(executive.assignments.get(), FULL_MARKS)
    after_deadline = call.closes_at + timedelta(minutes=1)
    ranking = services.compute_ranking(
        actor=actor, call=call, stage=RankingStage.FINAL, moment=after_deadline
    )
    [entry] = ranking.entries.all()
    assert entry.application == executive and entry.outcome == EntryOutcome.FUNDED
    assert entry.granted == Decimal("60000.00")
    services.approve_ranking(actor=manager(), ranking=ranking, moment=after_deadline, **DETERMINATION)
    executive.refresh_from_db()
    idea.refresh_from_db()
    assert executive.status == ApplicationStatus.FUNDED
    assert idea.status == ApplicationStatus.EVALUATED  # the idea itself is never funded


def test_the_admission_notice_links_to_the_executive_project_page():
    _call, [idea], _window = ranked_ideas([("50000", FULL_MARKS)])
    notification = Notification.objects.filter(user=idea.created_by, subject__contains="ammessa").get()
    assert notification.link == reverse("evaluation:executive_project", args=[idea.pk])


# --- page ---------------------------------------------------------------------------------------------------
def test_the_page_shows_the_button_only_while_the_window_is_open(client):
    _call, [idea], window = ranked_ideas([("50000", FULL_MARKS)])
    url = reverse("evaluation:executive_project", args=[idea.pk])
    client.force_login(idea.created_by)
    detail = client.get(reverse("applications:application_detail", args=[idea.pk])).content.decode()
    assert url in detail

    window = _before(window)
    page = client.get(url).content.decode()
    assert "Avvia il progetto esecutivo" not in page
    assert "non è ancora aperta" in page
    assert in_rome(window.opens_at).strftime("%d/%m/%Y ore %H:%M") in page
    refused = client.post(url, follow=True).content.decode()
    assert "non è ancora aperta" in refused
    assert not idea.__class__.objects.filter(preliminary=idea).exists()

    _after(window)
    page = client.get(url).content.decode()
    assert "Avvia il progetto esecutivo" not in page and "è chiusa" in page

    move_window(window, opens=now() - timedelta(hours=1), closes=now() + timedelta(days=5))
    page = client.get(url).content.decode()
    assert "Avvia il progetto esecutivo" in page
    response = client.post(url)
    executive = idea.__class__.objects.get(preliminary=idea)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:application_detail", args=[executive.pk])
    page = client.get(url).content.decode()
    assert "Avvia il progetto esecutivo" not in page and "Apri il progetto esecutivo" in page


def test_the_page_of_an_idea_not_admitted_and_of_another_organisation(client):
    _call, [good, poor], _window = ranked_ideas([("50000", FULL_MARKS), ("50000", LOW_MARKS)])
    client.force_login(poor.created_by)
    page = client.get(reverse("evaluation:executive_project", args=[poor.pk])).content.decode()
    assert "non è ammessa alla seconda fase" in page and "Avvia il progetto esecutivo" not in page
    assert client.get(reverse("evaluation:executive_project", args=[good.pk])).status_code == 404


# --- API ----------------------------------------------------------------------------------------------------
def test_the_api_tells_the_window_and_refuses_outside_it_with_the_field(client):
    _call, [idea, poor], window = ranked_ideas([("50000", FULL_MARKS), ("50000", LOW_MARKS)])
    url = f"{API}/evaluation/applications/{idea.pk}/executive-project"
    client.force_login(idea.created_by)
    window = _before(window)
    state = client.get(url).json()
    assert state["admitted"] is True and state["is_open"] is False
    assert state["executive_application_id"] is None
    refused = client.post(url)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "outside_executive_window"
    assert body["errors"][0]["field"] == "executive_window"
    assert format_rome(window.opens_at) in body["detail"]

    _after(window)
    assert client.post(url).json()["code"] == "outside_executive_window"

    move_window(window, opens=now() - timedelta(hours=1), closes=now() + timedelta(days=5))
    created = client.post(url)
    assert created.status_code == 201
    assert created.json()["preliminary_id"] == idea.pk and created.json()["status"] == "draft"
    assert client.get(url).json()["executive_application_id"] == created.json()["id"]
    assert client.post(url).status_code == 409

    client.force_login(poor.created_by)
    not_admitted = client.post(f"{API}/evaluation/applications/{poor.pk}/executive-project")
    assert not_admitted.status_code == 409 and not_admitted.json()["code"] == "idea_not_admitted"
    assert client.get(url).status_code == 404  # another organisation's idea

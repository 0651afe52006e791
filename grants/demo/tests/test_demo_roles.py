"""After ``load_demo`` every documented role has work waiting: the applicant an open call to apply to, the
head of measure a closed call ready for its ranking and booked applications to decide at the sportello, the
controller a claim to check. Each is shown by doing the first step through the services."""

from datetime import date

import pytest
from django.core.management import call_command

from grants.accounts.models import User
from grants.applications import selectors as application_selectors
from grants.applications import services as application_services
from grants.applications.states import ApplicationStatus
from grants.core.timeutils import now
from grants.demo.projects import desk_call
from grants.demo.ranking import ranking_call
from grants.evaluation import desk, queue
from grants.evaluation import services as evaluation_services
from grants.evaluation.models import RankingEntry
from grants.finance.models import ExpenseClaim
from grants.finance.states import ClaimStatus
from grants.programme.models import Call
from grants.registry.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

APPLICANT = "presidenza@coop-ilponte.demo"
MANAGER = "responsabile@regione.demo"
DETERMINATION = {"determination_number": "DEMO-TEST/1", "determination_date": date(2026, 1, 15)}


def test_every_role_has_work_after_load_demo():
    call_command("load_demo")
    moment = now()
    manager = User.objects.get(email=MANAGER)

    # The applicant: an open call of the demo edition admits their organisation, and a draft starts.
    applicant = User.objects.get(email=APPLICANT)
    organisation = Organisation.objects.get(memberships__user=applicant, memberships__revoked_at=None)
    open_calls = Call.objects.filter(
        measure__programme__code="wecare-demo", status="published", opens_at__lte=moment, closes_at__gt=moment
    )
    call = next(c for c in open_calls if not application_selectors.applicant_eligibility(c, organisation))
    draft = application_services.create_draft(actor=applicant, organisation=organisation, call=call)
    assert draft.status == ApplicationStatus.DRAFT

    # The head of measure: a closed call whose applications are all evaluated; the ranking computes and
    # is approved.
    closed = ranking_call()
    assert closed is not None and closed.closes_at <= moment
    applications = closed.applications.exclude(protocol_number=None)
    assert applications.count() >= 2
    assert set(applications.values_list("status", flat=True)) == {ApplicationStatus.EVALUATED}
    assert all(a.submitted_at < closed.closes_at for a in applications)
    ranking = evaluation_services.compute_ranking(actor=manager, call=closed)
    evaluation_services.approve_ranking(actor=manager, ranking=ranking, **DETERMINATION)
    assert RankingEntry.objects.filter(ranking=ranking, outcome="funded").exists()

    # The sportello: booked applications in the queue, the first of them evaluated and decidable now.
    sportello = desk_call()
    assert sportello is not None and sportello.opens_at <= moment < sportello.closes_at
    items = queue.queue_items(sportello)
    pending = [item for item in items if item.pending]
    assert len(pending) >= 2
    decidable = next(item for item in pending if item.status == ApplicationStatus.EVALUATED)
    assert desk.blockers(items, decidable.key) == []
    booked = sportello.applications.get(pk=decidable.key)
    evaluation_services.decide_grants(
        actor=manager,
        call=sportello,
        grants=[evaluation_services.GrantInput(booked.pk, booked.booked_amount)],
        **DETERMINATION,
    )
    booked.refresh_from_db()
    assert booked.status == ApplicationStatus.FUNDED

    # The controller: a claim under check assigned to them.
    claim = ExpenseClaim.objects.get(controller__email="controllore@regione.demo")
    assert claim.status == ClaimStatus.UNDER_CHECK

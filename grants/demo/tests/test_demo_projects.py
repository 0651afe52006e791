"""The demo projects loader: the sportello's applications funded by real grant decisions become one active
project with CUP and one to accept; one more waits for its determinazione; a second run changes nothing."""

import pytest
from django.core.management import call_command

from grants.applications.states import ApplicationStatus
from grants.core.models import AuditEvent
from grants.demo.projects import (
    ACTIVE_TITLE,
    DEMO_CUP,
    TO_ACCEPT_TITLE,
    TO_DECIDE_TITLE,
    desk_call,
    load_demo_projects,
)
from grants.evaluation.models import DecisionGrant, RankingEntry
from grants.projects.models import Project
from grants.projects.states import ProjectStatus

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_demo_projects_come_from_real_decisions_and_are_made_once():
    call_command("load_demo")
    active = Project.objects.get(title=ACTIVE_TITLE)
    waiting = Project.objects.get(title=TO_ACCEPT_TITLE)
    assert (active.status, active.cup) == (ProjectStatus.ACTIVE, DEMO_CUP)
    assert active.signed_agreement_sha256 and active.actual_start_date
    assert waiting.status == ProjectStatus.TO_ACCEPT and not waiting.is_accepted
    assert active.budget_lines.exists() and active.partners.filter(role="lead").exists()
    # Every demo project came from a decision: a determinazione of the sportello or an approved ranking.
    for project in Project.objects.all():
        decided = DecisionGrant.objects.filter(application=project.application).first()
        ranked = RankingEntry.objects.filter(application=project.application, ranking__status="approved")
        assert decided is not None or ranked.exists(), project
        if decided is not None:
            assert project.call == desk_call() and project.original_grant == decided.amount
    assert AuditEvent.objects.filter(action="desk.decided").count() == 2
    assert project.application.status == ApplicationStatus.FUNDED
    events = AuditEvent.objects.count()

    lines = load_demo_projects()

    assert all("già presente" in line for line in lines if line.startswith("Progetto")), lines
    assert any(TO_DECIDE_TITLE in line and "in attesa di determinazione" in line for line in lines), lines
    assert AuditEvent.objects.count() == events
    assert Project.objects.count() == 2

"""The demo projects loader: one active project with CUP and one to accept, created once."""

import pytest
from django.core.management import call_command

from grants.core.models import AuditEvent
from grants.demo.projects import ACTIVE_TITLE, DEMO_CUP, TO_ACCEPT_TITLE, load_demo_projects
from grants.projects.models import Project
from grants.projects.states import ProjectStatus

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_demo_projects_are_made_once():
    call_command("load_demo")
    active = Project.objects.get(title=ACTIVE_TITLE)
    waiting = Project.objects.get(title=TO_ACCEPT_TITLE)
    assert (active.status, active.cup) == (ProjectStatus.ACTIVE, DEMO_CUP)
    assert active.signed_agreement_sha256 and active.actual_start_date
    assert waiting.status == ProjectStatus.TO_ACCEPT and not waiting.is_accepted
    assert active.budget_lines.exists() and active.partners.filter(role="lead").exists()
    events = AuditEvent.objects.count()
    lines = load_demo_projects()
    assert all("già presente" in line for line in lines), lines
    assert AuditEvent.objects.count() == events
    assert Project.objects.count() == 2

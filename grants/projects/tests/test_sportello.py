"""Sportello valutativo (first-come calls): the grant decision creates the project as a ranking's approval
does, and a total revocation gives the booking back to the waiting list."""

from datetime import date
from decimal import Decimal

import pytest

from grants.applications.states import BookingOutcome
from grants.evaluation import services as evaluation_services
from grants.evaluation.services import GrantInput
from grants.evaluation.tests.factories import (
    FULL_MARKS,
    admissible,
    evaluate,
    manager,
    panel_with,
    scored_call,
    submitted,
)
from grants.projects import services
from grants.projects.models import Project
from grants.projects.states import ProjectStatus

from .factories import project_officer

pytestmark = pytest.mark.django_db

DETERMINATION = {"determination_number": "DD 77/A1902A", "determination_date": date(2026, 1, 20)}


def funded_at_the_desk(django_capture_on_commit_callbacks):
    boss = manager()
    call = scored_call(first_come=True, budget=Decimal("60000.00"), min_grant=None, max_grant=None)
    first = submitted(call=call, amount=Decimal("50000.00"))
    waiting = submitted(call=call, amount=Decimal("40000.00"))
    panel_with(call, members=1, per_application=1, actor=boss)
    admissible(first, actor=boss)
    evaluation_services.auto_assign(actor=boss, call=call)
    evaluate(first.assignments.get(), FULL_MARKS)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.decide_grants(
            actor=boss, call=call, grants=[GrantInput(first.pk, Decimal("45000.00"))], **DETERMINATION
        )
    return boss, first, waiting


def test_the_decision_creates_the_project(django_capture_on_commit_callbacks):
    boss, first, _waiting = funded_at_the_desk(django_capture_on_commit_callbacks)
    project = Project.objects.get(application=first)
    assert project.status == ProjectStatus.TO_ACCEPT
    assert project.grant == Decimal("45000.00")
    assert project.granted_by == boss


def test_a_total_revocation_releases_the_booking(django_capture_on_commit_callbacks):
    _boss, first, waiting = funded_at_the_desk(django_capture_on_commit_callbacks)
    waiting.refresh_from_db()
    assert waiting.booking_outcome == BookingOutcome.WAITING  # 60 000 - 45 000 < 40 000
    project = Project.objects.get(application=first)
    services.revoke(actor=project_officer(), project=project, new_grant=Decimal(0), reason="Cessata attività")
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.booking_outcome == BookingOutcome.RELEASED
    assert waiting.booking_outcome == BookingOutcome.BOOKED

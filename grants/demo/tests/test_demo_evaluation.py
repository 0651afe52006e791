"""The demo evaluation loader: prepares checklist, panel, admissibility and assignment once."""

import pytest
from django.core.management import call_command

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.core.models import AuditEvent
from grants.demo.applications import SUBMITTED_TITLE
from grants.demo.evaluation import load_demo_evaluation
from grants.evaluation.models import Assignment

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def test_demo_evaluation_is_prepared_once():
    call_command("load_demo")
    lines = load_demo_evaluation()
    assert lines and all(line.startswith("Valutazione (demo)") for line in lines)
    demo = Application.objects.filter(title=SUBMITTED_TITLE)
    assert demo.exists()
    assert set(demo.values_list("status", flat=True)) == {ApplicationStatus.ADMISSIBLE}
    assigned = Assignment.objects.filter(application__in=demo, member__user__email="valutatore@regione.demo")
    assert assigned.count() == demo.count()
    events = AuditEvent.objects.count()
    second = load_demo_evaluation()
    assert all(line.endswith("già predisposta") for line in second)
    assert AuditEvent.objects.count() == events

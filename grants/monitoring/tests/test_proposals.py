"""Indicator targets proposed in the application: checked against the call's indicators and their units,
sent in the submission snapshot, copied to the project on funding, then editable by the officers."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from grants.applications import services as application_services
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.applications.tests.factories import ready_application
from grants.monitoring import proposals, services
from grants.monitoring.models import Indicator, ProjectIndicatorTarget
from grants.monitoring.services import MonitoringError
from grants.projects import services as project_services
from grants.projects.tests.factories import project_call, project_officer
from grants.registry.tests.factories import UserFactory

from .factories import officer

pytestmark = pytest.mark.django_db


def _world():
    call = project_call()
    services_count = Indicator.objects.create(
        code="T-SERV", title="Nuovi servizi attivati", kind="output", subject="other", measure=call.measure
    )
    satisfied = Indicator.objects.create(
        code="T-SODD",
        title="Utenti soddisfatti",
        kind="result",
        subject="other",
        unit="%",
        measure=call.measure,
    )
    application = ready_application(call=call)
    return call, application, services_count, satisfied


def _codes(exc) -> dict:
    return {e["field"]: e["code"] for e in exc.value.errors}


def test_the_applicant_proposes_a_target_per_indicator_checked_by_unit():
    _call, application, _services_count, _satisfied = _world()
    user = application.created_by
    rows = {r.indicator.code: r for r in proposals.proposed_targets(user, application)}
    assert (
        {"T-SERV", "T-SODD"} <= set(rows) and rows["T-SERV"].whole_number and not rows["T-SODD"].whole_number
    )
    with pytest.raises(MonitoringError) as refused:
        proposals.propose_targets(
            actor=user, application=application, targets={"T-SERV": "2,5", "T-SODD": "-1", "ALTRO": "3"}
        )
    assert _codes(refused) == {
        "targets.T-SERV": "not_whole",
        "targets.T-SODD": "negative",
        "targets.ALTRO": "unknown_indicator",
    }
    messages = [e["message"] for e in refused.value.errors]
    assert "«Nuovi servizi attivati» si misura in numero: indicare un numero intero." in messages
    application.refresh_from_db()
    assert application.proposed_targets == {}
    proposals.propose_targets(actor=user, application=application, targets={"T-SERV": "4", "T-SODD": "72,5"})
    application.refresh_from_db()
    assert application.proposed_targets == {"T-SERV": "4", "T-SODD": "72.50"}
    with pytest.raises(PermissionDenied):
        proposals.propose_targets(actor=UserFactory(), application=application, targets={"T-SERV": "1"})


def test_targets_are_sent_in_the_snapshot_and_become_the_projects_on_funding(
    django_capture_on_commit_callbacks,
):
    _call, application, services_count, _satisfied = _world()
    user = application.created_by
    proposals.propose_targets(actor=user, application=application, targets={"T-SERV": "4", "T-SODD": "70"})
    application = application_services.submit(
        actor=user, application=application, idempotency_key=f"t-{application.pk}", declarations_accepted=True
    ).application
    assert application.submitted_data["indicator_targets"] == {"T-SERV": "4", "T-SODD": "70.00"}
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.FUNDED)
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        project = project_services.create_project_from_application(
            actor=project_officer(), application=application, granted_amount=application.requested_grant
        )
    targets = {t.indicator.code: t.target for t in ProjectIndicatorTarget.objects.filter(project=project)}
    assert targets == {"T-SERV": Decimal("4.00"), "T-SODD": Decimal("70.00")}
    # The officer confirms or corrects them on the project.
    services.set_project_target(actor=officer(), project=project, indicator=services_count, target="5")
    assert ProjectIndicatorTarget.objects.get(project=project, indicator=services_count).target == Decimal(5)


def test_api_for_the_applicant(client: Client):
    _call, application, _services_count, _satisfied = _world()
    client.force_login(application.created_by)
    url = f"/api/v1/monitoring/applications/{application.pk}/targets"
    listed = {row["code"]: row for row in client.get(url).json()}
    assert listed["T-SERV"]["whole_number"] is True and listed["T-SERV"]["target"] is None
    refused = client.put(url, {"targets": {"T-SERV": "1.5"}}, content_type="application/json")
    assert refused.status_code == 422
    saved = client.put(url, {"targets": {"T-SERV": "3", "T-SODD": None}}, content_type="application/json")
    assert saved.status_code == 200
    assert {row["code"]: row["target"] for row in saved.json()}["T-SERV"] in ("3", "3.00", 3)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_application_form_section_for_the_targets(client: Client):
    _call, application, _services_count, _satisfied = _world()
    client.force_login(application.created_by)
    url = f"/monitoraggio/domande/{application.pk}/target/"
    assert "Nuovi servizi attivati" in client.get(url).content.decode()
    refused = client.post(url, {"target-T-SERV": "-2"})
    assert refused.status_code == 422
    assert "il target non può essere negativo" in refused.content.decode()
    assert client.post(url, {"target-T-SERV": "6", "target-T-SODD": ""}).status_code == 302
    application.refresh_from_db()
    assert application.proposed_targets == {"T-SERV": "6"}
    detail = client.get(f"/domande/{application.pk}/").content.decode()
    assert url in detail

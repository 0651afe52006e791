"""Staff rights are per call: an officer of call X meets call Y's applications, export, archives and API as
if they did not exist (404); the head of measure reaches every call and assigns the others."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants.applications import services
from grants.applications.tests.factories import member_of, open_call, ready_application
from grants.core.models import AuditEvent
from grants.evaluation.tests.factories import OFFICER_PERMISSIONS, manager
from grants.programme import services as programme_services
from grants.programme.models import CallStaff
from grants.programme.permissions import is_call_staff, staff_calls
from grants.registry.tests.factories import staff_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


def submitted(call, key):
    user, organisation = member_of(name=f"Ente {key}")
    application = ready_application(call=call, user=user, organisation=organisation)
    services.submit(actor=user, application=application, idempotency_key=key, declarations_accepted=True)
    application.refresh_from_db()
    return application


@pytest.fixture
def world(client):
    mine, other = open_call(), open_call()
    officer = staff_user(*OFFICER_PERMISSIONS, calls=[mine])
    client.force_login(officer)
    return {
        "mine": mine,
        "other": other,
        "officer": officer,
        "a": submitted(mine, "a"),
        "b": submitted(other, "b"),
    }


def test_the_officer_reaches_their_call_only(client, world):
    mine, other, b = world["mine"], world["other"], world["b"]
    assert client.get(reverse("applications:officer_application_list", args=[mine.code])).status_code == 200
    assert (
        client.get(
            reverse("applications:officer_application_detail", args=[mine.code, world["a"].pk])
        ).status_code
        == 200
    )
    for name, args in [
        ("officer_application_list", [other.code]),
        ("officer_application_detail", [other.code, b.pk]),
        ("officer_application_export", [other.code]),
    ]:
        assert client.get(reverse(f"applications:{name}", args=args)).status_code == 404, name
    assert client.post(reverse("applications:officer_archive_start", args=[other.code])).status_code == 404
    # The same answer as a call that does not exist.
    assert client.get(reverse("applications:officer_application_list", args=["nessuno"])).status_code == 404


def test_the_api_answers_another_calls_objects_as_missing(client, world):
    other, b = world["other"], world["b"]
    assert client.get(f"{API}/calls/{world['mine'].code}/applications/export.xlsx").status_code == 200
    assert client.get(f"{API}/calls/{other.code}/applications/export.xlsx").status_code == 404
    assert client.post(f"{API}/calls/{other.code}/document-archives").status_code == 404
    assert client.get(f"{API}/evaluation/applications/{b.pk}/admissibility").status_code == 404
    assert client.get(f"{API}/evaluation/calls/{other.pk}/panel").status_code == 404
    assert client.get(f"{API}/evaluation/applications/{world['a'].pk}/admissibility").status_code == 200


def test_the_evaluation_pages_of_another_call_are_not_found(client, world):
    other, b = world["other"], world["b"]
    assert client.get(reverse("evaluation:call_overview", args=[world["mine"].code])).status_code == 200
    assert client.get(reverse("evaluation:call_overview", args=[other.code])).status_code == 404
    assert client.get(reverse("evaluation:admissibility", args=[other.code, b.pk])).status_code == 404
    assert client.get(reverse("evaluation:ranking", args=[other.code])).status_code == 404


def test_the_head_of_measure_sees_every_call_and_assigns_the_staff(world):
    head = manager()
    mine, other, officer = world["mine"], world["other"], world["officer"]
    assert set(staff_calls(head).filter(pk__in=[mine.pk, other.pk])) == {mine, other}
    assert not is_call_staff(officer, other)

    staff = programme_services.assign_call_staff(actor=head, call=other, user=officer, role="rup")
    assert is_call_staff(officer, other)
    assert AuditEvent.objects.filter(action="call_staff.assigned").exists()
    programme_services.remove_call_staff(actor=head, staff=staff)
    assert not is_call_staff(officer, other)
    assert not CallStaff.objects.filter(call=other, user=officer).exists()

    with pytest.raises(PermissionDenied):
        programme_services.assign_call_staff(actor=officer, call=other, user=officer, role="officer")

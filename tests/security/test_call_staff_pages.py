"""The head of measure assigns a call's RUP and officers from the page and through the API (audited);
an officer without the permission is refused (403), someone who is not staff does not find the call."""

import pytest
from django.urls import reverse

from grants.applications.tests.factories import member_of, open_call
from grants.core.models import AuditEvent
from grants.evaluation.tests.factories import OFFICER_PERMISSIONS, manager
from grants.programme.models import CallStaff
from grants.registry.tests.factories import staff_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world():
    call = open_call()
    officer = staff_user(*OFFICER_PERMISSIONS, calls=[call], first_name="Olga", last_name="Istruttoria")
    newcomer = staff_user(*OFFICER_PERMISSIONS, calls=[], first_name="Nino", last_name="Nuovo")
    return {"call": call, "head": manager(calls=[]), "officer": officer, "newcomer": newcomer}


def test_the_head_of_measure_reaches_the_page_from_the_call_overview(client, world):
    call = world["call"]
    client.force_login(world["head"])
    overview = client.get(reverse("evaluation:call_overview", args=[call.code]))
    assert reverse("evaluation:call_staff", args=[call.code]) in overview.content.decode()
    applications = client.get(reverse("applications:officer_application_list", args=[call.code]))
    assert reverse("evaluation:call_staff", args=[call.code]) in applications.content.decode()
    page = client.get(reverse("evaluation:call_staff", args=[call.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Olga Istruttoria" in text and "Nino Nuovo" in text  # listed, and offered in the <select>


def test_the_head_of_measure_adds_and_removes_an_officer_on_the_page(client, world):
    call, newcomer = world["call"], world["newcomer"]
    client.force_login(world["head"])
    response = client.post(
        reverse("evaluation:call_staff_add", args=[call.code]), {"user": newcomer.pk, "role": "officer"}
    )
    assert response.status_code == 302
    staff = CallStaff.objects.get(call=call, user=newcomer, role="officer")
    assert staff.assigned_by == world["head"]
    assert AuditEvent.objects.filter(action="call_staff.assigned", after__user=newcomer.email).exists()

    remove = reverse("evaluation:call_staff_remove", args=[call.code, staff.pk])
    confirm = client.get(remove)
    assert confirm.status_code == 200 and "Confermo la rimozione" in confirm.content.decode()
    unconfirmed = client.post(remove, {})
    assert unconfirmed.status_code == 400
    assert "Spunta la conferma" in unconfirmed.content.decode()
    assert CallStaff.objects.filter(pk=staff.pk).exists()

    assert client.post(remove, {"confirm": "1"}).status_code == 302
    assert not CallStaff.objects.filter(pk=staff.pk).exists()
    assert AuditEvent.objects.filter(action="call_staff.removed", before__user=newcomer.email).exists()


def test_a_wrong_choice_is_shown_next_to_the_field(client, world):
    call = world["call"]
    applicant, _ = member_of()
    client.force_login(world["head"])
    response = client.post(
        reverse("evaluation:call_staff_add", args=[call.code]), {"user": applicant.pk, "role": "boss"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_user_error"' in text and "Questa persona non può lavorare sul bando." in text
    assert 'id="id_role_error"' in text
    assert not CallStaff.objects.filter(call=call, user=applicant).exists()


def test_an_officer_without_the_permission_is_refused(client, world):
    call, officer, newcomer = world["call"], world["officer"], world["newcomer"]
    client.force_login(officer)
    overview = client.get(reverse("evaluation:call_overview", args=[call.code]))
    assert reverse("evaluation:call_staff", args=[call.code]) not in overview.content.decode()
    assert client.get(reverse("evaluation:call_staff", args=[call.code])).status_code == 403
    assert (
        client.post(
            reverse("evaluation:call_staff_add", args=[call.code]), {"user": newcomer.pk, "role": "rup"}
        ).status_code
        == 403
    )
    own = CallStaff.objects.get(call=call, user=officer)
    remove = reverse("evaluation:call_staff_remove", args=[call.code, own.pk])
    assert client.post(remove, {"confirm": "1"}).status_code == 403
    assert CallStaff.objects.filter(pk=own.pk).exists()
    assert not CallStaff.objects.filter(user=newcomer).exists()


def test_someone_not_staff_does_not_find_the_page(client, world):
    call = world["call"]
    applicant, _ = member_of()
    client.force_login(applicant)
    assert client.get(reverse("evaluation:call_staff", args=[call.code])).status_code == 404
    client.logout()
    response = client.get(reverse("evaluation:call_staff", args=[call.code]))
    assert response.status_code == 302  # to sign in


def test_the_head_of_measure_assigns_through_the_api(client, world):
    call, newcomer = world["call"], world["newcomer"]
    client.force_login(world["head"])
    listed = client.get(f"{API}/calls/{call.pk}/staff")
    assert listed.status_code == 200
    assert [row["email"] for row in listed.json()] == [world["officer"].email]

    created = client.post(
        f"{API}/calls/{call.pk}/staff",
        {"user_id": newcomer.pk, "role": "rup"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["role"] == "rup" and body["user_id"] == newcomer.pk
    assert AuditEvent.objects.filter(action="call_staff.assigned", after__user=newcomer.email).exists()

    deleted = client.delete(f"{API}/calls/{call.pk}/staff/{body['id']}")
    assert deleted.status_code == 204
    assert not CallStaff.objects.filter(call=call, user=newcomer).exists()
    assert AuditEvent.objects.filter(action="call_staff.removed", before__user=newcomer.email).exists()

    assert client.get(f"{API}/calls/999999/staff").status_code == 404
    assert client.delete(f"{API}/calls/{call.pk}/staff/{body['id']}").status_code == 404
    refused = client.post(
        f"{API}/calls/{call.pk}/staff",
        {"user_id": newcomer.pk, "role": "boss"},
        content_type="application/json",
    )
    assert refused.status_code == 422


def test_the_api_refuses_an_officer_without_the_permission(client, world):
    call, officer, newcomer = world["call"], world["officer"], world["newcomer"]
    client.force_login(officer)
    own = CallStaff.objects.get(call=call, user=officer)
    assert client.get(f"{API}/calls/{call.pk}/staff").status_code == 403
    response = client.post(
        f"{API}/calls/{call.pk}/staff",
        {"user_id": newcomer.pk, "role": "rup"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.delete(f"{API}/calls/{call.pk}/staff/{own.pk}").status_code == 403
    assert CallStaff.objects.filter(pk=own.pk).exists()
    assert not CallStaff.objects.filter(user=newcomer).exists()


def test_the_back_office_shows_the_staff_as_an_inline_of_the_call(client, world, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:programme_call_change", args=[world["call"].pk]))
    assert page.status_code == 200
    assert "staff-TOTAL_FORMS" in page.content.decode()

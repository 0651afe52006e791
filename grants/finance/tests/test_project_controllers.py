"""Controllers assigned per project: the service (permission, audit, refusal, idempotence), the page and the
API of a project's controllers, and what a controller reaches: the projects they are assigned to and the
claims assigned to them one by one; any other claim, control or payment does not exist (404)."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from grants.accounts.models import StaffRole
from grants.core.models import AuditEvent
from grants.finance import selectors, services
from grants.finance.models import ProjectController
from grants.finance.services import FinanceError
from grants.registry.tests.factories import staff_user

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_projects():
    """Project X (the controller's) and project Y (another call's), each with one sent claim and a draft."""
    x, y = f.ProjectFactory(), f.ProjectFactory()
    sent_x = f.claim_with(x, f.invoice(x, description="Fattura del progetto X"))
    draft_x = f.claim_with(x, f.invoice(x, description="Bozza del progetto X"), submit=False)
    sent_y = f.claim_with(y, f.invoice(y, description="Fattura riservata del progetto Y"))
    return x, y, sent_x, draft_x, sent_y


def controller_of(project):
    """A controller (the role) of ``project`` only: no call of their own, as in production."""
    controller = staff_user(roles=[StaffRole.CONTROLLER], calls=[], first_name="Carla", last_name="Rossi")
    services.assign_project_controller(
        actor=f.officer(calls=[project.call]), project=project, controller=controller
    )
    return controller


# --- the service ------------------------------------------------------------------------------------------
def test_the_officer_assigns_a_controller_once_and_the_audit_says_so():
    project = f.ProjectFactory()
    officer, controller = f.officer(calls=[project.call]), f.controller(calls=[])

    first = services.assign_project_controller(actor=officer, project=project, controller=controller)
    again = services.assign_project_controller(actor=officer, project=project, controller=controller)

    assert first.pk == again.pk and first.assigned_by == officer
    assert ProjectController.objects.filter(project=project).count() == 1
    events = AuditEvent.objects.filter(action="project_controller.assigned", object_id=str(project.pk))
    assert events.count() == 1 and events.get().after == {"user": controller.email}

    services.remove_project_controller(actor=officer, assignment=first)
    assert not ProjectController.objects.filter(project=project).exists()
    assert AuditEvent.objects.filter(action="project_controller.removed", object_id=str(project.pk)).exists()


@pytest.mark.parametrize("who", ["officer", "inactive", "nobody"])
def test_only_a_controller_may_be_assigned(who):
    project = f.ProjectFactory()
    candidate = {
        "officer": lambda: f.officer(calls=[]),
        "inactive": lambda: f.controller(calls=[], is_active=False),
        "nobody": lambda: None,
    }[who]()

    with pytest.raises(FinanceError) as refused:
        services.assign_project_controller(
            actor=f.officer(calls=[project.call]), project=project, controller=candidate
        )

    assert refused.value.errors[0]["field"] == "user_id"
    assert not ProjectController.objects.exists()


def test_only_the_officer_of_the_projects_call_assigns_its_controllers():
    project = f.ProjectFactory()
    controller = f.controller(calls=[])
    other_call_officer = f.officer(calls=[f.ProjectFactory().call])

    for actor in (other_call_officer, controller, f.beneficiary_user(project)):
        with pytest.raises(PermissionDenied):
            services.assign_project_controller(actor=actor, project=project, controller=controller)
    assert not ProjectController.objects.exists()


# --- what a controller reaches ------------------------------------------------------------------------------
def test_a_controller_lists_the_sent_claims_of_their_projects_and_those_assigned_to_them(two_projects):
    x, y, sent_x, _draft_x, sent_y = two_projects
    controller = controller_of(x)
    assert set(selectors.assigned_claims(controller)) == {sent_x}

    # A claim of Y assigned to them one by one keeps working; Y's other claims stay out of reach.
    other_y = f.claim_with(y, f.invoice(y))
    services.assign_controller(actor=f.officer(), claim=sent_y, controller=controller)
    assert set(selectors.assigned_claims(controller)) == {sent_x, sent_y}
    assert other_y not in selectors.assigned_claims(controller)
    assert set(selectors.finance_projects(controller)) == {x}


def test_a_controller_reaches_the_pages_of_their_project_only(client, two_projects):
    x, y, sent_x, draft_x, sent_y = two_projects
    client.force_login(controller_of(x))

    list_page = client.get(reverse("finance:controller_claims")).content.decode()
    assert reverse("finance:claim_detail", args=[sent_x.pk]) in list_page
    assert "riservata" not in list_page
    assert client.get(reverse("finance:claim_detail", args=[sent_x.pk])).status_code == 200
    attachment = sent_x.items.get().attachments.get()
    assert client.get(reverse("finance:attachment_download", args=[attachment.pk])).status_code == 200
    finance_page = client.get(reverse("finance:project_finance", args=[x.pk]))
    assert finance_page.status_code == 200
    assert reverse("finance:claim_detail", args=[draft_x.pk]) not in finance_page.content.decode()
    assert client.get(reverse("finance:project_report", args=[x.pk, "xlsx"])).status_code == 200
    assert client.get(reverse("projects:project_detail", args=[x.pk])).status_code == 200

    # Project Y, a draft of X: as if they did not exist.
    y_attachment = sent_y.items.get().attachments.get()
    for url in (
        reverse("finance:claim_detail", args=[sent_y.pk]),
        reverse("finance:claim_detail", args=[draft_x.pk]),
        reverse("finance:attachment_download", args=[y_attachment.pk]),
        reverse("finance:project_finance", args=[y.pk]),
        reverse("finance:project_report", args=[y.pk, "pdf"]),
        reverse("projects:project_detail", args=[y.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "riservata" not in response.content.decode()
    projects = client.get(reverse("projects:officer_project_list")).content.decode()
    assert x.title in projects and reverse("projects:project_detail", args=[y.pk]) not in projects


def test_a_controller_checks_only_the_claims_assigned_to_them(client, two_projects):
    x, _y, sent_x, _draft_x, _sent_y = two_projects
    controller = controller_of(x)
    services.assign_controller(actor=f.officer(), claim=sent_x, controller=f.controller(calls=[]))
    item = sent_x.items.get()

    with pytest.raises(PermissionDenied):
        services.check_item(actor=controller, item=item, outcome="admitted")

    services.assign_controller(actor=f.officer(), claim=sent_x, controller=controller)
    assert services.check_item(actor=controller, item=item, outcome="admitted").outcome == "admitted"


def test_the_api_answers_a_controller_about_their_projects_only(client, two_projects):
    x, y, sent_x, draft_x, sent_y = two_projects
    client.force_login(controller_of(x))

    mine = client.get("/api/v1/finance/controller/claims").json()["items"]
    assert [c["id"] for c in mine] == [sent_x.pk]
    listed = client.get(f"/api/v1/finance/projects/{x.pk}/claims").json()["items"]
    assert [c["id"] for c in listed] == [sent_x.pk]
    assert client.get(f"/api/v1/finance/claims/{sent_x.pk}").status_code == 200
    assert client.get(f"/api/v1/finance/projects/{x.pk}").status_code == 200

    for url in (
        f"/api/v1/finance/claims/{sent_y.pk}",
        f"/api/v1/finance/claims/{draft_x.pk}",
        f"/api/v1/finance/projects/{y.pk}",
        f"/api/v1/finance/projects/{y.pk}/claims",
        f"/api/v1/finance/projects/{y.pk}/report",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/problem+json")


def test_whoever_sees_every_call_sees_every_claim_as_controller(two_projects):
    _x, _y, sent_x, draft_x, sent_y = two_projects
    supervisor = staff_user("finance.check_claim", "programme.assign_call_staff", calls=[])
    assert set(selectors.assigned_claims(supervisor)) >= {sent_x, sent_y}
    assert draft_x not in selectors.assigned_claims(supervisor)


# --- the page ---------------------------------------------------------------------------------------------
def test_the_officer_adds_and_removes_a_controller_on_the_page(client):
    project = f.ProjectFactory()
    officer = f.officer(calls=[project.call])
    controller = f.controller(calls=[], first_name="Carla", last_name="Controllora")
    client.force_login(officer)
    page_url = reverse("finance:project_controllers", args=[project.pk])
    finance_page = client.get(reverse("finance:project_finance", args=[project.pk])).content.decode()
    assert page_url in finance_page
    assert page_url in client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "Carla Controllora" in client.get(page_url).content.decode()  # among the candidates

    add_url = reverse("finance:project_controller_add", args=[project.pk])
    refused = client.post(add_url, {"user_id": officer.pk})
    assert refused.status_code == 400
    content = refused.content.decode()
    assert 'aria-invalid="true"' in content and "non è un controllore di I livello" in content
    assert client.post(add_url, {"user_id": ""}).status_code == 400

    assert client.post(add_url, {"user_id": controller.pk})["Location"] == page_url
    assert ProjectController.objects.filter(project=project, user=controller).exists()
    remove_url = reverse("finance:project_controller_remove", args=[project.pk, controller.pk])
    assert remove_url in client.get(page_url).content.decode()

    confirmation = client.get(remove_url)
    assert confirmation.status_code == 200 and "Carla Controllora" in confirmation.content.decode()
    unconfirmed = client.post(remove_url, {})
    assert unconfirmed.status_code == 400 and 'aria-invalid="true"' in unconfirmed.content.decode()
    assert ProjectController.objects.filter(project=project).exists()
    assert client.post(remove_url, {"confirm": "1"})["Location"] == page_url
    assert not ProjectController.objects.filter(project=project).exists()
    assert client.get(remove_url).status_code == 404


def test_the_page_is_the_assigning_officers_only(client):
    project = f.ProjectFactory()
    url = reverse("finance:project_controllers", args=[project.pk])
    client.force_login(controller_of(project))  # reads the project, may not assign
    assert client.get(url).status_code == 403
    client.force_login(f.officer(calls=[f.ProjectFactory().call]))  # another call: no such project
    assert client.get(url).status_code == 404


# --- the API ----------------------------------------------------------------------------------------------
def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_api_lists_assigns_and_removes_a_projects_controllers(client):
    project = f.ProjectFactory()
    controller = f.controller(calls=[])
    url = f"/api/v1/projects/{project.pk}/controllers"
    client.force_login(f.officer(calls=[project.call]))

    assert client.get(url).json() == []
    created = _post(client, url, {"user_id": controller.pk})
    assert created.status_code == 201, created.content
    assert created.json()["user_id"] == controller.pk
    assert _post(client, url, {"user_id": controller.pk}).status_code == 201  # idempotent
    assert [row["email"] for row in client.get(url).json()] == [controller.email]

    refused = _post(client, url, {"user_id": f.officer().pk})
    assert refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "user_id"

    assert client.delete(f"{url}/{controller.pk}").status_code == 204
    missing = client.delete(f"{url}/{controller.pk}")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")
    assert not ProjectController.objects.exists()


def test_the_api_refuses_controllers_and_hides_other_calls_projects(client):
    project = f.ProjectFactory()
    url = f"/api/v1/projects/{project.pk}/controllers"
    client.force_login(controller_of(project))
    assert client.get(url).status_code == 403
    client.force_login(f.officer(calls=[f.ProjectFactory().call]))
    assert client.get(url).status_code == 404
    assert _post(client, url, {"user_id": f.controller().pk}).status_code == 404

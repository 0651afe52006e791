"""The project pages: the beneficiary's list and page with its forms, the officers' list, filters, export
and decisions; errors next to the field; another organisation's project is 404."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from grants.applications.tests.factories import member_of
from grants.projects.models import Project
from grants.projects.states import ChangeStatus, ProjectStatus

from .factories import ProjectFactory, funded_application, project_officer, signed_pdf

pytestmark = pytest.mark.django_db


def detail(project):
    return reverse("projects:project_detail", args=[project.pk])


def test_my_projects_lists_only_my_organisations_projects(client):
    mine = ProjectFactory()
    other = ProjectFactory()
    client.force_login(mine.application.created_by)
    page = client.get(reverse("projects:project_list"))
    assert page.status_code == 200
    assert mine.cup in page.content.decode() and other.cup not in page.content.decode()
    assert client.get(detail(other)).status_code == 404
    assert client.get(reverse("projects:agreement_pdf", args=[other.pk])).status_code == 404


def test_anonymous_is_sent_to_the_login(client):
    project = ProjectFactory()
    response = client.get(detail(project))
    assert response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))


def test_the_beneficiary_page_shows_budget_partners_phases_and_the_agreement_forms(client):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    client.force_login(project.application.created_by)
    html = client.get(detail(project)).content.decode()
    for text in (
        "Budget approvato",
        "Comune di Prova",
        "Fasi e traguardi",
        "atto firmato",
        project.cup,
    ):
        assert text in html
    pdf = client.get(reverse("projects:agreement_pdf", args=[project.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_wrong_upload_is_shown_next_to_the_field(client):
    project = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    client.force_login(project.application.created_by)
    response = client.post(
        reverse("projects:upload_agreement", args=[project.pk]), {"file": signed_pdf("atto.pdf", b"GIF89a")}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_file_error"' in html and "Formato non ammesso" in html
    response = client.post(reverse("projects:upload_agreement", args=[project.pk]), {"file": signed_pdf()})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_accepted
    signed = client.get(reverse("projects:signed_agreement", args=[project.pk]))
    assert signed.status_code == 200 and b"".join(signed.streaming_content).startswith(b"%PDF")


def test_variation_form_and_officer_decision(client):
    project = ProjectFactory()
    lines = {line.category.code: line for line in project.budget_lines.select_related("category")}
    client.force_login(project.application.created_by)
    bad = client.post(
        reverse("projects:request_variation", args=[project.pk]),
        {
            f"variation-line_{lines['personale'].pk}": "1000",
            f"variation-line_{lines['attrezzature'].pk}": "20000",
            "variation-reason": "x",
        },
    )
    assert bad.status_code == 422 and "non cambia il totale" in bad.content.decode()
    client.post(
        reverse("projects:request_variation", args=[project.pk]),
        {
            f"variation-line_{lines['personale'].pk}": "40000",
            f"variation-line_{lines['attrezzature'].pk}": "40000",
            "variation-reason": "Nuova sede",
        },
    )
    change = project.changes.get()
    assert change.status == ChangeStatus.PENDING
    officer = project_officer()
    client.force_login(officer)
    listing = client.get(reverse("projects:officer_project_list")).content.decode()
    assert "Richieste da decidere" in listing and project.title in listing
    no_note = client.post(
        reverse("projects:decide_change", args=[project.pk, change.pk]),
        {f"change-{change.pk}-decision": "reject"},
    )
    assert no_note.status_code == 422 and "Indicare il motivo del rigetto" in no_note.content.decode()
    client.post(
        reverse("projects:decide_change", args=[project.pk, change.pk]),
        {f"change-{change.pk}-decision": "approve"},
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert project.budget_lines.get(pk=lines["attrezzature"].pk).approved_amount == Decimal("40000.00")


def test_officer_list_filters_and_exports(client):
    active = ProjectFactory()
    waiting = ProjectFactory(status=ProjectStatus.TO_ACCEPT)
    client.force_login(member_of()[0])
    assert client.get(reverse("projects:officer_project_list")).status_code == 403
    client.force_login(project_officer())
    page = client.get(reverse("projects:officer_project_list"), {"stato": "to_accept"}).content.decode()
    assert waiting.cup in page and active.cup not in page
    page = client.get(reverse("projects:officer_project_list"), {"bando": active.call.code}).content.decode()
    assert active.cup in page and waiting.cup not in page
    export = client.get(reverse("projects:officer_project_export"), {"stato": "active"})
    assert export.status_code == 200 and export.content.startswith(b"PK")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][2] == "CUP" and [r[2] for r in rows[1:]] == [active.cup]


def test_officer_assigns_the_cup_and_creates_missing_projects(client):
    project = ProjectFactory(cup="", status=ProjectStatus.TO_ACCEPT)
    client.force_login(project_officer())
    wrong = client.post(reverse("projects:assign_cup", args=[project.pk]), {"cup": "J11B"})
    assert wrong.status_code == 422 and 'id="id_cup_error"' in wrong.content.decode()
    client.post(reverse("projects:assign_cup", args=[project.pk]), {"cup": "J11B17000030007"})
    project.refresh_from_db()
    assert project.cup == "J11B17000030007"
    application = funded_application()
    assert (
        "Domande finanziate senza progetto"
        in client.get(reverse("projects:officer_project_list")).content.decode()
    )
    response = client.post(reverse("projects:create_missing_project", args=[application.pk]))
    assert response.status_code == 302 and Project.objects.filter(application=application).exists()


def test_the_beneficiary_cannot_use_the_officers_actions(client):
    project = ProjectFactory()
    client.force_login(project.application.created_by)
    response = client.post(
        reverse("projects:revoke", args=[project.pk]), {"revoke-new_grant": "0", "revoke-reason": "x"}
    )
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE

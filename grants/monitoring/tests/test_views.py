"""Pages: sensitive categories only for staff with the permission; another organisation gets 404; the
participant form shows each error next to its field; the dashboard for staff, with filters and exports."""

import io
import re

import pytest
from django.contrib.auth.models import Permission
from openpyxl import load_workbook

from grants.monitoring.models import Participant

from . import factories as f
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    project = f.fse_project()
    f.participant(project, 21, disabilita="si", sesso="M")
    return project


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_sensitive_categories_are_shown_only_with_the_dedicated_permission(client, project):
    url = f"/monitoraggio/progetti/{project.pk}/partecipanti/"
    seen = _get(client, f.manager(), url).content.decode()
    assert "Categorie particolari</th>" in seen and "disabilità" in seen
    for user in (f.officer(), f.member(project)):
        page = _get(client, user, url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Categorie particolari</th>" not in text
        assert 'data-testid="sensitive-' not in text
    indicators = _get(client, f.officer(), f"/monitoraggio/progetti/{project.pk}/").content.decode()
    assert "CO16" not in indicators and "CO01" in indicators
    assert "CO16" in _get(client, f.manager(), f"/monitoraggio/progetti/{project.pk}/").content.decode()


def test_another_organisation_does_not_see_the_project(client, project):
    for url in (
        f"/monitoraggio/progetti/{project.pk}/",
        f"/monitoraggio/progetti/{project.pk}/partecipanti/",
    ):
        assert _get(client, f.outsider(), url).status_code == 404


def test_the_participant_form_shows_the_error_next_to_the_field_and_keeps_the_rest(client, project):
    client.force_login(f.member(project))
    response = client.post(
        f"/monitoraggio/progetti/{project.pk}/partecipanti/aggiungi/",
        {**f.row(22), "codice_fiscale": "RSSMRA85T10A562X", "titolo_studio": "5"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert 'id="codice_fiscale-error"' in text and "carattere di controllo" in text
    assert '<option value="5" selected>' in text
    assert Participant.objects.filter(project=project).count() == 1
    response = client.post(f"/monitoraggio/progetti/{project.pk}/partecipanti/aggiungi/", f.row(23))
    assert response.status_code == 302
    assert Participant.objects.filter(project=project).count() == 2


def test_the_dashboard_is_for_staff_with_the_permission(client, project):
    assert _get(client, f.member(project), "/monitoraggio/").status_code == 403
    from grants.monitoring.dashboard import refresh_summaries

    refresh_summaries()
    page = _get(client, f.officer(), f"/monitoraggio/?measure={project.call.measure_id}&per=call")
    assert page.status_code == 200
    text = page.content.decode()
    assert project.call.display_title in text
    assert "71.200,00 €" in text  # the grant of the default project
    assert 'id="dashboard-data"' in text and "<script>" not in text


def test_the_dashboard_downloads_as_xlsx_and_csv(client, project):
    from grants.monitoring.dashboard import refresh_summaries

    refresh_summaries()
    client.force_login(f.officer())
    response = client.get("/monitoraggio/esporta.xlsx?per=measure")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Risorse",
        "Progetti per stato",
        "Domande per mese",
        "Domande per esito",
        "Indicatori",
    ]
    money = list(workbook["Risorse"].values)
    assert money[0][0] == "Misura" and money[-1][0] == "Totale" and float(money[-1][2]) == 71200.0
    csv_text = client.get("/monitoraggio/esporta.csv").content.decode("utf-8-sig")
    assert "Risorse" in csv_text and "71200.00" in csv_text


def test_call_targets_are_set_by_officers_with_errors_next_to_the_field(client, project):
    client.force_login(f.officer())
    part = f.indicator("PART")
    url = f"/monitoraggio/bandi/{project.call.code}/target/"
    response = client.post(url, {f"target-{part.pk}": "-3"})
    assert response.status_code == 422
    assert f'id="target-{part.pk}-error"' in response.content.decode()
    assert client.post(url, {f"target-{part.pk}": "150"}).status_code == 302
    from grants.monitoring.selectors import call_targets

    assert call_targets(project.call)[part.pk] == 150
    client.force_login(f.member(project))
    assert client.get(url).status_code == 403


def _nav_link(text: str, href: str) -> str | None:
    """The main navigation's <a> to ``href`` (a menu item, or an entry of the staff's work menu), or None."""
    match = re.search(rf'<a class="(?:nav-link|dropdown-item)[^"]*" href="{re.escape(href)}"[^>]*>', text)
    return match.group(0) if match else None


def test_the_dashboard_is_in_the_navigation_only_for_who_may_see_it(client):
    from grants.projects.tests.factories import staff

    officer_page = _get(client, f.officer(), "/monitoraggio/").content.decode()
    link = _nav_link(officer_page, "/monitoraggio/")
    assert link is not None and " active" in link and 'aria-current="page"' in link
    elsewhere = _get(client, f.officer(), "/bandi/").content.decode()
    assert " active" not in _nav_link(elsewhere, "/monitoraggio/")
    not_staff_with_the_permission = UserFactory()
    not_staff_with_the_permission.user_permissions.add(
        Permission.objects.get(content_type__app_label="monitoring", codename="view_dashboard")
    )
    for user in (staff("finance.check_claim"), not_staff_with_the_permission, UserFactory()):
        assert _nav_link(_get(client, user, "/bandi/").content.decode(), "/monitoraggio/") is None
        assert _get(client, user, "/monitoraggio/").status_code == 403


def test_my_projects_is_active_on_my_projects_only(client):
    user = UserFactory()
    mine = _get(client, user, "/progetti/").content.decode()
    assert " active" in _nav_link(mine, "/progetti/")
    client.force_login(f.officer())
    for url in ("/progetti-finanziati/", "/monitoraggio/progetti/"):
        text = client.get(url).content.decode()
        link = _nav_link(text, "/progetti/")  # staff have their work menu instead of the applicant's items
        assert link is None or " active" not in link, url
    public = client.get("/progetti-finanziati/").content.decode()
    assert " active" in _nav_link(public, "/progetti-finanziati/")


def test_the_participant_form_records_household_and_residence(client, project):
    client.force_login(f.member(project))
    url = f"/monitoraggio/progetti/{project.pk}/partecipanti/"
    page = client.get(url).content.decode()
    for name in ("famiglia_senza_occupati", "figli_a_carico", "unico_adulto", "zona_rurale"):
        assert f'<input type="checkbox" id="{name}" name="{name}"' in page and f'<label for="{name}">' in page
    response = client.post(
        f"{url}aggiungi/", {**f.row(24), "famiglia_senza_occupati": "si", "zona_rurale": "si"}
    )
    assert response.status_code == 302
    person = Participant.objects.get(project=project, lives_in_rural_area=True)
    assert person.household_jobless and not person.household_dependent_children
    assert not person.household_single_adult
    template = client.get("/monitoraggio/modello-partecipanti.csv").content.decode("utf-8-sig")
    header, example = template.splitlines()
    assert header.split(";")[-4:] == [
        "famiglia_senza_occupati",
        "figli_a_carico",
        "unico_adulto",
        "zona_rurale",
    ]
    assert len(example.split(";")) == len(header.split(";"))


def test_a_report_is_opened_submitted_and_reviewed_each_action_at_its_url(client, project):
    from grants.monitoring.models import MonitoringReport

    client.force_login(f.member(project))
    base = f"/monitoraggio/progetti/{project.pk}/"
    page = client.get(base).content.decode()
    assert f'action="{base}relazioni/nuova/"' in page
    empty = client.post(f"{base}relazioni/nuova/", {"period_end": "", "sal_reference": "SAL 1"})
    assert empty.status_code == 422
    assert 'id="period_end-error"' in empty.content.decode() and 'value="SAL 1"' in empty.content.decode()
    opened = client.post(f"{base}relazioni/nuova/", {"period_end": f.today().isoformat()})
    report = MonitoringReport.objects.get(project=project)
    assert opened.status_code == 302 and opened["Location"] == f"/monitoraggio/relazioni/{report.pk}/"
    url = opened["Location"]
    text = client.get(url).content.decode()
    assert 'name="action"' not in text
    assert f'action="{url}salva/"' in text and f'formaction="{url}invia/"' in text
    assert client.post(url, {"action": "submit"}).status_code == 405  # the old hidden field does nothing
    assert client.post(f"{url}salva/").status_code == 302
    assert client.post(f"{url}invia/").status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    again = client.post(f"{url}invia/")
    assert again.status_code == 409 and "già stata inviata" in again.content.decode()
    assert client.post(f"{url}approva/").status_code == 403  # the beneficiary does not review
    client.force_login(f.officer())
    refused = client.post(f"{url}restituisci/", {"note": ""})
    assert refused.status_code == 422 and 'id="note-error"' in refused.content.decode()
    assert client.post(f"{url}approva/", {"note": "Bene"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved" and report.review_note == "Bene"

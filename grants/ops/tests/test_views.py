"""Staff pages: system status (staff), failed tasks (view permission), re-run (change permission, POST)."""

import re
from datetime import datetime

import pytest
from django.urls import reverse

from grants.core.timeutils import now
from grants.ops.backup import create_backup
from grants.ops.models import FailedTask

from .test_tasks import STATE, deliver

pytestmark = [pytest.mark.django_db, pytest.mark.urls("grants.ops.tests.urls")]


@pytest.fixture(autouse=True)
def media_and_backups(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"


def test_status_page_needs_sign_in_and_staff(client, make_user):
    url = reverse("ops:status")
    assert client.get(url).status_code == 302

    client.force_login(make_user())
    assert client.get(url).status_code == 403


def test_status_page_shows_versions_checks_clock_and_counts(client, make_user, settings):
    FailedTask.objects.create(task_name="t", error="e", first_failed_at=now(), last_failed_at=now())
    client.force_login(make_user(staff=True))

    response = client.get(reverse("ops:status"))

    assert response.status_code == 200
    status = response.context["status"]
    assert status["checks"] == {"database": "ok", "cache": "ok", "migrations": "ok"}
    assert status["versions"]["django"].startswith("5.2")
    assert status["versions"]["database"].startswith(("SQLite", "PostgreSQL"))
    assert status["versions"]["package"] == "0.1.0"
    assert status["broker"]["mode"] == "inline"
    assert status["failed_tasks"] == 1
    assert status["last_backup"] is None
    assert str(status["time_rome"].tzinfo) == "Europe/Rome"
    html = response.content.decode()
    assert "Stato del sistema" in html
    assert "nessun backup trovato" in html
    assert "no-cache" in response["Cache-Control"]
    # the two clocks are the real UTC and Europe/Rome times (Rome is one or two hours ahead)
    utc = re.search(r'data-testid="clock-utc"><time datetime="([^"]+)"', html).group(1)
    rome = re.search(r'data-testid="clock-rome"><time datetime="([^"]+)"', html).group(1)
    assert utc.endswith("+00:00") and rome.endswith(("+01:00", "+02:00"))
    assert datetime.fromisoformat(utc) == datetime.fromisoformat(rome)  # the same instant
    assert utc[11:19] != rome[11:19]  # shown on two different clocks


def test_status_page_lists_the_pending_migrations(client, make_user, monkeypatch):
    from grants.ops import selectors

    client.force_login(make_user(staff=True))
    assert client.get(reverse("ops:status")).context["status"]["pending_migrations"] == []

    monkeypatch.setattr(selectors, "pending_migrations", lambda: ["ops.0002_add_a_column"])
    response = client.get(reverse("ops:status"))

    assert response.context["status"]["pending_migrations"] == ["ops.0002_add_a_column"]
    assert "<code>ops.0002_add_a_column</code>" in response.content.decode()


def test_status_page_shows_the_last_backup(client, make_user):
    first = create_backup()
    second = create_backup()
    client.force_login(make_user(staff=True))

    response = client.get(reverse("ops:status"))

    assert response.context["status"]["last_backup"].path == second.path != first.path
    assert second.path.name in response.content.decode()


def test_status_page_reports_a_broken_database_check_without_failing(client, make_user, monkeypatch):
    from grants.core import views as health

    def broken():
        raise RuntimeError("cache down")

    monkeypatch.setattr(health, "_check_cache", broken)
    client.force_login(make_user(staff=True))

    response = client.get(reverse("ops:status"))

    assert response.status_code == 200
    assert response.context["status"]["checks"]["cache"] == "error: RuntimeError"


def test_failed_list_needs_the_view_permission(client, make_user):
    url = reverse("ops:failed_tasks")
    client.force_login(make_user(staff=True))
    assert client.get(url).status_code == 403

    client.force_login(make_user(staff=True, perms=["ops.view_failedtask"]))
    assert client.get(url).status_code == 200


def test_failed_list_shows_the_error_and_rerun_resolves_it(client, make_user):
    STATE.update(broken=True, calls=0, fail_first=0)
    deliver.delay("ente@example.org", subject="Ricevuta")
    failed = FailedTask.objects.get()
    client.force_login(make_user(staff=True, perms=["ops.view_failedtask", "ops.change_failedtask"]))

    page = client.get(reverse("ops:failed_tasks"))
    assert "ConnectionError: mail server refused ente@example.org" in page.content.decode()
    assert reverse("ops:failed_task_rerun", args=[failed.pk]) in page.content.decode()

    STATE["broken"] = False
    response = client.post(reverse("ops:failed_task_rerun", args=[failed.pk]), follow=True)

    failed.refresh_from_db()
    assert failed.resolved_at is not None
    assert "rieseguita con successo" in response.content.decode()
    assert "Nessuna attività fallita" in response.content.decode()
    assert "risolta" in client.get(reverse("ops:failed_tasks") + "?tutte=1").content.decode()


def test_rerun_is_post_only_and_needs_the_change_permission(client, make_user):
    failed = FailedTask.objects.create(
        task_name=deliver.name,
        args=["x@example.org"],
        kwargs={"subject": "s"},
        error="e",
        first_failed_at=now(),
        last_failed_at=now(),
    )
    url = reverse("ops:failed_task_rerun", args=[failed.pk])
    client.force_login(make_user(staff=True, perms=["ops.view_failedtask"]))
    assert client.post(url).status_code == 403

    client.force_login(make_user(staff=True, perms=["ops.view_failedtask", "ops.change_failedtask"]))
    assert client.get(url).status_code == 405
    failed.refresh_from_db()
    assert failed.reruns == 0

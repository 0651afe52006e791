"""Idempotent tasks: retries with backoff, a FailedTask when they are exhausted, re-run that resolves it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError

from config.celery import app as celery_app
from grants.core.tasks import (
    IdempotentTask,
    PermanentTaskError,
    failed_task_id_of,
    idempotent_task,
    rerun_task_id,
)
from grants.core.timeutils import now
from grants.ops import services, tasks
from grants.ops.models import FailedTask

pytestmark = pytest.mark.django_db

STATE = {"broken": True, "calls": 0, "fail_first": 0}


@pytest.fixture(autouse=True)
def reset_state():
    STATE.update(broken=True, calls=0, fail_first=0)


@idempotent_task(max_retries=2)
def deliver(recipient: str, *, subject: str) -> str:
    STATE["calls"] += 1
    if STATE["broken"]:
        raise ConnectionError(f"mail server refused {recipient}")
    if STATE["fail_first"]:
        STATE["fail_first"] -= 1
        raise TimeoutError("slow")
    return f"sent {subject} to {recipient}"


@idempotent_task
def hopeless(number: int) -> None:
    STATE["calls"] += 1
    raise PermanentTaskError(f"record {number} does not exist")


def test_the_decorator_builds_a_retried_late_acknowledged_task():
    assert isinstance(deliver, IdempotentTask)
    assert deliver.max_retries == 2
    assert deliver.retry_backoff == 10 and deliver.retry_jitter
    assert deliver.acks_late and deliver.reject_on_worker_lost
    assert deliver.name == "grants.ops.tests.test_tasks.deliver"


def test_a_task_that_always_fails_is_retried_then_listed_with_its_error():
    deliver.delay("ente@example.org", subject="Ricevuta")

    assert STATE["calls"] == 3  # first attempt + 2 retries
    failed = FailedTask.objects.get()
    assert failed.task_name == "grants.ops.tests.test_tasks.deliver"
    assert failed.args == ["ente@example.org"]
    assert failed.kwargs == {"subject": "Ricevuta"}
    assert failed.error == "ConnectionError: mail server refused ente@example.org"
    assert "ConnectionError" in failed.traceback
    assert failed.attempts == 3
    assert failed.first_failed_at == failed.last_failed_at
    assert failed.resolved_at is None


def test_a_permanent_error_is_recorded_without_retrying():
    hopeless.delay(7)

    assert STATE["calls"] == 1
    assert FailedTask.objects.get().error == "PermanentTaskError: record 7 does not exist"


def test_a_success_after_retries_records_nothing():
    STATE.update(broken=False, fail_first=2)

    deliver.delay("ente@example.org", subject="Ricevuta")

    assert STATE["calls"] == 3
    assert not FailedTask.objects.exists()


def test_rerun_after_the_fix_succeeds_and_resolves(make_user):
    deliver.delay("ente@example.org", subject="Ricevuta")
    failed = FailedTask.objects.get()
    operator = make_user(staff=True, perms=["ops.change_failedtask"])

    STATE.update(broken=False, calls=0)
    rerun, outcome = services.rerun_failed_task(user=operator, failed_task_id=failed.pk)

    assert outcome == services.RerunOutcome.RESOLVED
    assert STATE["calls"] == 1
    assert rerun.resolved_at is not None
    assert rerun.resolved_by == operator
    assert rerun.reruns == 1
    assert FailedTask.objects.count() == 1  # the same record, not a new one


def test_rerun_that_succeeds_only_on_a_retry_still_resolves(make_user):
    deliver.delay("ente@example.org", subject="Ricevuta")
    failed = FailedTask.objects.get()

    STATE.update(broken=False, fail_first=1)
    rerun, outcome = services.rerun_failed_task(
        user=make_user(perms=["ops.change_failedtask"]), failed_task_id=failed.pk
    )

    assert outcome == services.RerunOutcome.RESOLVED
    assert rerun.is_resolved


def test_rerun_that_fails_again_updates_the_same_record(make_user):
    deliver.delay("ente@example.org", subject="Ricevuta")
    failed = FailedTask.objects.get()

    rerun, outcome = services.rerun_failed_task(
        user=make_user(perms=["ops.change_failedtask"]), failed_task_id=failed.pk
    )

    assert outcome == services.RerunOutcome.FAILED
    assert FailedTask.objects.count() == 1
    assert rerun.attempts == 6
    assert rerun.resolved_at is None
    assert rerun.last_failed_at >= failed.last_failed_at


def test_rerun_needs_the_permission_and_an_open_record(make_user):
    deliver.delay("ente@example.org", subject="Ricevuta")
    failed = FailedTask.objects.get()

    with pytest.raises(PermissionDenied):
        services.rerun_failed_task(user=make_user(staff=True), failed_task_id=failed.pk)

    operator = make_user(perms=["ops.change_failedtask"])
    STATE["broken"] = False
    services.rerun_failed_task(user=operator, failed_task_id=failed.pk)
    with pytest.raises(ValidationError):
        services.rerun_failed_task(user=operator, failed_task_id=failed.pk)


def test_rerun_of_a_task_that_no_longer_exists_is_refused(make_user):
    failed = FailedTask.objects.create(
        task_name="grants.gone.tasks.old", error="X", first_failed_at=now(), last_failed_at=now()
    )
    with pytest.raises(ValidationError):
        services.rerun_failed_task(user=make_user(perms=["ops.change_failedtask"]), failed_task_id=failed.pk)


def test_rerun_task_ids_carry_the_record():
    assert failed_task_id_of(rerun_task_id(42)) == 42
    assert failed_task_id_of("c0ffee-1234") is None
    assert failed_task_id_of(None) is None


def test_the_beat_schedule_names_only_real_tasks():
    celery_app.loader.import_default_modules()
    schedule = celery_app.conf.beat_schedule
    assert schedule
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_expired_sessions_are_cleared():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.set_expiry(1)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=now() - timedelta(days=1))

    assert tasks.clear_expired_sessions.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_resolved_failed_tasks_are_purged_after_the_retention(settings):
    settings.CELERY_FAILED_TASK_RETENTION_DAYS = 30
    moment = now()
    old = FailedTask.objects.create(
        task_name="t",
        error="e",
        first_failed_at=moment,
        last_failed_at=moment,
        resolved_at=moment - timedelta(days=31),
    )
    recent = FailedTask.objects.create(
        task_name="t",
        error="e",
        first_failed_at=moment,
        last_failed_at=moment,
        resolved_at=moment - timedelta(days=29),
    )
    open_ = FailedTask.objects.create(
        task_name="t", error="e", first_failed_at=moment - timedelta(days=400), last_failed_at=moment
    )

    assert tasks.purge_resolved_failed_tasks.delay().get() == 1
    assert set(FailedTask.objects.values_list("pk", flat=True)) == {recent.pk, open_.pk}
    assert not FailedTask.objects.filter(pk=old.pk).exists()


def test_document_zips_past_their_retention_are_expired_by_the_beat_task(settings, tmp_path):
    from django.core.files.base import ContentFile

    from grants.applications.models import DocumentArchive, DocumentArchiveStatus
    from grants.applications.tests.factories import UserFactory, open_call
    from grants.ops import retention

    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_ARCHIVE_RETENTION_DAYS = 3
    entry = celery_app.conf.beat_schedule["expire-document-archives"]
    assert entry["task"] == "grants.ops.retention.expire_document_archives"
    call, user = open_call(), UserFactory()
    ages = {"old": timedelta(days=4), "fresh": timedelta(days=1)}
    archives = {}
    for label, age in ages.items():
        archive = DocumentArchive.objects.create(call=call, requested_by=user, finished_at=now() - age)
        archive.file.save(f"{label}.zip", ContentFile(b"PK"), save=False)
        archive.status = DocumentArchiveStatus.DONE
        archive.save()
        archives[label] = archive
    assert celery_app.tasks[entry["task"]].delay().get() == 1
    for archive in archives.values():
        archive.refresh_from_db()
    assert archives["old"].status == DocumentArchiveStatus.EXPIRED and not archives["old"].file
    assert archives["fresh"].status == DocumentArchiveStatus.DONE and archives["fresh"].file
    assert retention.expire_document_archives(days=0) == 1

"""Retention: drafts never submitted are deleted months after their call closed, with an audit record."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from grants.applications.models import Application, ApplicationDocument
from grants.applications.services import months_before
from grants.applications.tests.factories import draft, member_of, open_call
from grants.core.models import AuditEvent
from grants.core.timeutils import now, rome_datetime
from grants.evaluation.tests import factories as evaluation_factories
from grants.ops import retention
from grants.programme.models import Call
from grants.programme.tests.factories import RequiredDocumentFactory

pytestmark = pytest.mark.django_db


def _close_months_ago(call, months: int, *, extra_days: int = 1):
    """Move an open call into the past: closed ``months`` months (and ``extra_days``) ago."""
    closes_at = months_before(now(), months) - timedelta(days=extra_days)
    Call.objects.filter(pk=call.pk).update(opens_at=closes_at - timedelta(days=40), closes_at=closes_at)
    call.refresh_from_db()
    return call


def _draft_closed_months_ago(months: int, **kwargs):
    application = draft(**kwargs)
    _close_months_ago(application.call, months)
    return application


def test_months_before_keeps_the_wall_clock_and_clamps_the_day():
    assert months_before(rome_datetime(2026, 3, 31, 12), 1) == rome_datetime(2026, 2, 28, 12)
    assert months_before(rome_datetime(2026, 1, 15), 12) == rome_datetime(2025, 1, 15)
    assert months_before(rome_datetime(2026, 1, 15), 13) == rome_datetime(2024, 12, 15)


def test_a_stale_draft_is_deleted_with_its_files_and_an_audit_record(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DRAFT_RETENTION_MONTHS = 12
    settings.MEDIA_ROOT = tmp_path
    user, organisation = member_of(name="Cooperativa Aurora")
    stale = _draft_closed_months_ago(12, user=user, organisation=organisation)
    document = ApplicationDocument(
        application=stale,
        required_document=RequiredDocumentFactory(call=stale.call, code="relazione", is_mandatory=False),
        uploaded_by=user,
        original_name="relazione.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
    )
    document.file.save("relazione.pdf", ContentFile(b"%PDF-1.4 prova"), save=True)
    storage, name = document.file.storage, document.file.name
    recent = _draft_closed_months_ago(11, user=user, organisation=organisation)
    current = draft(user=user, organisation=organisation)  # call still open

    with django_capture_on_commit_callbacks(execute=True):
        assert retention.purge_stale_drafts() == 1

    assert not Application.objects.filter(pk=stale.pk).exists()
    assert set(Application.objects.values_list("pk", flat=True)) >= {recent.pk, current.pk}
    assert not storage.exists(name)
    event = AuditEvent.objects.get(action="application.draft_deleted")
    assert event.object_id == str(stale.pk)
    assert event.organisation_name == "Cooperativa Aurora"
    assert event.before["status"] == "draft"
    assert "12 mesi" in event.reason


def test_submitted_applications_are_never_deleted():
    call = open_call(opens_at=now() - timedelta(days=10), closes_at=now() + timedelta(days=10))
    submitted = evaluation_factories.submitted(call=call)
    _close_months_ago(call, 26)

    assert retention.purge_stale_drafts(months=12) == 0
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_the_command_counts_then_deletes():
    _draft_closed_months_ago(6)
    out = StringIO()

    call_command("purge_stale_drafts", "--months", "6", "--dry-run", stdout=out)
    assert "1 bozze da cancellare" in out.getvalue()
    assert Application.objects.count() == 1

    call_command("purge_stale_drafts", "--months", "6", stdout=out)
    assert "1 bozze cancellate" in out.getvalue()
    assert Application.objects.count() == 0


def test_the_beat_task_uses_the_setting(settings):
    settings.DRAFT_RETENTION_MONTHS = 3
    _draft_closed_months_ago(3)

    assert retention.purge_stale_drafts_task.delay().get() == 1

"""Backup, wipe, restore: rows and document files come back intact; a tampered backup is refused."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from grants.applications import services as application_services
from grants.applications.models import Application, ApplicationDocument
from grants.applications.tests.factories import draft, open_call
from grants.ops.backup import list_backups, verify_backup
from grants.programme.models import Call
from grants.programme.tests.factories import RequiredDocumentFactory
from grants.registry.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"progetto WECARE " * 64


@pytest.fixture(autouse=True)
def media_and_backups(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT.mkdir()
    return settings


def _some_data():
    call = open_call()
    required = RequiredDocumentFactory(call=call, code="progetto", allowed_types=["application/pdf"])
    applications = [draft(call=call) for _ in range(2)]
    document = application_services.attach_document(
        actor=applications[0].created_by,
        application=applications[0],
        required_document=required,
        uploaded_file=SimpleUploadedFile("progetto.pdf", PDF, content_type="application/pdf"),
    )
    return document


def _snapshot(media_root):
    from django.contrib.auth import get_user_model

    return {
        "users": sorted(get_user_model().objects.values_list("email", flat=True)),
        "organisations": sorted(Organisation.objects.values_list("fiscal_code", flat=True)),
        "calls": sorted(Call.objects.values_list("pk", "title")),
        "applications": sorted(Application.objects.values_list("pk", "status", "applicant_id", "title")),
        "documents": sorted(ApplicationDocument.objects.values_list("pk", "sha256", "file")),
        "files": {
            str(path.relative_to(media_root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in media_root.rglob("*")
            if path.is_file()
        },
    }


def _wipe(media_root):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_backup_wipe_restore_round_trip(media_and_backups, capsys):
    media_root = media_and_backups.MEDIA_ROOT
    document = _some_data()
    before = _snapshot(media_root)
    assert len(before["applications"]) == 2 and len(before["files"]) == 1
    assert next(iter(before["files"].values())) == document.sha256 == hashlib.sha256(PDF).hexdigest()

    call_command("backup")
    backup_path = capsys.readouterr().out.strip()
    manifest = json.loads((media_and_backups.BACKUP_DIR / backup_path / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["applications.Application"] == 2
    assert manifest["counts"]["applications.ApplicationDocument"] == 1
    assert manifest["media"]["files"] == 1
    assert set(manifest["files"]) == {manifest["database"]["file"], "media.tar.gz"}

    _wipe(media_root)
    assert not Application.objects.exists() and not list(media_root.rglob("*"))

    call_command("restore", backup_path, interactive=False)

    assert _snapshot(media_root) == before
    restored = ApplicationDocument.objects.get()
    assert hashlib.sha256(restored.file.read()).hexdigest() == restored.sha256


def test_a_tampered_backup_is_refused_and_nothing_is_touched(media_and_backups):
    _some_data()
    call_command("backup")
    backup = list_backups()[0]
    with (backup.path / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")
    Application.objects.all().delete()  # a change made after the backup must survive the refused restore

    with pytest.raises(CommandError, match=r"refusing to restore: .*media.tar.gz: checksum mismatch"):
        call_command("restore", str(backup.path), interactive=False)

    assert not Application.objects.exists()


def test_an_unfinished_backup_is_not_a_backup(media_and_backups, tmp_path):
    half = media_and_backups.BACKUP_DIR / "20260101T000000Z"
    half.mkdir(parents=True)
    (half / "database.sqlite3").write_bytes(b"partial")

    assert list_backups() == []
    with pytest.raises(CommandError, match=r"no manifest\.json"):
        call_command("restore", str(half), interactive=False)


def test_only_the_newest_backups_are_kept(media_and_backups):
    for _ in range(3):
        call_command("backup", keep=2)

    backups = list_backups()
    assert len(backups) == 2
    assert all(verify_backup(info.path)["format_version"] == 1 for info in backups)
    assert sorted(p.name for p in media_and_backups.BACKUP_DIR.iterdir()) == sorted(
        b.path.name for b in backups
    )

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grants.ops.backup import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the configured database and MEDIA_ROOT, after checking "
        "every checksum. Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive_dir", type=Path, help="A backup directory (holding manifest.json).")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--verify-only", action="store_true", help="Only check the checksums.")

    def handle(self, *args, archive_dir, interactive=True, verify_only=False, **options):
        try:
            manifest = verify_backup(archive_dir)
        except BackupError as exc:
            raise CommandError(f"refusing to restore: {exc}") from exc
        self.stderr.write(f"checksums verified: backup of {manifest['created_at']}")
        if verify_only:
            return
        if interactive:
            answer = input(
                "This REPLACES the current database and every uploaded file. Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        try:
            report = restore_backup(archive_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report["count_differences"]:
            raise CommandError(
                f"restored, but row counts differ from the manifest: {report['count_differences']}"
            )
        self.stderr.write(f"restore complete: {report['media_files']} media files")

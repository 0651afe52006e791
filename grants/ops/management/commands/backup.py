from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grants.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite online backup) and MEDIA_ROOT into BACKUP_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, help="Directory for backups (default: BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, help="Keep only the newest N backups (default: BACKUP_KEEP; 0 keeps all)."
        )

    def handle(self, *args, output_dir=None, keep=None, **options):
        keep = settings.BACKUP_KEEP if keep is None else keep
        try:
            info = create_backup(backup_dir=output_dir, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(info.path))
        rows = sum(info.manifest["counts"].values())
        self.stderr.write(
            f"backup complete: {info.manifest['database']['vendor']} database, {rows} rows, "
            f"{info.manifest['media']['files']} media files"
        )

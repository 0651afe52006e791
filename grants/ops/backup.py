"""Backup and restore of the database and of the uploaded documents (MEDIA_ROOT).

A backup is a directory ``BACKUP_DIR/<UTC timestamp>/`` holding:

* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite online backup);
* ``media.tar.gz`` with every file under MEDIA_ROOT;
* ``manifest.json``: when, which database, the SHA-256 and size of each file, the row count of every table of
  the platform's apps. It is written last, so a directory without it is an unfinished backup.

Restoring verifies every checksum first and refuses on any mismatch.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
FORMAT_VERSION = 1
_BACKUP_NAME = "%Y%m%dT%H%M%SZ"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    manifest: dict

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["created_at"])


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database_settings(alias: str = DEFAULT_DB_ALIAS) -> dict:
    return connections[alias].settings_dict


def _vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"database {vendor!r} not supported (PostgreSQL or SQLite)")
    return vendor


def _pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return found


def table_counts() -> dict[str, int]:
    """Rows of every concrete table of the platform's apps (grants.*), by ``app_label.Model``."""
    counts = {}
    existing = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    for model in apps.get_models():
        if not model.__module__.startswith("grants.") or model._meta.proxy:
            continue
        if model._meta.db_table not in existing:  # migration not applied yet: nothing to count
            continue
        counts[model._meta.label] = model._default_manager.using(DEFAULT_DB_ALIAS).count()
    return dict(sorted(counts.items()))


def _dump_database(target_dir: Path) -> Path:
    vendor = _vendor()
    connection = connections[DEFAULT_DB_ALIAS]
    if vendor == "sqlite":
        target = target_dir / SQLITE_FILE
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the site keeps running.
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    target = target_dir / PG_DUMP_FILE
    db = _database_settings()
    env, args = _pg_env_and_args(db)
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args, db["NAME"]]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def _archive_media(target_dir: Path) -> tuple[Path, int]:
    media_root = Path(settings.MEDIA_ROOT)
    target = target_dir / MEDIA_ARCHIVE
    files = 0
    with tarfile.open(target, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=str(path.relative_to(media_root)), recursive=False)
                    files += 1
    return target, files


def app_version() -> str:
    return os.environ.get("APP_COMMIT", "") or os.environ.get("GIT_COMMIT", "")


def create_backup(*, backup_dir: Path | None = None, keep: int | None = None) -> BackupInfo:
    """Write a complete backup and return it; older ones beyond ``keep`` are removed afterwards."""
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    backup_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now(tz=UTC)
    name = started.strftime(_BACKUP_NAME)
    final = backup_dir / name
    suffix = 1
    while final.exists():
        final = backup_dir / f"{name}-{suffix}"
        suffix += 1
    # Build in a hidden directory and rename at the end: a half-made backup never looks complete.
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=backup_dir))
    try:
        counts = table_counts()
        database_file = _dump_database(work)
        media_file, media_files = _archive_media(work)
        files = {
            path.name: {"sha256": sha256_of(path), "size": path.stat().st_size}
            for path in (database_file, media_file)
        }
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": started.isoformat(),
            "finished_at": datetime.now(tz=UTC).isoformat(),
            "app_version": app_version(),
            "database": {
                "vendor": _vendor(),
                "file": database_file.name,
                "name": str(_database_settings()["NAME"]),
            },
            "media": {"file": media_file.name, "files": media_files},
            "files": files,
            "counts": counts,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        work.chmod(0o700)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if keep:
        prune_backups(backup_dir=backup_dir, keep=keep)
    return BackupInfo(path=final, manifest=manifest)


def list_backups(backup_dir: Path | None = None) -> list[BackupInfo]:
    """Complete backups (with a readable manifest), newest first."""
    backup_dir = Path(backup_dir or settings.BACKUP_DIR)
    found = []
    if not backup_dir.is_dir():
        return found
    for path in backup_dir.iterdir():
        manifest_path = path / MANIFEST
        if path.name.startswith(".") or not manifest_path.is_file():
            continue
        try:
            found.append(
                BackupInfo(path=path, manifest=json.loads(manifest_path.read_text(encoding="utf-8")))
            )
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda info: info.manifest.get("created_at", ""), reverse=True)


def latest_backup(backup_dir: Path | None = None) -> BackupInfo | None:
    backups = list_backups(backup_dir)
    return backups[0] if backups else None


def prune_backups(*, backup_dir: Path, keep: int) -> list[Path]:
    removed = []
    for info in list_backups(backup_dir)[keep:]:
        shutil.rmtree(info.path)
        removed.append(info.path)
    return removed


def verify_backup(path: Path) -> dict:
    """The manifest of the backup at ``path`` after checking every file's size and SHA-256."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{path}: no {MANIFEST}, not a complete backup")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format_version')!r}")
    problems = []
    for name, expected in manifest["files"].items():
        file_path = path / name
        if Path(name).name != name or not file_path.is_file():
            problems.append(f"{name}: missing")
            continue
        if file_path.stat().st_size != expected["size"] or sha256_of(file_path) != expected["sha256"]:
            problems.append(f"{name}: checksum mismatch")
    if (
        manifest["database"]["file"] not in manifest["files"]
        or manifest["media"]["file"] not in manifest["files"]
    ):
        problems.append("manifest does not list the database and media files")
    if problems:
        raise BackupError(f"{path}: " + "; ".join(problems))
    return manifest


def _restore_database(path: Path, manifest: dict) -> None:
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"the backup holds a {manifest['database']['vendor']} database, the configured one is {vendor}"
        )
    connection = connections[DEFAULT_DB_ALIAS]
    dump = path / manifest["database"]["file"]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    db = _database_settings()
    env, args = _pg_env_and_args(db)
    connection.close()  # our own session must not hold locks on the tables being replaced
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        *args,
        "--dbname",
        db["NAME"],
        str(dump),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def _restore_media(path: Path, manifest: dict) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    # Extract next to MEDIA_ROOT first, so a broken archive leaves the current files untouched.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        with tarfile.open(path / manifest["media"]["file"], "r:gz") as archive:
            archive.extractall(staging, filter="data")
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        restored = 0
        for child in staging.iterdir():
            shutil.move(str(child), media_root / child.name)
        restored = sum(1 for item in media_root.rglob("*") if item.is_file())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return restored


def restore_backup(path: Path) -> dict:
    """Verify, then replace the configured database and MEDIA_ROOT with the backup's; returns a report."""
    manifest = verify_backup(path)
    _restore_database(Path(path), manifest)
    media_files = _restore_media(Path(path), manifest)
    counts = table_counts()
    differences = {
        label: {"expected": expected, "found": counts.get(label)}
        for label, expected in manifest["counts"].items()
        if counts.get(label) != expected
    }
    return {"manifest": manifest, "media_files": media_files, "count_differences": differences}

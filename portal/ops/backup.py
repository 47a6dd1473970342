"""Backup and restore: the database as Django fixtures, the media as a tar.

Why Django's own serialisation rather than pg_dump / sqlite3 .dump: one
format for both databases (a SQLite backup restores into PostgreSQL and
back), checked by the same test, with no client tools in the image.

A backup directory holds:
  types.json     content types and permissions, by natural key
  data.json      every other row with its own id, foreign keys to the above by natural key
  media.tar      every file in the default storage
  manifest.json  row counts, checksums and the migration state

The rows are read in one transaction (REPEATABLE READ on PostgreSQL, a read
transaction on SQLite), so they are consistent with each other. Media files
are only ever added in normal use, so copying them after the rows means
every file a row names is in the archive.
"""

import hashlib
import io
import json
import shutil
import tarfile
from collections import Counter
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
# Django's JSON fixtures, exact to the microsecond, natural keys only where a
# restore renumbers rows (portal/ops/backup_format.py).
SERIALIZATION_FORMAT = "backup_json"
TYPES = ["contenttypes", "auth.permission"]
# Derived or short-lived rows: rebuilt after a restore, or worthless in one.
EXCLUDED = ["sessions", "wagtailsearch", "wagtailcore.referenceindex", "axes.accessattempt"]


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Chinese."""


def _sha256(path):
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _applied_migrations(using):
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _excluded_labels():
    labels = []
    for label in EXCLUDED:
        app_label = label.split(".")[0]
        if apps.is_installed(app_label) or any(c.label == app_label for c in apps.get_app_configs()):
            labels.append(label)
    return labels


def _walk_storage(storage, path=""):
    directories, files = storage.listdir(path)
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from _walk_storage(storage, f"{path}/{directory}" if path else directory)


def _storage_files(storage):
    try:
        return list(_walk_storage(storage))
    except FileNotFoundError:  # no media directory yet
        return []


def _count_rows(data_path):
    with open(data_path, encoding="utf-8") as handle:
        return dict(Counter(item["model"] for item in json.load(handle)))


def dump_database(directory, using=DEFAULT_DB_ALIAS):
    """Write types.json and data.json from one consistent read."""
    connection = connections[using]
    # Inside a caller's transaction (a test) the isolation level is theirs.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata", *TYPES, format=SERIALIZATION_FORMAT, natural_foreign=True, natural_primary=True,
            output=str(directory / "types.json"), database=using, verbosity=0,
        )
        call_command(
            "dumpdata", exclude=TYPES + _excluded_labels(), format=SERIALIZATION_FORMAT, natural_foreign=True,
            output=str(directory / "data.json"), database=using, verbosity=0,
        )


def backup(out_dir, using=DEFAULT_DB_ALIAS, storage=None):
    """Make a backup directory under ``out_dir``; return its path."""
    storage = storage or default_storage
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(out_dir) / f"jingkang-backup-{stamp}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = Path(out_dir) / f"jingkang-backup-{stamp}-{suffix}"
    target.mkdir(parents=True)
    try:
        _write_backup(target, using, storage)
    except Exception:
        # Never leave a half-written backup that looks like a good one.
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _write_backup(target, using, storage):
    dump_database(target, using=using)

    media = []
    with tarfile.open(target / "media.tar", "w") as archive:
        for name in _storage_files(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            media.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})

    manifest = {
        "format": FORMAT_VERSION,
        "created": datetime.now().astimezone().isoformat(),
        "database_vendor": connections[using].vendor,
        "migrations": _applied_migrations(using),
        "rows": _count_rows(target / "data.json"),
        "files": {name: _sha256(target / name) for name in ("types.json", "data.json", "media.tar")},
        "media": media,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def read_manifest(directory):
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{directory} 不是备份目录：缺少 manifest.json。")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"manifest.json 已损坏，无法读取：{exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 与本系统（{FORMAT_VERSION}）不一致。")
    for name, expected in manifest.get("files", {}).items():
        path = directory / name
        if not path.exists():
            raise BackupError(f"备份不完整：缺少 {name}。")
        if _sha256(path) != expected:
            raise BackupError(f"备份文件 {name} 的校验值不符，文件可能已损坏或被改动。")
    return manifest


def empty_database(using=DEFAULT_DB_ALIAS):
    """Delete every row, without the post_migrate handlers that would
    recreate groups and permissions (a backup brings its own back)."""
    connection = connections[using]
    postgres = connection.vendor == "postgresql"
    if postgres:
        # TRUNCATE refuses tables with pending deferred checks (rows changed
        # earlier in the same transaction): run those checks now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0)
    # The cached content types name rows that are gone; loading by natural
    # key must not reuse their ids.
    ContentType.objects.clear_cache()
    if postgres:
        # loaddata relies on deferred foreign-key checks (rows in any order).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore(directory, using=DEFAULT_DB_ALIAS, storage=None, rebuild_indexes=True):
    """Replace the database's content and add the media from a backup.

    The database must be migrated to (at least) the backup's migrations.
    Everything in it is deleted first.
    """
    directory = Path(directory)
    storage = storage or default_storage
    manifest = read_manifest(directory)

    missing = sorted(set(manifest["migrations"]) - set(_applied_migrations(using)))
    if missing:
        shown = "、".join(missing[:5]) + ("…" if len(missing) > 5 else "")
        raise BackupError(f"数据库结构比备份旧，缺少迁移：{shown}。请先运行 manage.py migrate。")

    with transaction.atomic(using=using):
        empty_database(using)
        call_command("loaddata", str(directory / "types.json"), database=using, verbosity=0)
        call_command("loaddata", str(directory / "data.json"), database=using, verbosity=0)

    with tarfile.open(directory / "media.tar", "r") as archive:
        for member in archive.getmembers():
            if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                continue
            data = archive.extractfile(member).read()
            if storage.exists(member.name):
                storage.delete(member.name)
            storage.save(member.name, ContentFile(data))

    # Content types and permissions of models newer than the backup; groups kept up to date.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=using)
    if rebuild_indexes:
        call_command("rebuild_references_index", verbosity=0)
        call_command("update_index", verbosity=0)
    return manifest

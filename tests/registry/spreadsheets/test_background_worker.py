"""A large import's background path with a real ``manage.py db_worker`` process.

The web side (this process) stores the upload in a file-system storage and
queues the preview and the import; a separate worker process, with its own
settings, reads the upload from that storage and runs both. In production
they are two containers sharing the media volume (docker/compose.yaml); an
upload kept in the web process's /tmp is exactly what the worker cannot see.

On SQLite the in-memory test database is copied to a file for the worker and
back afterwards (sqlite3's backup API, milliseconds); on PostgreSQL the
worker connects to the test database itself.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.db import connection
from django.test import override_settings

from portal.registry.models import ImportRecord, Institution, Region
from portal.registry.region_loader import load_regions

from .conftest import build_annex1, row

ROOT = Path(__file__).resolve().parents[3]

WORKER_SETTINGS = """
from portal.settings.test import *  # noqa

DATABASES = {{"default": {database!r}}}
STORAGES = {{**STORAGES, "registry_imports": {{"BACKEND": "django.core.files.storage.FileSystemStorage",
                                              "OPTIONS": {{"location": {media!r}}}}}}}
TASKS = {{"default": {{"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}}}
"""


def worker_database(tmp_path):
    settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        return {"ENGINE": settings["ENGINE"], "NAME": str(tmp_path / "shared.sqlite3")}
    return {k: settings[k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")}


def run_worker(tmp_path, database):
    (tmp_path / "worker_settings.py").write_text(WORKER_SETTINGS.format(database=database, media=str(tmp_path / "media")))
    # The worker gets a /tmp of its own, as a separate container does.
    (tmp_path / "worker-tmp").mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": "worker_settings",
           "TMPDIR": str(tmp_path / "worker-tmp")}
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(database["NAME"]) as target:
            connection.connection.backup(target)
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if connection.vendor == "sqlite":
        with sqlite3.connect(database["NAME"]) as source:
            source.backup(connection.connection)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_background_import_runs_in_a_separate_worker_process(tmp_path):
    from portal.registry.spreadsheets import jobs, uploads

    load_regions()
    tiedong = Region.objects.get(code="210302")
    media = tmp_path / "media"
    with override_settings(
        STORAGES={**settings.STORAGES, "registry_imports": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                            "OPTIONS": {"location": str(media)}}},
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
    ):
        path = build_annex1(tmp_path / "铁东区.xlsx", [row("后台站甲"), row("后台站乙", owner="卫健")])
        with open(path, "rb") as fh:
            stored = uploads.save(File(fh, name=path.name))
        assert (media / stored).exists()  # in the shared storage, not in this process's /tmp
        record = ImportRecord.objects.create(
            operation=ImportRecord.Operation.IMPORT, kind="institutions", region=tiedong, file_name=path.name,
            file_size=path.stat().st_size, status=ImportRecord.Status.QUEUED, stored_file=stored,
        )
        jobs.preview_import_job.enqueue(record.pk)
        jobs.apply_import_job.enqueue(record.pk)
        assert not Institution.objects.exists()
        run_worker(tmp_path, worker_database(tmp_path))
    record.refresh_from_db()
    assert record.status == ImportRecord.Status.APPLIED, record.error_report
    assert record.new_count == 2 and record.journal["created"]
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["后台站乙", "后台站甲"]
    assert record.stored_file == "" and not (media / stored).exists()  # removed once applied

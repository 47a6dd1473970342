"""Uploaded import files kept between upload, preview, confirm and the error workbook.

They live in a Django storage (``STORAGES[REGISTRY_IMPORT_STORAGE]``: by
default ``REGISTRY_IMPORT_ROOT``, a directory outside MEDIA_ROOT, so never
served) under ``registry-imports/`` with random names, because the web
process that receives a file and the ``db_worker`` process that reads it may
be different containers: in docker/compose.yaml both mount the ``imports``
volume there.

A file is removed once its import is applied without errors; a refused or
partly applied import keeps it for the error workbook, and anything older
than a day is swept away on the next upload.
"""

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.utils import timezone

MAX_AGE = timedelta(days=1)
PREFIX = "registry-imports/"


def storage():
    alias = getattr(settings, "REGISTRY_IMPORT_STORAGE", "")
    return storages[alias] if alias else default_storage


def _checked(stored_name):
    # Only a name this module generated is accepted: never a path from outside.
    name = stored_name or ""
    if not name.startswith(PREFIX) or "/" in name[len(PREFIX):] or ".." in name or len(name) <= len(PREFIX):
        raise ValueError("invalid stored file name")
    return name


def save(uploaded_file):
    """Store an upload; returns its generated name (kept on the ImportRecord)."""
    sweep()
    suffix = os.path.splitext(getattr(uploaded_file, "name", "") or "")[1].lower()[:8]
    if not suffix[1:].isalnum():
        suffix = ""
    return storage().save(f"{PREFIX}{uuid.uuid4().hex}{suffix}", uploaded_file)


def exists(stored_name):
    try:
        return storage().exists(_checked(stored_name))
    except ValueError:
        return False


@contextmanager
def local_path(stored_name):
    """A filesystem path to read the stored file from (a temporary copy if the storage has no paths)."""
    name = _checked(stored_name)
    store = storage()
    try:
        path = store.path(name)
    except NotImplementedError:
        path = None
    if path and os.path.exists(path):  # InMemoryStorage names a path that does not exist
        yield path
        return
    suffix = os.path.splitext(name)[1]
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="registry-import-")
    try:
        with os.fdopen(fd, "wb") as out, store.open(name, "rb") as source:
            shutil.copyfileobj(source, out)
        yield tmp
    finally:
        os.unlink(tmp)


def remove(stored_name):
    try:
        storage().delete(_checked(stored_name))
    except (FileNotFoundError, ValueError):
        pass


def sweep(max_age=MAX_AGE):
    store = storage()
    limit = timezone.now() - max_age
    try:
        _dirs, files = store.listdir(PREFIX.rstrip("/"))
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = PREFIX + name
        try:
            if store.get_modified_time(path) < limit:
                store.delete(path)
        except (OSError, NotImplementedError):
            pass

"""Temporary storage of uploaded import files between preview and confirm.

Files live in one private directory under random names, are removed once the
import is applied or refused, and anything older than a day is swept away
on the next upload (an abandoned preview leaves nothing behind for long).
"""

import os
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600


def directory():
    path = Path(getattr(settings, "REGISTRY_IMPORT_TEMP_DIR", "") or Path(tempfile.gettempdir()) / "jingkang-registry-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_for(stored_name):
    # Only a bare generated name is accepted: never a path from outside.
    name = os.path.basename(stored_name or "")
    if not name or name != stored_name:
        raise ValueError("invalid stored file name")
    return str(directory() / name)


def save(uploaded_file):
    """Store an upload; returns its generated name (kept on the ImportRecord)."""
    sweep()
    suffix = os.path.splitext(uploaded_file.name or "")[1].lower()[:8]
    if not suffix[1:].isalnum():
        suffix = ""
    name = f"{uuid.uuid4().hex}{suffix}"
    with open(directory() / name, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    return name


def remove(stored_name):
    try:
        os.unlink(path_for(stored_name))
    except (FileNotFoundError, ValueError):
        pass


def sweep(max_age=MAX_AGE_SECONDS):
    limit = time.time() - max_age
    for entry in directory().iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < limit:
                entry.unlink()
        except OSError:
            pass

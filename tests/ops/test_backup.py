"""backup → restore into an empty database → the same rows and files."""

import io
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.documents.models import Document
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry

from portal.audit.models import RegionLogEntry
from portal.ops.backup import EXCLUDED, TYPES, empty_database
from portal.registry.models import Institution

pytestmark = pytest.mark.django_db


def row_counts():
    skipped = {label.split(".")[0] for label in EXCLUDED + TYPES if "." not in label}
    skipped_models = {label.lower() for label in EXCLUDED + TYPES if "." in label}
    counts = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._meta.app_label in skipped or model._meta.label_lower in skipped_models:
            continue
        counts[model._meta.label_lower] = model._default_manager.count()
    return counts


def database_rows():
    """Every backed-up row as the database holds it (timestamps to the
    microsecond); references to content types and permissions by natural key,
    since a restore gives those rows new ids."""
    skipped = {label.split(".")[0] for label in EXCLUDED + TYPES if "." not in label}
    skipped_models = {label.lower() for label in EXCLUDED + TYPES if "." in label}
    rows = {}
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._meta.app_label in skipped or model._meta.label_lower in skipped_models:
            continue
        fields = model._meta.concrete_fields
        for obj in model._default_manager.order_by("pk"):
            values = []
            for field in fields:
                if field.is_relation and field.related_model in (ContentType, Permission):
                    related = getattr(obj, field.name)
                    values.append((field.name, related.natural_key() if related else None))
                else:
                    values.append((field.attname, field.value_from_object(obj)))
            rows[(model._meta.label_lower, obj.pk)] = values
    return rows


def media_files():
    found = {}
    for directory in ("documents", "original_images"):
        try:
            names = default_storage.listdir(directory)[1]
        except FileNotFoundError:
            continue
        for name in names:
            with default_storage.open(f"{directory}/{name}", "rb") as handle:
                found[f"{directory}/{name}"] = handle.read()
    return found


def test_backup_then_restore_into_an_empty_database_gives_the_same_data(demo_data, county_admin, make_staff, tmp_path):
    from portal.pages.demo import load_site

    # The demo site, as load_demo builds it: it deletes Wagtail's welcome page,
    # whose log entries (like those of any deleted page or user) stay behind.
    load_site()
    assert PageLogEntry.objects.filter(action="wagtail.delete").exclude(page_id__in=Page.objects.values("pk")).exists()
    leaver = make_staff("leaver")
    log(Page.objects.get(slug="jigou"), "wagtail.edit", user=leaver)
    leaver.delete()
    institution = Institution.objects.filter(county__code="210302").first()
    log(institution, "wagtail.edit", user=county_admin, data={"changes": [{"field": "name", "label": "机构全称", "old": "甲", "new": "乙"}]})
    Document.objects.create(title="实施方案", file=ContentFile("%PDF-1.4 鞍山市实施方案".encode(), name="backup-test-plan.pdf"))
    before_rows, before_data, before_media = row_counts(), database_rows(), media_files()
    # Timestamps with microseconds, which a restore must keep.
    assert any(entry.timestamp.microsecond % 1000 for entry in PageLogEntry.objects.all())
    assert before_rows["registry.institution"] > 30 and before_rows["audit.regionlogentry"] == 1
    assert "documents/backup-test-plan.pdf" in before_media

    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    backup_dir = out.getvalue().strip()
    manifest = json.loads((tmp_path / backup_dir.rsplit("/", 1)[-1] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"]["registry.institution"] == before_rows["registry.institution"]

    # An empty database and an empty media store.
    empty_database()
    for name in before_media:
        default_storage.delete(name)
    assert Institution.objects.count() == 0 and not media_files()

    out = io.StringIO()
    call_command("restore", backup_dir, "--no-input", "--no-migrate", stdout=out)
    assert "已恢复" in out.getvalue()

    assert row_counts() == before_rows
    assert database_rows() == before_data
    assert media_files() == before_media
    entry = RegionLogEntry.objects.get()
    assert entry.user.username == "tiedong" and entry.region_name == "铁东区"


def test_restore_refuses_a_tampered_backup(demo_data, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    backup_dir = out.getvalue().strip()
    data = tmp_path / backup_dir.rsplit("/", 1)[-1] / "data.json"
    data.write_text(data.read_text(encoding="utf-8").replace("铁东区", "铁西区"), encoding="utf-8")
    count = Institution.objects.count()
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore", backup_dir, "--no-input", "--no-migrate")
    assert Institution.objects.count() == count  # nothing was touched


def test_restore_refuses_a_directory_that_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(tmp_path), "--no-input", "--no-migrate")

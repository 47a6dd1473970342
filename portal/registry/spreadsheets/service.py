"""The one import/export code path, used alike by the admin views, the
background task and the ``import_registry`` / ``export_registry`` commands.

spreadsheet → reader (clean values with positions) → layout (plan: new /
changed / unchanged / error per row) → one transaction → ImportRecord.
"""

import hashlib
import io
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail.log_actions import log

from .. import access
from ..models import ImportRecord, Region
from . import annex1, members, tasks
from .plan import ImportPlan
from .reader import Refused, open_table

LAYOUTS = {annex1.KIND: annex1, members.KIND: members, tasks.KIND: tasks}
EXPORTS = {**LAYOUTS, tasks.PROGRESS_KIND: tasks.progress_layout}
KIND_LABELS = {"institutions": "精康服务机构", "members": "联席会议成员", "tasks": "任务分工", "task_progress": "任务进展"}


class ImportRefused(Exception):
    """Nothing was written. ``report`` is the full Chinese explanation (every bad row)."""

    def __init__(self, report, plan=None):
        super().__init__(report)
        self.report = report
        self.plan = plan


def layout_for(kind, exports=False):
    table = EXPORTS if exports else LAYOUTS
    if kind not in table:
        raise Refused(f"不支持的表格类型“{kind}”，可选：{'、'.join(table)}。")
    return table[kind]


def check_permission(kind, user, operation="import", delete_missing=False):
    """Imports need add and change rights on the registry (and delete when asked to
    remove missing rows); exports need view or change rights. ``None`` is the
    command line run by the server's operator."""
    if user is None:
        return
    model = layout_for(kind, exports=operation == "export").MODEL._meta.model_name
    if operation == "export":
        allowed = user.has_perm(f"registry.view_{model}") or user.has_perm(f"registry.change_{model}")
    else:
        needed = ["add", "change"] + (["delete"] if delete_missing else [])
        allowed = all(user.has_perm(f"registry.{action}_{model}") for action in needed)
    if not (user.is_active and allowed):
        what = "导出" if operation == "export" else "导入"
        raise Refused(f"您的账号没有{what}“{KIND_LABELS[kind]}”的权限，请联系上级管理员。")


def resolve_region(user, code=None):
    """The region an import or export works in: the one asked for, or the user's only one.

    ``user=None`` is the command line without --user: the server's operator, unrestricted.
    """
    if code:
        region = Region.objects.filter(code=str(code).strip()).first()
        if region is None:
            raise Refused(f"没有找到区划代码“{code}”。请填写 6 位行政区划代码，如 210302。")
        if user is not None and not access.can_access_region(user, region):
            raise Refused(f"“{region.full_name}”不在您的管辖区划内，不能导入或导出该区划的数据。")
        return region
    if user is None or access.is_unrestricted(user):
        return None
    paths = access.region_paths(user)
    if len(paths) == 1:
        return Region.objects.get(path=paths[0])
    if not paths:
        raise Refused("您的账号还没有分配管辖区划，请联系上级管理员。")
    raise Refused("您负责多个区划，请选择本次导入的区划。")


def file_sha256(path):
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextmanager
def _as_path(file, filename=None):
    """A filesystem path for ``file`` (a path, an UploadedFile or any binary file object)."""
    if isinstance(file, (str, Path)):
        yield str(file), filename or os.path.basename(str(file))
        return
    name = filename or os.path.basename(getattr(file, "name", "") or "upload")
    suffix = os.path.splitext(name)[1][:10]
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="registry-import-")
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(file, "chunks"):
                for chunk in file.chunks():
                    out.write(chunk)
            else:
                shutil.copyfileobj(file, out)
        yield tmp, name
    finally:
        os.unlink(tmp)


def _read(kind, path, filename, user, region, delete_missing, progress, record=None):
    layout = layout_for(kind)
    with open_table(path, filename) as table:
        if record is not None and table.sheets:
            record.progress_total = table.sheets[0].estimated_rows  # written with the first progress
        return layout.read_plan(table, user, region, delete_missing=delete_missing, progress=progress)


def _record_progress(record, interval=1.0):
    """A progress callback that writes to the record at most once per ``interval`` seconds
    (each write is a commit; per-1000-row writes cost more than the import itself on SQLite)."""
    if record is None:
        return None
    last = [time.monotonic()]

    def progress(done):
        now = time.monotonic()
        if now - last[0] < interval:
            return
        last[0] = now
        record.progress_done = done
        ImportRecord.objects.filter(pk=record.pk).update(progress_done=done, progress_total=record.progress_total)

    return progress


def _fill_record(record, plan):
    record.set_counts(plan.counts)
    record.error_report = plan.error_report()
    record.warning_report = plan.warning_report()
    record.preview = plan.preview_data()


def preview_import(kind, file, user, region=None, delete_missing=False, filename=None, record=None):
    """What importing ``file`` would do; writes nothing to the registries.

    Raises Refused for a file that cannot be read at all. A plan with error
    rows is returned (the preview shows them); apply_import refuses it.
    """
    check_permission(kind, user, delete_missing=delete_missing)
    with _as_path(file, filename) as (path, name):
        if record is not None:
            record.status = ImportRecord.Status.RUNNING
            record.save(update_fields=["status"])
        try:
            plan = _read(kind, path, name, user, region, delete_missing, _record_progress(record), record)
        except Refused as exc:
            if record is not None:
                _finish(record, ImportRecord.Status.REFUSED, error_report=exc.message)
            raise
        if record is not None:
            _fill_record(record, plan)
            _finish(record, ImportRecord.Status.PREVIEWED if plan.ok else ImportRecord.Status.REFUSED)
        return plan


def apply_import(kind, file, user, region=None, delete_missing=False, filename=None, dry_run=False, record=None):
    """Import ``file`` all-or-nothing and record it; returns (plan, record).

    Raises ImportRefused (with the full error report) when the file or any
    row is bad: the database is then exactly as before.
    """
    try:
        check_permission(kind, user, delete_missing=delete_missing)
    except Refused as exc:
        raise ImportRefused(exc.message) from exc
    with _as_path(file, filename) as (path, name):
        if record is None:
            record = ImportRecord.objects.create(
                operation=ImportRecord.Operation.IMPORT, kind=kind, user=user, region=region,
                file_name=name[:255], sha256=file_sha256(path), file_size=os.path.getsize(path),
                delete_missing=delete_missing, status=ImportRecord.Status.RUNNING,
            )
        else:
            record.status = ImportRecord.Status.RUNNING
            record.progress_done = 0
            record.save(update_fields=["status", "progress_done"])
        try:
            # Reading and comparing (the slow part) runs outside the transaction
            # so a background run's progress is visible to the status page;
            # every write happens inside one transaction.
            plan = _read(kind, path, name, user, region, delete_missing, _record_progress(record), record)
            if not plan.ok:
                raise ImportRefused(_refusal_report(plan), plan)
            if not dry_run:
                with transaction.atomic():
                    layout_for(kind).apply_plan(plan)
        except Refused as exc:
            _finish(record, ImportRecord.Status.REFUSED, error_report=exc.message)
            raise ImportRefused(exc.message) from exc
        except ImportRefused as exc:
            _fill_record(record, exc.plan)
            _finish(record, ImportRecord.Status.REFUSED)
            raise
        except (IntegrityError, ProtectedError) as exc:
            message = ("导入时数据库拒绝了修改，数据未作任何修改。可能是导入期间有人修改了同一批记录，"
                       "或要删除的机构仍被其他记录（如价格公示）引用。请刷新后重新导入。")
            _finish(record, ImportRecord.Status.REFUSED, error_report=message)
            raise ImportRefused(message) from exc
        except Exception:
            _finish(record, ImportRecord.Status.FAILED, error_report="导入时发生内部错误，数据未作任何修改。请联系技术支持。")
            raise
        _fill_record(record, plan)
        _finish(record, ImportRecord.Status.DRY_RUN if dry_run else ImportRecord.Status.APPLIED)
        if not dry_run:
            log(instance=record, action="registry.import", user=user)
        return plan, record


def _refusal_report(plan):
    errors = plan.errors
    head = f"导入被拒绝，数据库未作任何修改。共 {len({(p.sheet, p.row) for p in errors})} 行有错误："
    return head + "\n" + plan.error_report()


def _finish(record, status, error_report=None):
    record.status = status
    record.finished_at = timezone.now()
    if error_report is not None:
        record.error_report = error_report
    if status in (ImportRecord.Status.APPLIED, ImportRecord.Status.REFUSED, ImportRecord.Status.FAILED,
                  ImportRecord.Status.DRY_RUN):
        record.stored_file = ""
    record.save()


def export(kind, source, user, region=None):
    """Write the rows of ``source`` (a queryset or a Region) that ``user`` may see.

    Returns (xlsx bytes, file name, ImportRecord).
    """
    layout = layout_for(kind, exports=True)
    check_permission(kind, user, operation="export")
    if isinstance(source, Region) or source is None:
        region = source
        queryset = layout.queryset_for_region(region)
    else:
        queryset = source
        if region is None and user is not None and not access.is_unrestricted(user):
            try:
                region = resolve_region(user, None)  # titles the form with the user's own region
            except Refused:
                region = None
    if user is not None:  # None: the server's operator on the command line
        # Never more than the user may see (a city's shared task table included).
        queryset = queryset.visible_to(user, for_reading=True)
    book, count = layout.export(queryset, region, user)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{region.name if region else ''}{KIND_LABELS[kind]}-{stamp}.xlsx"
    record = ImportRecord.objects.create(
        operation=ImportRecord.Operation.EXPORT, kind=kind, user=user, region=region, file_name=filename,
        sha256=hashlib.sha256(data).hexdigest(), file_size=len(data), status=ImportRecord.Status.EXPORTED,
        row_count=count, finished_at=timezone.now(),
    )
    log(instance=record, action="registry.export", user=user)
    return data, filename, record


def template(kind="institutions"):
    """The blank form of a layout, as xlsx bytes."""
    book = layout_for(kind).template()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["ImportPlan", "ImportRefused", "Refused", "apply_import", "export", "preview_import", "resolve_region", "template"]

"""The one import/export code path, used alike by the admin views, the
background jobs and the ``import_registry`` / ``export_registry`` /
``undo_import`` commands.

spreadsheet → reader (clean values with positions) → layout.read (ChangeSet:
new / changed / unchanged / error per row, near-duplicates) → one
transaction (layout.apply → journal) → ImportRecord; undo_import takes the
journal back in one transaction and is recorded too.
"""

import gc
import hashlib
import io
import os
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail.log_actions import log

from .. import access
from ..models import ImportRecord, Institution, Region
from . import error_workbook
from .annex1.saving import ConcurrentEdit
from .changeset import ChangeSet
from .layout import UndoRefused, all_layouts, layout_for
from .reader import Refused, open_table

# ``ImportPlan`` was this object's name before the module was renamed (plan → changeset).
ImportPlan = ChangeSet


def _kinds(exports=False):
    return {k: v for k, v in all_layouts().items() if (v.exportable if exports else v.importable)}


def import_kinds():
    return sorted(_kinds())


def export_kinds():
    return sorted(_kinds(exports=True))


def kind_label(kind):
    layout = all_layouts().get(kind)
    return layout.label if layout else kind


class ImportRefused(Exception):
    """Nothing was written. ``report`` is the full Chinese explanation (every bad row)."""

    def __init__(self, report, plan=None, record=None):
        super().__init__(report)
        self.report = report
        self.plan = plan
        self.record = record


def check_permission(kind, user, operation="import", delete_missing=False):
    """Imports need add and change rights on the registry (and delete when asked to
    remove missing rows; undo needs all three); exports need view or change
    rights. ``None`` is the command line run by the server's operator."""
    if user is None:
        return
    layout = layout_for(kind, exports=operation == "export")
    opts = layout.model._meta
    perm = f"{opts.app_label}.{{}}_{opts.model_name}"
    if operation == "export":
        allowed = user.has_perm(perm.format("view")) or user.has_perm(perm.format("change"))
    else:
        needed = ["add", "change"] + (["delete"] if delete_missing or operation == "undo" else [])
        allowed = all(user.has_perm(perm.format(action)) for action in needed)
    if not (user.is_active and allowed):
        what = {"export": "导出", "undo": "撤销导入"}.get(operation, "导入")
        raise Refused(f"您的账号没有{what}“{layout.label}”的权限，请联系上级管理员。")


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


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_state = {"enabled": True}


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while an import reads and writes.

    An import holds tens of thousands of small live objects (rows, cleaned
    values, the existing rows); every full collection walks all of them, and
    measured on 10,000 rows that took a third of the time beyond the parse.
    Nothing an import builds is cyclic, so reference counting frees it as
    usual. Concurrent imports in one process share the pause (a counter).
    """
    global _gc_holders
    with _gc_lock:
        _gc_holders += 1
        if _gc_holders == 1:
            was_enabled = gc.isenabled()
            gc.disable()
            _gc_state["enabled"] = was_enabled
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_state["enabled"]:
                gc.enable()


def _read(kind, path, filename, user, region, delete_missing, progress, record=None, matches=None):
    layout = layout_for(kind)
    if layout.needs_region and region is None:
        raise Refused(f"导入{layout.label}时必须指定区划（命令行使用 --region 区划代码）。")
    with open_table(path, filename) as table:
        if record is not None and table.sheets:
            record.progress_total = table.sheets[0].estimated_rows  # written with the first progress
        return layout.read(table, user, region, delete_missing=delete_missing, progress=progress, matches=matches)


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


def _fill_record(record, plan, written=True):
    counts = plan.counts
    if not written:  # a refused import wrote nothing: it created, changed and deleted nothing
        counts = {"error": counts["error"], "new": 0, "changed": 0, "unchanged": 0, "deleted": 0,
                  "_read": sum(v for k, v in counts.items() if k != "deleted")}
    record.set_counts(counts)
    if not written:
        record.row_count = counts["_read"]
    record.error_report = plan.error_report()
    record.warning_report = plan.warning_report(written=plan.context.get("applied", False))
    record.preview = plan.preview_data()


def preview_import(kind, file, user, region=None, delete_missing=False, filename=None, record=None,
                   valid_only=False, matches=None):
    """What importing ``file`` would do; writes nothing to the registries.

    Raises Refused for a file that cannot be read at all. A plan with error
    rows is returned (the preview shows them); apply_import refuses it unless
    ``valid_only``, when the preview says which rows will and will not be written.
    """
    check_permission(kind, user, delete_missing=delete_missing)
    with _as_path(file, filename) as (path, name):
        if record is not None:
            record.status = ImportRecord.Status.RUNNING
            record.save(update_fields=["status"])
        try:
            with cyclic_gc_paused():
                plan = _read(kind, path, name, user, region, delete_missing, _record_progress(record), record, matches)
        except Refused as exc:
            if record is not None:
                _finish(record, ImportRecord.Status.REFUSED, error_report=exc.message)
            raise
        if record is not None:
            acceptable = plan.ok or (valid_only and plan.has_valid_rows)
            _fill_record(record, plan, written=acceptable)
            if acceptable:
                record.set_counts(plan.counts)
            _finish(record, ImportRecord.Status.PREVIEWED if acceptable else ImportRecord.Status.REFUSED)
        return plan


def apply_import(kind, file, user, region=None, delete_missing=False, filename=None, dry_run=False, record=None,
                 valid_only=False, publish_new=False, matches=None):
    """Import ``file`` and record it; returns (plan, record).

    All-or-nothing unless ``valid_only``: then the rows without errors are
    written and the others listed (status 部分导入). Raises ImportRefused (with
    the full error report and the plan, for an error workbook) when the file
    or any row is bad: the database is then exactly as before.
    ``matches`` ({row number: institution id}) are the preview's near-duplicate choices.
    """
    try:
        check_permission(kind, user, delete_missing=delete_missing)
    except Refused as exc:
        raise ImportRefused(exc.message) from exc
    layout = layout_for(kind)
    publish_new = bool(publish_new and getattr(layout, "can_publish", False))
    with _as_path(file, filename) as (path, name):
        if record is None:
            record = ImportRecord.objects.create(
                operation=ImportRecord.Operation.IMPORT, kind=kind, user=user, region=region,
                file_name=name[:255], sha256=file_sha256(path), file_size=os.path.getsize(path),
                delete_missing=delete_missing, valid_only=valid_only, publish_new=publish_new,
                matches=matches or {}, status=ImportRecord.Status.RUNNING,
            )
        else:
            record.status = ImportRecord.Status.RUNNING
            record.progress_done = 0
            record.save(update_fields=["status", "progress_done"])
        matches = matches if matches is not None else record.matches
        plan = None
        try:
            # Reading and comparing (the slow part) runs outside the transaction so a
            # background run's progress is visible; the write is guarded against
            # rows changed meanwhile (annex1/saving.py) and happens in one transaction.
            with cyclic_gc_paused():
                plan = _read(kind, path, name, user, region, delete_missing, _record_progress(record), record, matches)
                if not plan.ok and not (valid_only and plan.has_valid_rows):
                    raise ImportRefused(_refusal_report(plan), plan)
                journal = {}
                if not dry_run:
                    with transaction.atomic():
                        journal = layout.apply(plan, valid_only=valid_only, publish_new=publish_new)
                    plan.context["applied"] = True
        except Refused as exc:
            _finish(record, ImportRecord.Status.REFUSED, error_report=exc.message)
            raise ImportRefused(exc.message, plan, record) from exc
        except ImportRefused as exc:
            _fill_record(record, exc.plan, written=False)
            _finish(record, ImportRecord.Status.REFUSED)
            exc.record = record
            raise
        except ConcurrentEdit as exc:
            message = ("导入期间有人修改了文件中要更新的记录，为免覆盖他们的修改，数据未作任何修改。请重新上传并预览后再导入。"
                       + ("\n被修改的机构：" + "、".join(exc.names[:20]) if exc.names else ""))
            _finish(record, ImportRecord.Status.REFUSED, error_report=message)
            raise ImportRefused(message, plan, record) from exc
        except (IntegrityError, ProtectedError) as exc:
            message = ("导入时数据库拒绝了修改，数据未作任何修改。可能是导入期间有人新建了同名的记录，"
                       "或要删除的机构仍被其他记录（如价格公示）引用。请刷新后重新导入。")
            _finish(record, ImportRecord.Status.REFUSED, error_report=message)
            raise ImportRefused(message, plan, record) from exc
        except Exception:
            _finish(record, ImportRecord.Status.FAILED, error_report="导入时发生内部错误，数据未作任何修改。请联系技术支持。")
            raise
        _fill_record(record, plan)
        record.journal = journal
        if dry_run:
            status = ImportRecord.Status.DRY_RUN
        else:
            status = ImportRecord.Status.APPLIED if plan.ok else ImportRecord.Status.PARTIAL
        _finish(record, status, keep_file=not plan.ok)
        if not dry_run:
            log(instance=record, action="registry.import", user=user,
                data={"summary": record.summary, "valid_only": valid_only, "publish_new": publish_new})
        return plan, record


def _refusal_report(plan):
    errors = plan.errors
    head = f"导入被拒绝，数据库未作任何修改。共 {len({(p.sheet, p.row) for p in errors})} 行有错误："
    return head + "\n" + plan.error_report()


TERMINAL = (ImportRecord.Status.APPLIED, ImportRecord.Status.PARTIAL, ImportRecord.Status.REFUSED,
            ImportRecord.Status.FAILED, ImportRecord.Status.DRY_RUN)


def _finish(record, status, error_report=None, keep_file=None):
    """Close the record. The upload is kept while an error workbook can be made from it."""
    from . import uploads

    record.status = status
    record.finished_at = timezone.now()
    if error_report is not None:
        record.error_report = error_report
    if keep_file is None:
        keep_file = status == ImportRecord.Status.REFUSED and record.error_count > 0
    if status in TERMINAL and not keep_file and record.stored_file:
        uploads.remove(record.stored_file)
        record.stored_file = ""
    record.save()


def error_workbook_for(plan, path, filename):
    """The error workbook (xlsx bytes) of a read ``plan`` for the file at ``path``."""
    return error_workbook.build(path, filename, plan.errors, plan.context.get("header_rows", ()),
                                layout_for(plan.kind))


def record_error_workbook(record):
    """The error workbook of a recorded import whose upload is still kept; None otherwise."""
    from . import uploads

    if not record.stored_file or not record.error_count or not uploads.exists(record.stored_file):
        return None
    preview = record.preview or {}
    problems = [p for row in preview.get("rows", []) if row["status"] == "error" for p in row["problems"]]
    with uploads.local_path(record.stored_file) as path:
        return error_workbook.build(path, record.file_name, problems, preview.get("header_rows", ()),
                                    layout_for(record.kind))


def error_workbook_name(file_name):
    stem = os.path.splitext(file_name or "导入文件")[0]
    return f"{stem}（错误标注）.xlsx"


# ---------------------------------------------------------------- undo

def undo_import(record, user):
    """Take a confirmed import back: rows it created are deleted, rows it changed get
    their old values, rows it deleted come back. Refuses (UndoRefused, listing
    the rows) if any of them was changed after the import. Returns the undo's record."""
    if record.operation != ImportRecord.Operation.IMPORT:
        raise Refused("只能撤销导入记录。")
    if record.status == ImportRecord.Status.UNDONE:
        raise Refused("这次导入已经撤销过了。")
    if not record.can_be_undone:
        raise Refused(f"这次导入的状态是“{record.get_status_display()}”，没有写入数据，无需撤销。")
    if user is not None and not ImportRecord.objects.visible_to(user).filter(pk=record.pk).exists():
        raise Refused("该导入记录不在您的管辖区划内。")
    check_permission(record.kind, user, operation="undo")
    layout = layout_for(record.kind)
    undo = ImportRecord.objects.create(
        operation=ImportRecord.Operation.UNDO, kind=record.kind, user=user, region=record.region,
        file_name=record.file_name, sha256=record.sha256, reverts=record, status=ImportRecord.Status.RUNNING,
    )
    try:
        with transaction.atomic():
            locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
            if locked.status == ImportRecord.Status.UNDONE:
                raise Refused("这次导入已经撤销过了。")
            _check_undo_scope(layout, record, user)
            with cyclic_gc_paused():
                counts = layout.undo(record.journal, user)
            ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.UNDONE)
    except (UndoRefused, Refused) as exc:
        undo.error_report = getattr(exc, "report", None) or exc.message
        undo.error_count = len(getattr(exc, "lines", [])) or 1
        _finish(undo, ImportRecord.Status.REFUSED)
        raise
    undo.new_count = counts.get("deleted", 0)
    undo.changed_count = counts.get("restored", 0)
    undo.deleted_count = counts.get("recreated", 0)
    _finish(undo, ImportRecord.Status.APPLIED)
    record.refresh_from_db()
    log(instance=undo, action="registry.undo", user=user, data={"reverts": record.pk, "summary": undo.summary})
    return undo


def _check_undo_scope(layout, record, user):
    """Every row the undo would touch must lie in the user's regions."""
    if user is None or access.is_unrestricted(user) or layout.model is not Institution:
        return
    journal = record.journal
    pks = [entry[0] for entry in journal.get("changed", [])]
    counties = {county for county, _name in journal.get("created", [])}
    outside = Institution.objects.filter(pk__in=pks).exclude(pk__in=Institution.objects.visible_to(user).values("pk"))
    allowed = set(access.regions_for(user).filter(pk__in=counties).values_list("pk", flat=True))
    if outside.exists() or counties - allowed:
        raise Refused("这次导入涉及您管辖区划以外的记录，请联系上级管理员撤销。")


# ---------------------------------------------------------------- export

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
    if user is not None and access.is_region_bearing(queryset.model):  # None: the operator on the command line
        # Never more than the user may see (a city's shared task table included).
        queryset = queryset.visible_to(user, for_reading=True)
    book, count = layout.export(queryset, region, user)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{region.name if region else ''}{layout.label}-{stamp}.xlsx"
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


__all__ = [
    "ImportPlan", "ImportRefused", "Refused", "UndoRefused", "apply_import", "export", "preview_import",
    "resolve_region", "template", "undo_import",
]

"""Admin views: 导入 → upload → preview → 确认导入 → result; error workbook; undo;
bulk publishing; template download.

Thin shells over ``service``. The confirm step carries a signed token (as
Wagtail's redirect importer signs its hidden fields) naming the record and
the stored file, so neither can be swapped; the upload itself stays in the
upload storage (``uploads``) and is removed afterwards. Every record a view
opens is found through ``ImportRecord.objects.visible_to(user)``.
"""

import os

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import access, publishing
from ..models import ImportRecord, Institution, RegionLevel
from . import jobs, service, uploads
from .changeset import STATUS_LABELS
from .layout import UndoRefused, all_layouts
from .reader import Refused, setting

TOKEN_SALT = "registry.spreadsheets.confirm"
TOKEN_MAX_AGE = 6 * 3600


def _layout(kind):
    layout = all_layouts().get(kind)
    if layout is None or not layout.importable:
        raise Http404("没有这种表格。")
    return layout


class ImportForm(forms.Form):
    file = forms.FileField(label="选择文件", help_text="Excel 工作簿（.xlsx）或 CSV（GBK 或 UTF-8 编码）。")
    region = forms.ModelChoiceField(
        label="导入到区划", queryset=None, required=False, to_field_name="code",
        help_text="文件中的每一行都必须属于这个区划；县级管理员可不选。",
    )
    delete_missing = forms.BooleanField(
        label="删除该区划中文件里没有的记录", required=False,
        help_text="慎用：预览页会列出将被删除的每一条记录，确认后才会删除。",
    )
    valid_only = forms.BooleanField(
        label="只导入无误的行", required=False,
        help_text="默认“全部或全不”：有一行错误就不写入。勾选后只写入无误的行，有错误的行可下载“错误标注表”修改后再导入。",
    )
    publish_new = forms.BooleanField(
        label="新增的机构立即对外公开", required=False,
        help_text="勾选后，本次新增的机构立即出现在公众网站的机构查询中；已有机构的公开状态不变。",
    )

    def __init__(self, *args, user=None, layout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.regions_for(user).exclude(level=RegionLevel.TOWNSHIP).order_by("path")
        self.fields["region"].label_from_instance = lambda r: r.full_name
        if layout is not None and not layout.can_delete_missing:
            del self.fields["delete_missing"]
        if layout is None or not getattr(layout, "can_publish", False):
            del self.fields["publish_new"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = setting("REGISTRY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件大小 {upload.size / 1048576:.1f} MB，超过了 {limit / 1048576:.0f} MB 的上限。请按县区拆分后分别导入。"
            )
        return upload


def _own_record(request, pk):
    """The upload's own pages (preview, confirm, progress): the uploader's, in scope."""
    record = get_object_or_404(ImportRecord.objects.visible_to(request.user) if not request.user.is_superuser
                               else ImportRecord.objects.all(), pk=pk, operation=ImportRecord.Operation.IMPORT)
    if record.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404("没有找到该导入记录。")
    return record


def _scoped_record(request, pk):
    """A record the user may act on from the import history: in scope, with import rights on its registry."""
    record = get_object_or_404(ImportRecord.objects.visible_to(request.user), pk=pk,
                               operation=ImportRecord.Operation.IMPORT)
    try:
        service.check_permission(record.kind, request.user)
    except Refused:
        raise Http404(access.OUT_OF_SCOPE) from None
    return record


def _is_large(record):
    return record.file_size > setting("REGISTRY_IMPORT_BACKGROUND_BYTES", 512 * 1024)


def start_import(request, kind):
    layout = _layout(kind)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user, layout=layout)
    context = {"kind": kind, "kind_label": layout.form_label, "form": form,
               "listing_url": reverse(layout.listing_url_name), "error": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        delete_missing = form.cleaned_data.get("delete_missing", False)
        try:
            service.check_permission(kind, request.user, delete_missing=delete_missing)
            region = form.cleaned_data["region"] or service.resolve_region(request.user, None)
        except Refused as exc:
            context["error"] = exc.message
            return TemplateResponse(request, "registry/spreadsheets/import_start.html", context)
        stored = uploads.save(upload)
        with uploads.local_path(stored) as path:
            record = ImportRecord.objects.create(
                operation=ImportRecord.Operation.IMPORT, kind=kind, user=request.user, region=region,
                file_name=os.path.basename(upload.name)[:255], sha256=service.file_sha256(path),
                file_size=upload.size, delete_missing=delete_missing,
                valid_only=form.cleaned_data["valid_only"], publish_new=form.cleaned_data.get("publish_new", False),
                status=ImportRecord.Status.QUEUED, stored_file=stored,
            )
            if _is_large(record):
                jobs.preview_import_job.enqueue(record.pk)
            else:
                try:
                    service.preview_import(kind, path, request.user, region, delete_missing,
                                           filename=record.file_name, record=record, valid_only=record.valid_only)
                except Refused:
                    pass  # the record holds the refusal; the page shows it
        return redirect("registry_spreadsheets:record", pk=record.pk)
    return TemplateResponse(request, "registry/spreadsheets/import_start.html", context)


def make_token(record):
    return signing.dumps({"record": record.pk, "file": record.stored_file, "sha256": record.sha256}, salt=TOKEN_SALT)


def _unpublished(record):
    """The institutions this import created that are not public yet (queryset), or None."""
    if record.kind != "institutions" or not record.journal.get("created"):
        return None
    return publishing.created_by(record).filter(is_published=False)


def record_page(request, pk):
    """One page per import: progress while running, the preview, or the result."""
    record = _own_record(request, pk)
    layout = all_layouts().get(record.kind)
    preview = record.preview or {}
    rows_ok = record.status == ImportRecord.Status.PREVIEWED
    can_fix_and_go = (record.status == ImportRecord.Status.REFUSED and record.error_count > 0
                      and bool(record.stored_file) and record.row_count > record.error_count)
    unpublished = _unpublished(record) if record.status in (ImportRecord.Status.APPLIED, ImportRecord.Status.PARTIAL) else None
    context = {
        "record": record, "kind": record.kind, "kind_label": layout.form_label if layout else record.kind,
        "preview": preview, "status_labels": STATUS_LABELS,
        "listing_url": reverse(layout.listing_url_name) if layout and layout.listing_url_name else "",
        "status_url": reverse("registry_spreadsheets:status", args=[record.pk]),
        "can_confirm": rows_ok and bool(record.stored_file),
        "can_confirm_valid_only": can_fix_and_go,
        "token": make_token(record) if (rows_ok or can_fix_and_go) else "",
        "error_lines": [line for line in record.error_report.splitlines() if line.strip()],
        "warning_lines": [line for line in record.warning_report.splitlines() if line.strip()],
        "error_workbook_url": (reverse("registry_spreadsheets:errors", args=[record.pk])
                               if record.stored_file and record.error_count else ""),
        "undo_url": reverse("registry_spreadsheets:undo", args=[record.pk]) if record.can_be_undone else "",
        "valid_rows": max(record.row_count - record.error_count, 0),
        "will_write": record.new_count + record.changed_count + record.deleted_count,
        "unpublished_count": unpublished.count() if unpublished is not None else 0,
        "unpublished_url": (f"{reverse('registry_institution_modeladmin_index')}?import={record.pk}&is_published__exact=0"
                            if unpublished is not None else ""),
        "flagged_rows": [r for r in preview.get("rows", []) if r.get("duplicates")],
    }
    return TemplateResponse(request, "registry/spreadsheets/import_record.html", context)


@require_POST
def confirm_import(request, pk):
    record = _own_record(request, pk)
    try:
        data = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return HttpResponseBadRequest("确认信息无效或已过期（可能被篡改），请重新上传文件。".encode())
    if data != {"record": record.pk, "file": record.stored_file, "sha256": record.sha256} or not record.stored_file:
        return HttpResponseBadRequest("确认信息与该导入不符，请重新上传文件。".encode())
    valid_only_now = request.POST.get("valid_only") == "1" and record.status == ImportRecord.Status.REFUSED
    if record.status != ImportRecord.Status.PREVIEWED and not valid_only_now:
        return redirect("registry_spreadsheets:record", pk=record.pk)
    if not uploads.exists(record.stored_file):
        service._finish(record, ImportRecord.Status.REFUSED, error_report="上传的临时文件已过期或已被清理，请重新上传。")
        return redirect("registry_spreadsheets:record", pk=record.pk)
    # "match-<row>" = the id of the existing institution chosen for a flagged row ("new" keeps it new).
    matches = {key[6:]: value for key, value in request.POST.items()
               if key.startswith("match-") and key[6:].isdigit() and value.isdigit()}
    record.matches = matches
    if valid_only_now:
        record.valid_only = True
    record.status = ImportRecord.Status.QUEUED
    record.save(update_fields=["status", "matches", "valid_only"])
    if _is_large(record):
        jobs.apply_import_job.enqueue(record.pk)
    else:
        jobs.apply_import_job.call(record.pk)
    return redirect("registry_spreadsheets:record", pk=record.pk)


def import_status(request, pk):
    record = _own_record(request, pk)
    return JsonResponse({
        "status": record.status, "status_label": record.get_status_display(),
        "finished": record.is_finished, "percent": record.progress_percent,
        "done": record.progress_done, "total": record.progress_total,
        "url": reverse("registry_spreadsheets:record", args=[record.pk]),
    })


def error_workbook(request, pk):
    """下载错误标注表: the uploaded file with the bad cells marked."""
    record = _scoped_record(request, pk)
    data = service.record_error_workbook(record)
    if data is None:
        raise Http404("错误标注表已不可用（上传的文件已过期或这次导入没有错误），请重新上传文件。")
    return xlsx_response(data, service.error_workbook_name(record.file_name))


def undo(request, pk):
    """撤销导入: a confirmation page (GET), then the undo (POST)."""
    record = _scoped_record(request, pk)
    layout = all_layouts().get(record.kind)
    context = {"record": record, "kind_label": layout.form_label if layout else record.kind, "refusal": None,
               "history_url": reverse("registry_importrecord_modeladmin_inspect", args=[record.pk])}
    if request.method == "POST":
        try:
            done = service.undo_import(record, request.user)
        except UndoRefused as exc:
            context["refusal"] = exc.lines
            return TemplateResponse(request, "registry/spreadsheets/undo.html", context, status=409)
        except Refused as exc:
            context["refusal"] = [exc.message]
            return TemplateResponse(request, "registry/spreadsheets/undo.html", context, status=409)
        messages.success(request, f"已撤销导入“{record.file_name}”：{done.summary}。")
        return redirect("registry_importrecord_modeladmin_inspect", record.pk)
    if not record.can_be_undone:
        context["refusal"] = [f"这次导入的状态是“{record.get_status_display()}”，不能撤销。"]
    return TemplateResponse(request, "registry/spreadsheets/undo.html", context)


@require_POST
def publish(request):
    """对外公开 / 取消公开 for the institutions ticked in the listing (only those in scope)."""
    if not request.user.has_perm("registry.change_institution"):
        raise PermissionDenied
    action = request.POST.get("action")
    if action not in ("publish", "unpublish"):
        return HttpResponseBadRequest("请选择“对外公开”或“取消公开”。".encode())
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
    count = publishing.set_published(request.user, Institution.objects.filter(pk__in=ids), action == "publish")
    word = "对外公开" if action == "publish" else "取消公开"
    if count:
        messages.success(request, f"已将 {count} 家机构{word}。")
    else:
        messages.warning(request, "没有选中机构（或所选机构不在您的管辖区划内、状态已是如此）。")
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}) or not target.startswith("/admin/"):
        target = reverse("registry_institution_modeladmin_index")
    return redirect(target)


def download_template(request, kind):
    layout = _layout(kind)
    return xlsx_response(service.template(kind), layout.template_filename or f"{layout.label}（模板）.xlsx")


def xlsx_response(data, filename):
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def export_response(request, kind, queryset):
    """The 导出 button of a listing: the listing's filtered rows, as the layout's form."""
    region = None
    code = request.GET.get("region")
    if code:
        try:
            region = service.resolve_region(request.user, code)
        except Refused:
            region = None
    elif not access.is_unrestricted(request.user):
        try:
            region = service.resolve_region(request.user, None)
        except Refused:
            region = None
    try:
        data, filename, _record = service.export(kind, queryset, request.user, region=region)
    except Refused as exc:
        return HttpResponseBadRequest(exc.message.encode())
    return xlsx_response(data, filename)

"""Admin views: 导入 → upload → preview → 确认导入 → result; template download.

Thin shells over ``service``. The confirm step carries a signed token (as
Wagtail's redirect importer signs its hidden fields) naming the record and
the stored file, so neither can be swapped; the upload itself stays on the
server in ``uploads``' private directory and is removed afterwards.
"""

import os

from django import forms
from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import access
from ..models import ImportRecord, RegionLevel
from . import jobs, service, uploads
from .plan import STATUS_LABELS
from .reader import Refused, setting

TOKEN_SALT = "registry.spreadsheets.confirm"
TOKEN_MAX_AGE = 6 * 3600
IMPORT_KINDS = {
    "institutions": "精康服务机构（附件1）",
    "members": "联席会议成员（附件2）",
    "tasks": "任务分工",
}
LISTING_URLS = {
    "institutions": "registry_institution_modeladmin_index",
    "members": "registry_jointmeetingmember_modeladmin_index",
    "tasks": "registry_task_modeladmin_index",
}


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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = access.regions_for(user).exclude(level=RegionLevel.TOWNSHIP).order_by("path")
        self.fields["region"].label_from_instance = lambda r: r.full_name

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = setting("REGISTRY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                f"文件大小 {upload.size / 1048576:.1f} MB，超过了 {limit / 1048576:.0f} MB 的上限。请按县区拆分后分别导入。"
            )
        return upload


def _check_kind(kind):
    if kind not in IMPORT_KINDS:
        raise Http404("没有这种表格。")


def _own_record(request, pk):
    record = get_object_or_404(ImportRecord, pk=pk, operation=ImportRecord.Operation.IMPORT)
    if record.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404("没有找到该导入记录。")
    return record


def _is_large(record):
    return record.file_size > setting("REGISTRY_IMPORT_BACKGROUND_BYTES", 512 * 1024)


def start_import(request, kind):
    _check_kind(kind)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"kind": kind, "kind_label": IMPORT_KINDS[kind], "form": form,
               "listing_url": reverse(LISTING_URLS[kind]), "error": None}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            service.check_permission(kind, request.user, delete_missing=form.cleaned_data["delete_missing"])
            region = form.cleaned_data["region"] or service.resolve_region(request.user, None)
        except Refused as exc:
            context["error"] = exc.message
            return TemplateResponse(request, "registry/spreadsheets/import_start.html", context)
        stored = uploads.save(upload)
        path = uploads.path_for(stored)
        record = ImportRecord.objects.create(
            operation=ImportRecord.Operation.IMPORT, kind=kind, user=request.user, region=region,
            file_name=os.path.basename(upload.name)[:255], sha256=service.file_sha256(path),
            file_size=os.path.getsize(path), delete_missing=form.cleaned_data["delete_missing"],
            status=ImportRecord.Status.QUEUED, stored_file=stored,
        )
        if _is_large(record):
            jobs.preview_import_job.enqueue(record.pk)
        else:
            try:
                service.preview_import(kind, path, request.user, region, record.delete_missing,
                                       filename=record.file_name, record=record)
            except Refused:
                pass  # the record holds the refusal; the page shows it
        record.refresh_from_db()
        if record.status in (ImportRecord.Status.REFUSED, ImportRecord.Status.FAILED):
            uploads.remove(stored)
        return redirect("registry_spreadsheets:record", pk=record.pk)
    return TemplateResponse(request, "registry/spreadsheets/import_start.html", context)


def make_token(record):
    return signing.dumps({"record": record.pk, "file": record.stored_file, "sha256": record.sha256}, salt=TOKEN_SALT)


def record_page(request, pk):
    """One page per import: progress while running, the preview, or the result."""
    record = _own_record(request, pk)
    kind = record.kind
    preview = record.preview or {}
    context = {
        "record": record, "kind": kind, "kind_label": IMPORT_KINDS.get(kind, kind),
        "preview": preview, "status_labels": STATUS_LABELS,
        "listing_url": reverse(LISTING_URLS[kind]) if kind in LISTING_URLS else "",
        "status_url": reverse("registry_spreadsheets:status", args=[record.pk]),
        "can_confirm": record.status == ImportRecord.Status.PREVIEWED and bool(record.stored_file),
        "token": make_token(record) if record.status == ImportRecord.Status.PREVIEWED else "",
        "error_lines": [line for line in record.error_report.splitlines() if line.strip()],
        "warning_lines": [line for line in record.warning_report.splitlines() if line.strip()],
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
    if record.status != ImportRecord.Status.PREVIEWED:
        return redirect("registry_spreadsheets:record", pk=record.pk)
    path = uploads.path_for(record.stored_file)
    if not os.path.exists(path):
        service._finish(record, ImportRecord.Status.REFUSED, error_report="上传的临时文件已过期或已被清理，请重新上传。")
        return redirect("registry_spreadsheets:record", pk=record.pk)
    record.status = ImportRecord.Status.QUEUED
    record.save(update_fields=["status"])
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


def download_template(request, kind):
    _check_kind(kind)
    data = service.template(kind)
    name = {"institutions": "附件1-精康服务机构基本情况统计表（模板）.xlsx",
            "members": "附件2-联席会议机制成员名单（模板）.xlsx",
            "tasks": "任务分工（模板）.xlsx"}[kind]
    return xlsx_response(data, name)


def xlsx_response(data, filename):
    from django.utils.encoding import escape_uri_path

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

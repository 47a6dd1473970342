"""Background runs of large imports (django-tasks; `manage.py db_worker` in production).

The upload is read from the shared upload storage (``uploads``): the worker
may run in another container than the web process that received it.
"""

import logging

from django_tasks import task

from ..models import ImportRecord
from . import service, uploads

logger = logging.getLogger(__name__)


def _load(record_id):
    record = ImportRecord.objects.select_related("user", "region").filter(pk=record_id).first()
    if record is None or not record.stored_file:
        return None
    if not uploads.exists(record.stored_file):
        service._finish(record, ImportRecord.Status.REFUSED, error_report="上传的临时文件已过期或已被清理，请重新上传。")
        return None
    return record


@task()
def preview_import_job(record_id):
    record = _load(record_id)
    if record is None:
        return
    try:
        with uploads.local_path(record.stored_file) as path:
            service.preview_import(record.kind, path, record.user, record.region, record.delete_missing,
                                   filename=record.file_name, record=record, valid_only=record.valid_only,
                                   matches=record.matches)
    except service.Refused:
        pass  # the record holds the refusal
    except Exception:
        logger.exception("registry import preview %s failed", record_id)
        service._finish(record, ImportRecord.Status.FAILED, error_report="读取文件时发生内部错误，数据未作任何修改。请联系技术支持。")


@task()
def apply_import_job(record_id):
    record = _load(record_id)
    if record is None:
        return
    try:
        with uploads.local_path(record.stored_file) as path:
            service.apply_import(record.kind, path, record.user, record.region, record.delete_missing,
                                 filename=record.file_name, record=record, valid_only=record.valid_only,
                                 publish_new=record.publish_new, matches=record.matches)
    except service.ImportRefused:
        pass  # recorded on the ImportRecord
    except Exception:
        logger.exception("registry import %s failed", record_id)

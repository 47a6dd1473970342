"""Background runs of large imports (django-tasks; `manage.py db_worker` in production)."""

import logging
import os

from django_tasks import task

from ..models import ImportRecord
from . import service, uploads

logger = logging.getLogger(__name__)


def _load(record_id):
    record = ImportRecord.objects.select_related("user", "region").filter(pk=record_id).first()
    if record is None or not record.stored_file:
        return None, None
    path = uploads.path_for(record.stored_file)
    if not os.path.exists(path):
        service._finish(record, ImportRecord.Status.REFUSED, error_report="上传的临时文件已过期或已被清理，请重新上传。")
        return None, None
    return record, path


@task()
def preview_import_job(record_id):
    record, path = _load(record_id)
    if record is None:
        return
    try:
        service.preview_import(record.kind, path, record.user, record.region, record.delete_missing,
                               filename=record.file_name, record=record)
    except service.Refused:
        uploads.remove(record.stored_file)  # the record already holds the refusal
    except Exception:
        logger.exception("registry import preview %s failed", record_id)
        service._finish(record, ImportRecord.Status.FAILED, error_report="读取文件时发生内部错误，数据未作任何修改。请联系技术支持。")
        uploads.remove(record.stored_file)


@task()
def apply_import_job(record_id):
    record, path = _load(record_id)
    if record is None:
        return
    stored = record.stored_file
    try:
        service.apply_import(record.kind, path, record.user, record.region, record.delete_missing,
                             filename=record.file_name, record=record)
    except service.ImportRefused:
        pass  # recorded on the ImportRecord
    except Exception:
        logger.exception("registry import %s failed", record_id)
    finally:
        uploads.remove(stored)

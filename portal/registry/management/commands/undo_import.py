"""python manage.py undo_import RECORD_ID [--user NAME]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.registry.models import ImportRecord
from portal.registry.spreadsheets import service


class Command(BaseCommand):
    help = ("撤销一次导入（编号见“导入导出记录”）：删除它新增的记录，恢复它修改和删除的记录。"
            "导入后又被修改过的记录会使撤销被拒绝并列出。")

    def add_arguments(self, parser):
        parser.add_argument("record_id", type=int, help="导入记录编号")
        parser.add_argument("--user", help="以该用户的身份和管辖区划撤销（省略则为服务器管理员）")

    def handle(self, record_id, user=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有找到用户“{user}”。")
        record = ImportRecord.objects.filter(pk=record_id).first()
        if record is None:
            raise CommandError(f"没有编号为 {record_id} 的导入导出记录。")
        try:
            undo = service.undo_import(record, account)
        except service.UndoRefused as exc:
            raise CommandError(exc.report) from exc
        except service.Refused as exc:
            raise CommandError(f"撤销被拒绝：{exc.message}") from exc
        self.stdout.write(f"已撤销导入 {record_id}（{record.file_name}）：{undo.summary}（撤销记录编号 {undo.pk}）")

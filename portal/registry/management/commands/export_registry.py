"""python manage.py export_registry KIND OUT.xlsx [--region CODE] [--user NAME]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.registry.spreadsheets import service


class Command(BaseCommand):
    help = "把登记数据导出为 Excel（附件1、附件2、任务分工或任务进展的格式）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=service.export_kinds())
        parser.add_argument("out", help="输出文件，如 out.xlsx")
        parser.add_argument("--region", help="区划代码，如 210300；省略则导出全部")
        parser.add_argument("--user", help="只导出该用户可见的数据")

    def handle(self, kind, out, region=None, user=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有找到用户“{user}”。")
        try:
            target = service.resolve_region(account, region)
            data, _name, record = service.export(kind, target, account)
        except service.Refused as exc:
            raise CommandError(exc.message) from exc
        Path(out).write_bytes(data)
        self.stdout.write(f"已导出 {record.row_count} 条到 {out}")

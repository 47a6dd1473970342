"""python manage.py import_registry {institutions,members,tasks} FILE [--region CODE] [--user NAME] [--dry-run]"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.registry.spreadsheets import service


class Command(BaseCommand):
    help = "从 Excel（.xlsx）或 CSV 文件导入登记数据（全部成功才写入，任何一行有错则不作修改）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(service.LAYOUTS), help="institutions（附件1 机构）、members（附件2 联席会议成员）、tasks（任务分工）")
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--region", help="区划代码，如 210302；县级管理员可省略")
        parser.add_argument("--user", help="以该用户的身份和管辖区划导入（省略则不限区划）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
        parser.add_argument("--delete-missing", action="store_true", help="删除该区划中文件里没有的记录（慎用）")

    def handle(self, kind, file, region=None, user=None, dry_run=False, delete_missing=False, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有找到用户“{user}”。")
        try:
            target = service.resolve_region(account, region)
            plan, record = service.apply_import(
                kind, file, account, target, delete_missing=delete_missing, dry_run=dry_run,
            )
        except service.Refused as exc:
            raise CommandError(exc.message) from exc
        except service.ImportRefused as exc:
            raise CommandError(exc.report) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件“{file}”。") from exc
        prefix = "检查通过（--dry-run，未写入）" if dry_run else "导入完成"
        self.stdout.write(f"{prefix}：{plan.summary()}（记录编号 {record.pk}）")
        if plan.warnings:
            self.stdout.write("提示：\n" + plan.warning_report())

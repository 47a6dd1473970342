"""python manage.py import_registry KIND FILE [--region CODE] [--user NAME] [--dry-run] [--delete-missing]
[--valid-only] [--publish-new] [--errors-out FILE.xlsx]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.registry.spreadsheets import service


class Command(BaseCommand):
    help = "从 Excel（.xlsx）或 CSV 文件导入登记数据（默认全部成功才写入，任何一行有错则不作修改）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=service.import_kinds(),
                            help="institutions（附件1 机构）、members（附件2 联席会议成员）、tasks（任务分工）、"
                                 "targets（年度目标）、county_reports（县级进展报告）、departments（部门）、"
                                 "service_items（服务项目）、hotlines（监督电话）")
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--region", help="区划代码，如 210302；县级管理员可省略")
        parser.add_argument("--user", help="以该用户的身份和管辖区划导入（省略则不限区划）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入数据库")
        parser.add_argument("--delete-missing", action="store_true", help="删除该区划中文件里没有的记录（慎用）")
        parser.add_argument("--valid-only", action="store_true", help="只导入无误的行，有错误的行列出（并可用 --errors-out 标注）")
        parser.add_argument("--publish-new", action="store_true", help="新增的机构立即对外公开")
        parser.add_argument("--errors-out", metavar="FILE.xlsx",
                            help="有错误时写出错误标注表：原表格中有错的单元格标红并附批注")

    def handle(self, kind, file, region=None, user=None, dry_run=False, delete_missing=False, valid_only=False,
               publish_new=False, errors_out=None, **options):
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"没有找到用户“{user}”。")
        if not Path(file).exists():
            raise CommandError(f"找不到文件“{file}”。")
        try:
            target = service.resolve_region(account, region)
            plan, record = service.apply_import(
                kind, file, account, target, delete_missing=delete_missing, dry_run=dry_run,
                valid_only=valid_only, publish_new=publish_new,
            )
        except service.Refused as exc:
            raise CommandError(exc.message) from exc
        except service.ImportRefused as exc:
            if errors_out and exc.plan is not None and exc.plan.errors:
                self._write_errors(exc.plan, file, errors_out)
                raise CommandError(f"{exc.report}\n错误标注表已写入 {errors_out}") from exc
            raise CommandError(exc.report) from exc
        if dry_run:
            prefix = "检查通过（--dry-run，未写入）"
        elif plan.ok:
            prefix = "导入完成"
        else:
            prefix = "已导入无误的行（--valid-only）"
        self.stdout.write(f"{prefix}：{plan.summary()}（记录编号 {record.pk}）")
        if not plan.ok:
            self.stdout.write("未导入的行：\n" + plan.error_report())
            if errors_out:
                self._write_errors(plan, file, errors_out)
                self.stdout.write(f"错误标注表已写入 {errors_out}")
        if plan.warnings or plan.flagged:
            self.stdout.write("提示：\n" + plan.warning_report())

    def _write_errors(self, plan, file, out):
        Path(out).write_bytes(service.error_workbook_for(plan, file, Path(file).name))

"""python manage.py reporting_round {open,submit,review,status,export,remind,remind-due} …

The same service as the admin screens. Without --user a command runs as the
server's operator (no region limit), like import_registry. Refusals exit
non-zero with the Chinese explanation.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.registry.models import Half, RegionLevel
from portal.reporting import board, rollup, service
from portal.reporting.models import DEFAULT_COLLECTS, ReportingRound, SubmissionSource, SubmissionStatus
from portal.reporting.reminders import send_due_reminders_job


def a_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不对，请写成 YYYY-MM-DD，如 2026-12-31。") from exc


class Command(BaseCommand):
    help = "填报任务：发起、报送、审核、查看进度、导出汇总表、催报。"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True, metavar="{open,submit,review,status,export,remind,remind-due}")

        opening = commands.add_parser("open", help="发起填报任务，打印任务编号")
        opening.add_argument("--region", required=True, help="发起区划代码（市或省），如 210300")
        opening.add_argument("--year", required=True, type=int, help="年度，如 2026")
        opening.add_argument("--half", required=True, choices=Half.values, help="H1 上半年，H2 下半年")
        opening.add_argument("--deadline", required=True, help="截止日期 YYYY-MM-DD")
        opening.add_argument("--collect", default=",".join(DEFAULT_COLLECTS),
                             help="填报内容，英文逗号分隔：institutions,county_report,task_progress（默认前两项）")
        opening.add_argument("--title", default="", help="任务名称（默认自动生成）")
        opening.add_argument("--note", default="", help="填报说明")
        opening.add_argument("--user", help="以该用户的身份发起（省略则为服务器管理员）")

        submitting = commands.add_parser("submit", help="报送（不给 --file 时确认登记库中的数据；市级在下级全部审核通过后自动汇总）")
        submitting.add_argument("round_id", type=int)
        submitting.add_argument("--region", required=True, help="报送区划代码，如 210302")
        submitting.add_argument("--file", help="附件1表格（.xlsx 或 .csv）：先导入登记库再报送")
        submitting.add_argument("--note", default="", help="情况说明（有提示时必填）")
        submitting.add_argument("--user")

        reviewing = commands.add_parser("review", help="审核通过（锁定）或退回")
        reviewing.add_argument("round_id", type=int)
        reviewing.add_argument("--region", required=True)
        decision = reviewing.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true", help="审核通过并锁定")
        decision.add_argument("--return", dest="reason", metavar="理由", help="退回，并写明理由")
        reviewing.add_argument("--user")

        status = commands.add_parser("status", help="各区划的报送状态")
        status.add_argument("round_id", type=int)

        exporting = commands.add_parser("export", help="导出汇总表（附件1 + 进展汇总）")
        exporting.add_argument("round_id", type=int)
        exporting.add_argument("out", help="输出的 .xlsx 文件")

        reminding = commands.add_parser("remind", help="立即向未报送的区划发送催报邮件")
        reminding.add_argument("round_id", type=int)

        due = commands.add_parser("remind-due", help="定时催报（每天由 cron 运行一次）：截止前若干天和截止当天")
        due.add_argument("--date", help="按哪一天计算（默认今天），YYYY-MM-DD")

    def handle(self, *args, action, **options):
        handler = getattr(self, "do_" + action.replace("-", "_"))
        try:
            handler(**options)
        except service.Refused as exc:
            details = "\n".join(f"  - {f}" for f in exc.findings)
            raise CommandError(exc.message + ("\n" + details if details else "")) from exc

    # ---------------------------------------------------------------- helpers

    def account(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有找到用户“{username}”。")
        return user

    def reporting_round(self, round_id):
        found = ReportingRound.objects.select_related("region").filter(pk=round_id).first()
        if found is None:
            raise CommandError(f"没有找到编号为 {round_id} 的填报任务。")
        return found

    def submission(self, round_id, code):
        reporting_round = self.reporting_round(round_id)
        region = service.region_for_code(code)
        found = reporting_round.submissions.filter(region=region).select_related("round__region", "region").first()
        if found is None:
            raise CommandError(f"“{region.name}”不是“{reporting_round}”的报送区划。")
        return found

    # ---------------------------------------------------------------- actions

    def do_open(self, region, year, half, deadline, collect, title, note, user, **_):
        reporting_round = service.open_round(
            service.region_for_code(region), year, half, a_date(deadline), user=self.account(user),
            title=title, note=note, collects=service.parse_collects(collect),
        )
        self.stdout.write(str(reporting_round.pk))

    def do_submit(self, round_id, region, file, note, user, **_):
        submission = self.submission(round_id, region)
        account = self.account(user)
        if file:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"找不到文件“{file}”。")
            service.store_workbook(submission, path.read_bytes(), path.name, account)
            source = SubmissionSource.UPLOAD
        elif submission.region.level != RegionLevel.COUNTY and service.lower_round(submission) is not None:
            source = SubmissionSource.ROLLUP
        else:
            source = SubmissionSource.REGISTRY
        warned = service.submit(submission, account, source, warning_note=note)
        submission.refresh_from_db()
        self.stdout.write(f"已报送：{submission.region.name}，{SubmissionSource(source).label}，"
                          f"机构 {submission.institutions.count()} 家，进展情况 {submission.reports.count()} 条。")
        for warning in warned:
            self.stdout.write(f"提示：{warning}")

    def do_review(self, round_id, region, approve, reason, user, **_):
        submission = self.submission(round_id, region)
        if approve:
            service.approve(submission, self.account(user))
            self.stdout.write(f"已审核通过并锁定：{submission.region.name}")
        else:
            service.return_submission(submission, self.account(user), reason)
            self.stdout.write(f"已退回：{submission.region.name}（{reason}）")

    def do_status(self, round_id, **_):
        reporting_round = self.reporting_round(round_id)
        today = timezone.localdate()
        rows, approved = board.board(reporting_round, today=today)
        days = reporting_round.days_left(today)
        when = f"还有 {days} 天" if days > 0 else ("今天截止" if days == 0 else f"已过 {-days} 天")
        self.stdout.write(f"{reporting_round}（{reporting_round.period_label}，截止 {reporting_round.deadline}，{when}）")
        self.stdout.write("区划\t状态\t报送时间\t机构数\t患者人数\t登记康复对象\t接受规范服务\t规范服务率")
        for row in rows:
            s, t = row.submission, row.totals
            state = s.get_status_display() + ("（已逾期）" if row.overdue else "")
            stamp = timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M") if s.submitted_at else "—"
            rate = f"{t.rate}%" if t.rate is not None else "—"
            self.stdout.write(f"{s.region.name}\t{state}\t{stamp}\t{t.institutions}\t{t.clients}\t{t.registered}\t{t.standard}\t{rate}")
        rate = f"{approved.rate}%" if approved.rate is not None else "—"
        self.stdout.write(f"合计（已审核）\t\t\t{approved.institutions}\t{approved.clients}\t{approved.registered}\t{approved.standard}\t{rate}")
        counts = {status: n for status, _label, n in board.status_counts(reporting_round)}
        self.stdout.write("；".join(f"{SubmissionStatus(s).label} {n}" for s, n in counts.items()))

    def do_export(self, round_id, out, **_):
        reporting_round = self.reporting_round(round_id)
        data, _name = rollup.workbook(reporting_round)
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入“{out}”：{exc.strerror}") from exc
        self.stdout.write(f"已导出：{out}（审核通过 {reporting_round.submissions.approved().count()} 个区划）")

    def do_remind(self, round_id, **_):
        reminded = service.remind(self.reporting_round(round_id))
        if not reminded:
            self.stdout.write("所有区划都已报送，无需催报。")
        for submission, to in reminded:
            self.stdout.write(f"{submission.region.name}：{'已发送至 ' + str(len(to)) + ' 个邮箱' if to else '没有设置邮箱的管理员，请电话催报'}")

    def do_remind_due(self, date=None, **_):
        today = a_date(date) if date else timezone.localdate()
        send_due_reminders_job.enqueue(today.isoformat())
        self.stdout.write(f"已安排 {today} 的定时催报（由后台任务 db_worker 发送）。")

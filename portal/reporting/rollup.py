"""汇总: a round's approved snapshots as one workbook.

Sheet 附件1 is the Annex 1 form (the registry's own writer lays it out), its
rows grouped by reporting region with a 小计 row after each ("铁东区小计")
and a 合计 row at the end, so the workbook re-opens in the Annex 1 import
(which skips 小计 and 合计 rows and checks the 合计 against the rows).
Sheet 进展汇总 sums the progress figures per region against the year's target;
sheet 任务进展, when the round collects it, lists each region's tasks.
Only approved (locked) submissions are summed; the others are listed as not
counted.
"""

import io

from django.utils import timezone
from openpyxl.styles import Font

from portal.registry.models import RegionLevel
from portal.registry.models.progress import target_for_year
from portal.registry.spreadsheets import annex1
from portal.registry.spreadsheets.writer import BODY_FONT, CENTRE, HEADER_FONT, LEFT, TITLE_FONT, SheetWriter, new_book

from .board import Totals, totals_by_submission
from .models import SubmissionStatus, SubmittedInstitution, SubmittedTask

TOTAL_FONT = Font(name="宋体", size=11, bold=True)


def approved_groups(reporting_round):
    """[(submission, [SubmittedInstitution …])] for the approved submissions, in region order."""
    approved = list(reporting_round.submissions.approved().select_related("region").defer("workbook").order_by("region__path"))
    rows = {s.pk: [] for s in approved}
    for row in (SubmittedInstitution.objects.filter(submission__in=approved)
                .select_related("county__parent").order_by("county__path", "name")):
        rows[row.submission_id].append(row)
    return [(s, rows[s.pk]) for s in approved]


def _county_label(row, with_city):
    return f"{row.county.parent.name}{row.county.name}" if with_city and row.county.parent else row.county.name


def _row_values(row, seq, with_city):
    """One snapshot row in the form's column order, read from the Annex 1 column table."""
    values = []
    for column in annex1.EXPORT_COLUMNS:
        if column.key == "seq":
            values.append(seq)
        elif column.key == "county":
            values.append(_county_label(row, with_city))
        elif column.key == "contact":
            values.append(annex1.join_contact(row.contact_person, row.contact_phone))
        elif column.choice:  # a tick column: 1 under the row's department or category
            values.append(1 if getattr(row, column.field) == column.choice else None)
        else:
            values.append(getattr(row, column.field))
    return values


def _total_values(label, rows):
    """A 小计 / 合计 row: the label in 序号, the sums of the ticks and counts below their columns."""
    values = []
    for column in annex1.EXPORT_COLUMNS:
        if column.key == "seq":
            values.append(label)
        elif column.choice:
            values.append(sum(1 for r in rows if getattr(r, column.field) == column.choice))
        elif column.field in annex1.COUNT_FIELDS:
            values.append(sum(getattr(r, column.field) or 0 for r in rows))
        else:
            values.append(None)
    return values


def annex1_rows(groups, with_city):
    """The data rows of the roll-up: each group's rows, its 小计, and the 合计."""
    seq = 0
    everything = []
    for submission, rows in groups:
        for row in rows:
            seq += 1
            yield _row_values(row, seq, with_city)
        everything += rows
        yield _total_values(f"{submission.region.name}小计", rows)
    yield _total_values("合计", everything)


SUMMARY_COLUMNS = [
    ("区划", 16), ("报送状态", 14), ("报告县数", 9), ("已开展服务县数", 10), ("县级覆盖率", 10),
    ("街道（乡镇）总数", 10), ("已开展服务街道（乡镇）数", 12), ("登记康复对象人数", 11), ("接受规范服务人数", 11),
    ("规范服务率", 10), ("精康服务机构数", 10), ("患者人数", 9),
]


def _percent(value):
    return "—" if value is None else f"{value}%"


def _summary_values(label, status, totals):
    return [
        label, status, totals.counties, totals.counties_with_service, _percent(totals.coverage),
        totals.townships_total, totals.townships_with_service, totals.registered, totals.standard,
        _percent(totals.rate), totals.institutions, totals.clients,
    ]


def write_summary(book, reporting_round):
    """Sheet 进展汇总: each region's approved figures, their sum, and the year's target."""
    submissions = list(reporting_round.submissions.select_related("region").defer("workbook").order_by("region__path"))
    totals = totals_by_submission(submissions)
    width = len(SUMMARY_COLUMNS)
    sheet = SheetWriter(book, "进展汇总", [w for _, w in SUMMARY_COLUMNS])
    sheet.merge(1, 1, 1, width)
    title = f"{reporting_round.region.name}{reporting_round.period_label}精康融合行动进展情况汇总表"
    sheet.row([title] + [None] * (width - 1), font=TITLE_FONT, alignment=CENTRE, border=False, height=32)
    sheet.row([h for h, _ in SUMMARY_COLUMNS], font=HEADER_FONT, alignment=CENTRE, height=36)
    counted = Totals()
    not_counted = []
    for submission in submissions:
        if submission.status != SubmissionStatus.APPROVED:
            not_counted.append(f"{submission.region.name}（{submission.get_status_display()}）")
            sheet.row([submission.region.name, submission.get_status_display()] + [None] * (width - 2))
            continue
        counted.add(totals[submission.pk])
        sheet.row(_summary_values(submission.region.name, submission.get_status_display(), totals[submission.pk]))
    sheet.row(_summary_values("合计（已审核）", "", counted), font=TOTAL_FONT)
    target = target_for_year(reporting_round.region, reporting_round.year)
    if target is not None:
        met = []
        coverage = counted.township_coverage if target.coverage_unit == "township" else counted.coverage
        for name, actual, goal in (("覆盖率", coverage, target.coverage_pct),
                                   ("规范服务率", counted.rate, target.standard_service_rate_pct)):
            verdict = "—" if actual is None else ("达到" if actual >= goal else "未达到")
            met.append(f"{name}目标 {goal:.0f}%，{verdict}")
        line = f"{target.year}年目标（{target.region.name}{'，' + target.source if target.source else ''}）：" + "；".join(met) + "。"
    else:
        line = "没有找到该年度的目标。"
    notes = [line]
    if not_counted:
        notes.append("未计入汇总（未审核通过）：" + "、".join(not_counted) + "。")
    notes.append(f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}。只汇总审核通过（锁定）的数据。")
    for note in notes:
        row = sheet.row_count + 1
        sheet.merge(row, 1, row, width)
        sheet.row([note] + [None] * (width - 1), font=BODY_FONT, alignment=LEFT, border=False, height=30)


TASK_COLUMNS = [("区划", 16), ("序号", 6), ("具体任务", 60), ("状态", 10), ("报送时已逾期", 12), ("最近进展日期", 12), ("最近进展", 60)]


def write_tasks(book, reporting_round):
    """Sheet 任务进展: each approved submission's tasks as they were reported."""
    sheet = SheetWriter(book, "任务进展", [w for _, w in TASK_COLUMNS])
    sheet.merge(1, 1, 1, len(TASK_COLUMNS))
    title = f"{reporting_round.region.name}{reporting_round.period_label}任务进展汇总表"
    sheet.row([title] + [None] * (len(TASK_COLUMNS) - 1), font=TITLE_FONT, alignment=CENTRE, border=False, height=32)
    sheet.row([h for h, _ in TASK_COLUMNS], font=HEADER_FONT, alignment=CENTRE, height=24)
    rows = (SubmittedTask.objects.filter(submission__round=reporting_round, submission__status=SubmissionStatus.APPROVED)
            .select_related("submission__region").order_by("submission__region__path", "number"))
    for task in rows:
        sheet.row([task.submission.region.name, task.number, task.text, task.get_status_display(),
                   "是" if task.was_overdue else "否", str(task.progress_date or ""), task.progress_note])


def workbook(reporting_round):
    """The roll-up as xlsx bytes, and a file name."""
    book = new_book()
    with_city = reporting_round.region.level == RegionLevel.PROVINCE
    if reporting_round.collects_institutions:
        sheet = annex1.start_sheet(book, reporting_round.region)
        sheet.fast_rows(annex1_rows(approved_groups(reporting_round), with_city))
        annex1.finish_sheet(sheet)
    write_summary(book, reporting_round)
    if reporting_round.collects_task_progress:
        write_tasks(book, reporting_round)
    buffer = io.BytesIO()
    book.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return buffer.getvalue(), f"{reporting_round.region.name}{reporting_round.period_label}汇总-{stamp}.xlsx"

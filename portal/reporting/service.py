"""Every rule of the reporting cycle, used alike by the admin views, the
``reporting_round`` command and the scheduled reminders.

open → (preview an upload) → submit → approve | return → (submit again) …

- Who: the reporting region's own staff submit (a user whose regions cover the
  submission's region but not the round's); the level above reviews (a user
  with 审核 rights whose regions cover the round's region). ``user=None`` is
  the server's operator on the command line, as for ``import_registry``.
- Submitting freezes a snapshot of exactly what was reported, in one
  transaction with the import of an uploaded workbook: if the checks refuse
  the submission, the import is undone too.
- Approving locks the snapshot for good; nothing here unlocks it.
- Every transition is written to the audit log and notifies the other side.
"""

import datetime
import hashlib
import io

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.log_actions import log

from portal.registry import access
from portal.registry.models import ActionPlan, CountyReport, Institution, Region, RegionLevel, Task, TaskProgress
from portal.registry.spreadsheets import service as spreadsheets

from . import notify, rules
from .models import (
    DEFAULT_COLLECTS,
    INSTITUTION_FIELDS,
    REPORT_FIELDS,
    REPORTING_LEVEL,
    Collect,
    ReportingRound,
    Submission,
    SubmissionSource,
    SubmissionStatus,
    SubmittedInstitution,
    SubmittedReport,
    SubmittedTask,
    period_label,
)

ACTIONS = {
    "reporting.open": ("发起填报任务", "发起了填报任务"),
    "reporting.submit": ("报送", "报送了数据"),
    "reporting.return": ("退回", "退回了报送"),
    "reporting.approve": ("审核通过（锁定）", "审核通过并锁定了报送"),
    "reporting.remind": ("催报", "催报"),
    "reporting.export": ("导出汇总表", "导出了汇总表"),
}


class Refused(Exception):
    """Nothing was changed. ``message`` says why in Chinese; ``findings`` lists the checks that failed."""

    def __init__(self, message, findings=()):
        super().__init__(message)
        self.message = message
        self.findings = list(findings)


class NeedsNote(Refused):
    """Only warnings stand in the way: submit again with a 情况说明."""


# ------------------------------------------------------------------ who may

def can_open(user, region):
    if user is None:
        return True
    return (user.is_active and user.has_perm("reporting.add_reportinground")
            and access.can_access_region(user, region))


def can_review(user, reporting_round):
    """The level above: 审核 rights over the round's own region."""
    if user is None:
        return True
    return (user.is_active and user.has_perm("reporting.review_submission")
            and access.can_access_region(user, reporting_round.region))


def can_report(user, submission):
    """The reporting region's own staff (a reviewer does not report for a region below)."""
    if user is None or (user.is_active and user.is_superuser):
        return True
    return (user.is_active and user.has_perm("reporting.change_submission")
            and access.can_access_region(user, submission.region)
            and not access.can_access_region(user, submission.round.region))


def _ensure(allowed, message):
    if not allowed:
        raise Refused(message)


def _ensure_owing(submission):
    if submission.status == SubmissionStatus.APPROVED:
        raise Refused("该报送已审核（锁定），任何人都不能再修改。如发现错误，请在下一报告期更正并在情况说明中注明。")
    if submission.status == SubmissionStatus.SUBMITTED:
        raise Refused("该报送已提交，正在等待审核；如需修改，请联系审核单位退回。")


def _ensure_open(reporting_round, today=None):
    today = today or timezone.localdate()
    if today < reporting_round.opens_on:
        raise Refused(f"该填报任务从 {reporting_round.opens_on:%Y年%-m月%-d日} 开始，届时才能报送。")


# ------------------------------------------------------------------ opening

def default_title(region, year, half):
    return f"{region.name}{period_label(year, half)}精康服务机构及进展情况填报"


def parse_collects(text):
    """"institutions,county_report" → [Collect …]; refuses unknown names."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    unknown = [n for n in names if n not in Collect.values]
    if unknown or not names:
        raise Refused(f"不认识的填报内容“{'、'.join(unknown) or text}”，可选：{'、'.join(Collect.values)}（用英文逗号分隔）。")
    return [Collect(n) for n in names]


def open_round(region, year, half, deadline, user=None, title="", opens_on=None, note="", collects=DEFAULT_COLLECTS):
    """Open a round and one submission (未报送) per reporting region below ``region``."""
    _ensure(can_open(user, region), f"您没有在“{region.full_name}”发起填报任务的权限。")
    if region.level not in REPORTING_LEVEL:
        raise Refused("只有市级和省级可以发起填报任务：市级向所辖县（市、区）收集，省级向所辖市收集。")
    collects = set(collects)
    reporting_round = ReportingRound(
        region=region, year=year, half=half, deadline=deadline, title=title or default_title(region, year, half),
        opens_on=opens_on or timezone.localdate(), note=note, created_by=user,
        collects_institutions=Collect.INSTITUTIONS in collects,
        collects_county_report=Collect.COUNTY_REPORT in collects,
        collects_task_progress=Collect.TASK_PROGRESS in collects,
    )
    try:
        reporting_round.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except Exception as exc:  # ValidationError: one readable line
        messages = getattr(exc, "messages", [str(exc)])
        raise Refused("；".join(messages)) from exc
    if ReportingRound.objects.filter(region=region, year=year, half=half).exists():
        raise Refused(f"“{region.name}”已经有{period_label(year, half)}的填报任务，不能重复发起。")
    reporters = list(region.children.filter(level=REPORTING_LEVEL[region.level], is_active=True).order_by("path"))
    if not reporters:
        raise Refused(f"“{region.name}”下没有可以报送的{'县（市、区）' if region.level == RegionLevel.CITY else '市'}。")
    with transaction.atomic():
        reporting_round.save()
        Submission.objects.bulk_create(Submission(round=reporting_round, region=r) for r in reporters)
        log(instance=reporting_round, action="reporting.open", user=user,
            data={"period": reporting_round.period_label, "deadline": str(deadline), "reporters": len(reporters)})
        notify.send(_notice_of_opening(s) for s in reporting_round.submissions.select_related("region"))
    return reporting_round


# ------------------------------------------------------------------ uploads

def max_upload_bytes():
    # The same limit as every registry import.
    return getattr(settings, "REGISTRY_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def store_workbook(submission, data, filename, user):
    """Keep an uploaded workbook on the submission until it is submitted."""
    _ensure(can_report(user, submission), "您不能为该区划报送。")
    _ensure_owing(submission)
    if not submission.round.collects_institutions:
        raise Refused("该填报任务不收集精康服务机构，无需上传附件1表格。")
    if len(data) > max_upload_bytes():
        raise Refused(f"文件大小 {len(data) / 1048576:.1f} MB，超过了 {max_upload_bytes() / 1048576:.0f} MB 的上限。")
    submission.workbook = data
    submission.workbook_name = (filename or "附件1.xlsx")[:255]
    submission.workbook_sha256 = hashlib.sha256(data).hexdigest()
    submission.save(update_fields=["workbook", "workbook_name", "workbook_sha256"])


def preview_upload(submission, data, filename, user):
    """Store the workbook and say what importing it would do (writes nothing to the registry)."""
    store_workbook(submission, data, filename, user)
    try:
        return spreadsheets.preview_import("institutions", io.BytesIO(data), user, region=submission.region, filename=filename)
    except spreadsheets.Refused as exc:
        raise Refused(exc.message) from exc


# ------------------------------------------------------------------ snapshots

def _copy_institutions(submission, queryset):
    return [
        SubmittedInstitution(submission=submission, institution_id=values.pop("id"), **values)
        for values in queryset.order_by("county__path", "name").values("id", *INSTITUTION_FIELDS)
    ]


def _copy_rows(model, submission, rows, fields):
    return [model(submission=submission, **{f: getattr(r, f) for f in fields}) for r in rows]


def expected_counties(region):
    """{id: name} of the counties whose figures a submission of ``region`` must carry."""
    if region.level == RegionLevel.COUNTY:
        return {region.pk: region.name}
    return dict(region.children.filter(level=RegionLevel.COUNTY, is_active=True).order_by("path").values_list("pk", "name"))


def _registry_reports(submission, counties):
    reporting_round = submission.round
    live = CountyReport.objects.filter(county_id__in=counties, year=reporting_round.year, half=reporting_round.half)
    return _copy_rows(SubmittedReport, submission, live, ("county_id", *REPORT_FIELDS))


def _task_rows(submission, today):
    region = submission.region
    plans = ActionPlan.objects.filter(region__in=region.ancestors(include_self=True))
    tasks = Task.objects.filter(plan__in=plans).order_by("plan__region__path", "number")
    notes = {}
    for note in TaskProgress.objects.filter(task__in=tasks).within(region).order_by("date", "pk"):
        notes[note.task_id] = note  # the latest wins
    rows = []
    for task in tasks:
        note = notes.get(task.pk)
        rows.append(SubmittedTask(
            submission=submission, task=task, number=task.number, text=task.text, status=task.status,
            deadline=task.deadline, was_overdue=task.is_overdue_on(today),
            progress_date=note.date if note else None, progress_note=note.note if note else "",
        ))
    return rows


def lower_round(submission):
    """The round a city opened for its own counties in the same period, if any."""
    return ReportingRound.objects.filter(
        region=submission.region, year=submission.round.year, half=submission.round.half,
    ).first()


def rollup_blockers(submission):
    """Why the city's submission cannot yet be made from its counties' approved data ([] when it can)."""
    below = lower_round(submission)
    if below is None:
        return [f"“{submission.region.name}”还没有发起{submission.round.period_label}的填报任务，无法汇总下级数据。"]
    pending = [s.region.name for s in below.submissions.exclude(status=SubmissionStatus.APPROVED).select_related("region")]
    if pending:
        return [f"以下区划尚未审核通过：{'、'.join(pending)}。全部审核通过后才能汇总上报。"]
    return []


def previous_figures(submission):
    """The Figures of the region's last approved submission before this period, with its period label."""
    year, half = submission.round.year, submission.round.half
    earlier = (Submission.objects.approved().filter(region=submission.region)
               .filter(Q(round__year__lt=year) | Q(round__year=year, round__half__lt=half))
               .select_related("round").order_by("-round__year", "-round__half").first())
    if earlier is None:
        return None, ""
    figures = rules.Figures.of(list(earlier.institutions.all()), list(earlier.reports.all()))
    return figures, earlier.round.period_label


# ------------------------------------------------------------------ submitting

def submit(submission, user, source, figures=None, warning_note="", workbook_sha256=None, today=None):
    """Freeze what the region reports and send it to the level above.

    ``source``: UPLOAD (the workbook stored by ``preview_upload``, imported
    into the registry all-or-nothing first), REGISTRY (the institutions now
    in the registry) or ROLLUP (a city's counties' approved submissions).
    ``figures``: a county's progress figures (REPORT_FIELDS); other regions
    take them from the registry or the roll-up. Raises Refused (errors) or
    NeedsNote (warnings without a 情况说明); nothing is changed then.
    Returns the warnings that went through with the note.
    """
    today = today or timezone.localdate()
    reporting_round = submission.round
    region = submission.region
    _ensure(can_report(user, submission), f"您不能为“{region.name}”报送：报送由该区划自己的管理员完成。")
    _ensure_owing(submission)
    _ensure_open(reporting_round, today)
    source = SubmissionSource(source)
    warning_note = (warning_note or "").strip()
    if source == SubmissionSource.UPLOAD:
        if not reporting_round.collects_institutions:
            raise Refused("该填报任务不收集精康服务机构，无需上传附件1表格。")
        if not submission.workbook:
            raise Refused("还没有上传附件1表格，请先上传并预览。")
        if workbook_sha256 is not None and workbook_sha256 != submission.workbook_sha256:
            raise Refused("上传的文件已被另一次上传替换，请重新预览后再报送。")
    if source == SubmissionSource.ROLLUP:
        blockers = rollup_blockers(submission)
        if blockers:
            raise Refused(blockers[0])
    counties = expected_counties(region)
    county_figures = None
    if reporting_round.collects_county_report and region.level == RegionLevel.COUNTY and source != SubmissionSource.ROLLUP:
        if figures is None:
            live = CountyReport.objects.filter(county=region, year=reporting_round.year, half=reporting_round.half).first()
            if live is None:
                raise Refused(f"请填写{reporting_round.period_label}的进展情况（登记康复对象人数等）后再报送。")
            figures = {f: getattr(live, f) for f in REPORT_FIELDS}
        county_figures = {f: figures.get(f) for f in REPORT_FIELDS}
        # Figures are checked before anything is imported.
        early = rules.errors(rules.check_report(SubmittedReport(county=region, **county_figures), region.name))
        if early:
            raise Refused("报送未成功，请更正以下错误：", early)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("round__region", "region").get(pk=submission.pk)
        _ensure_owing(submission)
        institutions, reports, tasks = [], [], []
        import_record = None
        if reporting_round.collects_institutions:
            if source == SubmissionSource.UPLOAD:
                try:
                    plan, import_record = spreadsheets.apply_import(
                        "institutions", io.BytesIO(bytes(submission.workbook)), user, region=region,
                        filename=submission.workbook_name,
                    )
                except spreadsheets.ImportRefused as exc:
                    raise Refused(exc.report) from exc
                names = {row.label for row in plan.rows}  # an applied plan has no error rows
                institutions = _copy_institutions(submission, Institution.objects.within(region).filter(name__in=names))
            elif source == SubmissionSource.REGISTRY:
                institutions = _copy_institutions(submission, Institution.objects.within(region))
            else:
                below = SubmittedInstitution.objects.filter(submission__round=lower_round(submission))
                institutions = _copy_rows(SubmittedInstitution, submission, below.order_by("county__path", "name"),
                                          ("institution_id", *INSTITUTION_FIELDS))
        if reporting_round.collects_county_report:
            if county_figures is not None:
                reports = [SubmittedReport(submission=submission, county=region, **county_figures)]
            elif source == SubmissionSource.ROLLUP:
                below = SubmittedReport.objects.filter(submission__round=lower_round(submission)).order_by("county__path")
                reports = _copy_rows(SubmittedReport, submission, below, ("county_id", *REPORT_FIELDS))
            else:
                reports = _registry_reports(submission, counties)
        if reporting_round.collects_task_progress:
            tasks = _task_rows(submission, today)
        previous, previous_label = previous_figures(submission)
        findings = rules.check_submission(
            region.name, institutions, reports, counties if reporting_round.collects_county_report else {},
            reporting_round.collects_institutions, reporting_round.collects_county_report,
            previous=previous, previous_label=previous_label,
        )
        if rules.errors(findings):
            raise Refused("报送未成功，请更正以下错误：", rules.errors(findings))
        warned = rules.warnings(findings)
        if warned and not warning_note:
            raise NeedsNote("请核对以下情况；确认无误的，在“情况说明”中说明原因后再报送：", warned)
        submission.institutions.all().delete()
        submission.reports.all().delete()
        submission.tasks.all().delete()
        SubmittedInstitution.objects.bulk_create(institutions)
        SubmittedReport.objects.bulk_create(reports)
        SubmittedTask.objects.bulk_create(tasks)
        if county_figures is not None:
            # The registry's county report follows what the county reported.
            CountyReport.objects.update_or_create(
                county=region, year=reporting_round.year, half=reporting_round.half, defaults=county_figures,
            )
        resubmitted = submission.status == SubmissionStatus.RETURNED
        submission.status = SubmissionStatus.SUBMITTED
        submission.source = source
        submission.submitted_at = timezone.now()
        submission.submitted_by = user
        submission.warnings = [str(w) for w in warned]
        submission.warning_note = warning_note if warned else ""
        if import_record is not None:
            submission.import_record = import_record
        submission.save()
        log(instance=submission, action="reporting.submit", user=user, data={
            "source": source.label, "institutions": len(institutions), "reports": len(reports),
            "warnings": submission.warnings, "note": submission.warning_note, "resubmitted": resubmitted,
        })
        notify.send([_notice_to_reviewers(submission, resubmitted)])
    return warned


# ------------------------------------------------------------------ reviewing

def _reviewable(submission, user):
    _ensure(can_review(user, submission.round), f"只有{submission.round.reviewer_level_label}审核人员可以审核该报送。")
    if user is not None and submission.submitted_by_id == user.pk:
        raise Refused("不能审核自己报送的数据，请由其他审核人员审核。")


def approve(submission, user):
    """Approve and lock the snapshot for good."""
    _reviewable(submission, user)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("round__region", "region").get(pk=submission.pk)
        if submission.status != SubmissionStatus.SUBMITTED:
            raise Refused(f"只有“已报送（待审核）”的报送可以审核通过，该报送现在是“{submission.get_status_display()}”。")
        submission.institutions.exclude(review_note="").update(review_note="")
        submission.status = SubmissionStatus.APPROVED
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = user
        submission.return_reason = ""
        submission.save()
        log(instance=submission, action="reporting.approve", user=user,
            data={"institutions": submission.institutions.count(), "reports": submission.reports.count()})
        notify.send([_notice_to_reporters(submission, "审核通过", [
            f"您报送的{submission.round.period_label}数据已审核通过并锁定。"])])
    return submission


def return_submission(submission, user, reason, row_notes=None):
    """Send a submission back with a reason, and a note on each row that is wrong.

    ``row_notes``: {SubmittedInstitution id: note}; ids of other submissions are refused.
    """
    _reviewable(submission, user)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("请填写退回理由，说明需要报送单位更正什么。")
    row_notes = {int(k): (v or "").strip()[:500] for k, v in (row_notes or {}).items() if (v or "").strip()}
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("round__region", "region").get(pk=submission.pk)
        if submission.status != SubmissionStatus.SUBMITTED:
            raise Refused(f"只有“已报送（待审核）”的报送可以退回，该报送现在是“{submission.get_status_display()}”。")
        rows = {r.pk: r for r in submission.institutions.filter(pk__in=list(row_notes))}
        unknown = set(row_notes) - set(rows)
        if unknown:
            raise Refused("逐行意见指向了不属于该报送的行，请刷新页面后重试。")
        submission.institutions.exclude(review_note="").update(review_note="")
        for pk, note in row_notes.items():
            rows[pk].review_note = note
        SubmittedInstitution.objects.bulk_update(rows.values(), ["review_note"])
        submission.status = SubmissionStatus.RETURNED
        submission.return_reason = reason
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = user
        submission.save()
        noted = [{"row": rows[pk].name, "note": note} for pk, note in row_notes.items()]
        log(instance=submission, action="reporting.return", user=user, data={"reason": reason, "rows": noted})
        lines = [f"您报送的{submission.round.period_label}数据被退回，请更正后重新报送。", f"退回理由：{reason}"]
        lines += [f"· {n['row']}：{n['note']}" for n in noted]
        notify.send([_notice_to_reporters(submission, "报送被退回", lines)])
    return submission


# ------------------------------------------------------------------ 催报

def remind(reporting_round, user=None, today=None, scheduled=False):
    """E-mail every region that still owes this round; returns [(submission, addresses)].

    A scheduled run skips regions already reminded today, so cron may run it twice.
    """
    _ensure(can_review(user, reporting_round), "只有发起填报任务的单位可以催报。")
    today = today or timezone.localdate()
    owing = reporting_round.submissions.owing().select_related("region", "round__region")
    if scheduled:
        owing = owing.exclude(last_reminded_on=today)
    reminded, messages = [], []
    for submission in owing:
        notice = _reminder(submission, today)
        messages.append(notice)
        reminded.append((submission, notice["to"] if notice else []))
        log(instance=submission, action="reporting.remind", user=user,
            data={"scheduled": scheduled, "recipients": len(notice["to"]) if notice else 0})
    Submission.objects.filter(pk__in=[s.pk for s, _ in reminded]).update(last_reminded_on=today)
    notify.send(messages)
    return reminded


def reminder_days():
    return tuple(getattr(settings, "REPORTING_REMINDER_DAYS", (3, 0)))


def due_rounds(today=None):
    """Rounds whose reminder falls today: a set number of days before the deadline, and on it."""
    today = today or timezone.localdate()
    deadlines = [today + datetime.timedelta(days=d) for d in reminder_days()]
    return ReportingRound.objects.filter(deadline__in=deadlines, opens_on__lte=today).select_related("region")


def send_due_reminders(today=None):
    today = today or timezone.localdate()
    return {r.pk: len(remind(r, None, today=today, scheduled=True)) for r in due_rounds(today)}


# ------------------------------------------------------------------ notices

def _deadline_text(reporting_round):
    return f"{reporting_round.deadline:%Y年%-m月%-d日}"


def _notice_of_opening(submission):
    r = submission.round
    lines = [f"{r.region.name}发起了填报任务“{r}”。", f"报告期：{r.period_label}；填报内容：{r.collects_label()}；截止日期：{_deadline_text(r)}。"]
    if r.note:
        lines.append(f"填报说明：{r.note}")
    return notify.message(submission.region, f"新的填报任务：{r}", lines, submission)


def _notice_to_reviewers(submission, resubmitted):
    r = submission.round
    verb = "重新报送" if resubmitted else "报送"
    lines = [f"{submission.region.name}已{verb}“{r}”的数据，请审核。"]
    if submission.warnings:
        lines.append("报送时的提示：" + "；".join(submission.warnings))
        lines.append(f"情况说明：{submission.warning_note}")
    return notify.message(r.region, f"{submission.region.name}{verb}了{r.period_label}数据", lines, submission)


def _notice_to_reporters(submission, what, lines):
    return notify.message(submission.region, f"{submission.round.period_label}报送{what}", lines, submission)


def _reminder(submission, today):
    r = submission.round
    days = r.days_left(today)
    when = "今天截止" if days == 0 else (f"已逾期 {-days} 天" if days < 0 else f"还有 {days} 天截止")
    state = "已被退回，尚未重新报送" if submission.status == SubmissionStatus.RETURNED else "尚未报送"
    lines = [f"“{r}”{when}（截止日期 {_deadline_text(r)}），{submission.region.name}{state}。", "请尽快报送。"]
    return notify.message(submission.region, f"催报：{r}（{when}）", lines, submission)


def region_for_code(code):
    region = Region.objects.filter(code=str(code).strip()).first()
    if region is None:
        raise Refused(f"没有找到区划代码“{code}”。请填写 6 位行政区划代码，如 210302。")
    return region

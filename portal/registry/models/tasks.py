"""The task-responsibility table (任务分工): plans, tasks, their departments and progress."""

import calendar
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .departments import DepartmentKind
from .regions import Region
from .scoping import RegionScopedQuerySet

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n):
    """1 → 一 … 10 → 十, 11 → 十一 (action numbers rarely pass ten)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMERALS[n - 11]
    return str(n)


ONGOING_MARKER = "持续推进"
_DEADLINE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def parse_deadline(text):
    """Read a deadline as the plans write it.

    "2023年11月" and "2024年12月底前" are due at the end of that month;
    "2025年12月取得阶段性成果，持续推进" is a milestone at the end of the
    month that carries on afterwards. Returns (date or None, ongoing).
    """
    text = (text or "").strip()
    ongoing = ONGOING_MARKER in text
    match = _DEADLINE_RE.search(text)
    if not match:
        return None, ongoing
    year, month, day = int(match[1]), int(match[2]), match[3]
    if not 1 <= month <= 12:
        return None, ongoing
    last = calendar.monthrange(year, month)[1]
    day = min(int(day), last) if day else last
    return datetime.date(year, month, day), ongoing


class ActionPlan(models.Model):
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="action_plans")
    title = models.CharField("方案名称", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    start_year = models.PositiveSmallIntegerField("起始年份")
    end_year = models.PositiveSmallIntegerField("结束年份")

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"
    # Carried out by "各级" departments: the regions below may read it.
    shared_with_descendants = True

    class Meta:
        verbose_name = "实施方案"
        verbose_name_plural = "实施方案"
        ordering = ["region__path", "-start_year"]

    def __str__(self):
        return self.title

    @property
    def period(self):
        return f"{self.start_year}—{self.end_year}年"

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "结束年份不能早于起始年份。"})


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


# How the public site words a task's status: a plan published to citizens says
# what is under way, not which office is late (已逾期 is back-office only).
PUBLIC_STATUS = {
    TaskStatus.NOT_STARTED: "待推进",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.DONE: "已完成",
}


class TaskQuerySet(RegionScopedQuerySet):
    def overdue(self, today=None):
        """The same rule as Task.is_overdue_on, as a query."""
        today = today or timezone.localdate()
        return self.exclude(status=TaskStatus.DONE).filter(deadline__lt=today).filter(
            models.Q(is_ongoing=False) | models.Q(status=TaskStatus.NOT_STARTED)
        )

    def led_by(self, kind):
        return self.filter(responsibilities__position=0, responsibilities__kind=kind)


class Task(ClusterableModel):
    plan = models.ForeignKey(ActionPlan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="tasks")
    action_number = models.PositiveSmallIntegerField("行动序号", help_text="（一）…（六）填 1…6")
    action_title = models.CharField("行动名称", max_length=200)
    group_number = models.PositiveSmallIntegerField("重点任务序号")
    group_title = models.CharField("重点任务", max_length=200)
    number = models.PositiveSmallIntegerField("具体任务序号")
    text = models.TextField("具体任务")
    scope = models.CharField("责任层级", max_length=20, blank=True, default="各级", help_text="如：各级、市本级")
    deadline_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True)
    is_ongoing = models.BooleanField("阶段性成果后持续推进", default=False)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)

    objects = TaskQuerySet.as_manager()

    region_lookup = "plan__region"
    shared_with_descendants = True

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务分工"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_task_number_per_plan"),
        ]

    def __str__(self):
        return f"({self.number}) {self.text[:30]}"

    def save(self, *args, **kwargs):
        # The verbatim text is the source of truth; the date and flag follow it
        # unless someone typed a date for a text we cannot read.
        parsed, ongoing = parse_deadline(self.deadline_text)
        if parsed:
            self.deadline = parsed
        if self.deadline_text:
            self.is_ongoing = ongoing
        super().save(*args, **kwargs)

    @property
    def action_label(self):
        return f"（{chinese_numeral(self.action_number)}）{self.action_title}"

    @property
    def group_label(self):
        return f"{self.group_number}.{self.group_title}"

    def ordered_kinds(self):
        # Sorted in Python so a prefetch_related("responsibilities__kind") is used.
        return [r.kind for r in sorted(self.responsibilities.all(), key=lambda r: r.position)]

    def set_departments(self, kinds):
        """Replace the responsible departments; the first one leads."""
        self.responsibilities.all().delete()
        for position, kind in enumerate(kinds):
            TaskResponsibility.objects.create(task=self, kind=kind, position=position)

    @property
    def lead_kind(self):
        kinds = self.ordered_kinds()
        return kinds[0] if kinds else None

    @property
    def departments_text(self):
        """"各级民政、卫健、残联" as the plans write it."""
        return self.scope + "、".join(k.short_name for k in self.ordered_kinds())

    def is_overdue_on(self, today):
        """Past the deadline and not done.

        An ongoing task ("取得阶段性成果，持续推进") has reached its milestone
        once work is under way, so it is overdue only if it never started.
        """
        if self.status == TaskStatus.DONE or self.deadline is None or self.deadline >= today:
            return False
        if self.is_ongoing:
            return self.status == TaskStatus.NOT_STARTED
        return True

    @property
    def public_status(self):
        return PUBLIC_STATUS[self.status]

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())


class TaskResponsibility(models.Model):
    """A responsible department kind of a task; position 0 leads (牵头部门)."""

    task = ParentalKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="responsibilities")
    kind = models.ForeignKey(DepartmentKind, verbose_name="部门", on_delete=models.PROTECT, related_name="task_responsibilities")
    position = models.PositiveSmallIntegerField("顺位", default=0, help_text="0 为牵头部门")

    sort_order_field = "position"  # lets the admin's inline panel reorder departments

    class Meta:
        verbose_name = "责任部门"
        verbose_name_plural = "责任部门"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="unique_task_kind"),
        ]

    def __str__(self):
        return f"{self.kind}{'（牵头）' if self.position == 0 else ''}"


class TaskProgress(models.Model):
    """A dated progress note, written by the region that did the work.

    A city's task "各级民政…" is carried out in every county: each county
    reports its own progress on the same task, and the city reads them all.
    """

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="progress_notes")
    region = models.ForeignKey(
        Region, verbose_name="填报区划", on_delete=models.PROTECT, related_name="task_progress",
        help_text="进展所属的区划：方案所在区划或其下级。",
    )
    date = models.DateField("日期", default=timezone.localdate)
    note = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} {self.note[:20]}"

    def clean(self):
        if self.task_id and self.region_id and not self.region.is_within(self.task.plan.region):
            raise ValidationError({"region": f"填报区划须为“{self.task.plan.region.name}”或其下级区划。"})

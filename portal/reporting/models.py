"""Reporting rounds (填报任务): the half-yearly county → city → province cycle.

A city opens a round for its counties (a province for its cities); every
reporting region gets one Submission. Submitting freezes a snapshot of what
was reported (SubmittedInstitution, SubmittedReport, SubmittedTask): later
edits to the live registry do not change it, and once the level above has
approved it the snapshot is locked for everyone. The rules that move a
submission from one status to the next live in ``service``; the checks in
``rules``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from portal.registry.models.institutions import count_field
from portal.registry.models import (
    Half,
    InstitutionCategory,
    OwnerDepartment,
    Region,
    RegionLevel,
    RegionScopedQuerySet,
    TaskStatus,
)

HALF_NAMES = {Half.H1: "上半年", Half.H2: "下半年"}
# Which level reports to a round opened at each level.
REPORTING_LEVEL = {RegionLevel.CITY: RegionLevel.COUNTY, RegionLevel.PROVINCE: RegionLevel.CITY}
LEVEL_NAMES = {RegionLevel.PROVINCE: "省级", RegionLevel.CITY: "市级", RegionLevel.COUNTY: "县级"}


class Collect(models.TextChoices):
    """What a round collects (``--collect`` on the command line)."""

    INSTITUTIONS = "institutions", "精康服务机构（附件1）"
    COUNTY_REPORT = "county_report", "县级进展报告"
    TASK_PROGRESS = "task_progress", "任务进展"


DEFAULT_COLLECTS = (Collect.INSTITUTIONS, Collect.COUNTY_REPORT)


def period_label(year, half):
    return f"{year}年{HALF_NAMES.get(half, half)}"


class ReportingRoundQuerySet(RegionScopedQuerySet):
    def for_user(self, user):
        """The rounds a user takes part in: those opened in their regions, and
        those their regions report to (never a round they have no part in)."""
        reporting = Submission.objects.visible_to(user).values("round_id")
        return self.filter(models.Q(pk__in=self.visible_to(user).values("pk")) | models.Q(pk__in=reporting))


class ReportingRound(models.Model):
    region = models.ForeignKey(
        Region, verbose_name="发起区划", on_delete=models.PROTECT, related_name="reporting_rounds",
        limit_choices_to={"level__in": list(REPORTING_LEVEL)},
        help_text="市级填报任务由所辖县（市、区）报送，省级填报任务由所辖市报送。",
    )
    title = models.CharField("任务名称", max_length=200, blank=True, help_text="留空则自动生成，如“2026年下半年精康服务机构及进展情况填报”。")
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("报告期", max_length=2, choices=Half.choices)
    collects_institutions = models.BooleanField(Collect.INSTITUTIONS.label, default=True)
    collects_county_report = models.BooleanField(Collect.COUNTY_REPORT.label, default=True)
    collects_task_progress = models.BooleanField(Collect.TASK_PROGRESS.label, default=False)
    opens_on = models.DateField("开始日期", default=timezone.localdate)
    deadline = models.DateField("截止日期")
    note = models.TextField("填报说明", blank=True, help_text="发给各报送单位的说明，会写入通知邮件。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    # Set by the demo loader: figures approved in a sample round are invented,
    # and the public site marks them （示例） like every other invented item.
    is_sample = models.BooleanField("示例数据", default=False, editable=False)

    objects = ReportingRoundQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "填报任务"
        verbose_name_plural = "填报任务"
        ordering = ["-year", "-half", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "half"], name="unique_round_per_region_period"),
        ]

    def __str__(self):
        return self.title or f"{self.region}{self.period_label}填报"

    @property
    def period_label(self):
        return period_label(self.year, self.half)

    @property
    def collects(self):
        flags = {
            Collect.INSTITUTIONS: self.collects_institutions,
            Collect.COUNTY_REPORT: self.collects_county_report,
            Collect.TASK_PROGRESS: self.collects_task_progress,
        }
        return [c for c, on in flags.items() if on]

    def collects_label(self):
        return "、".join(Collect(c).label for c in self.collects)

    @property
    def reviewer_level_label(self):
        return LEVEL_NAMES.get(self.region.level, "")

    def days_left(self, today=None):
        """Days until the deadline (0 on the day, negative once it has passed)."""
        return (self.deadline - (today or timezone.localdate())).days

    def clean(self):
        errors = {}
        if self.region_id and self.region.level not in REPORTING_LEVEL:
            errors["region"] = "只有市级和省级可以发起填报任务（县级向市级报送，市级向省级报送）。"
        if self.deadline and self.opens_on and self.deadline < self.opens_on:
            errors["deadline"] = "截止日期不能早于开始日期。"
        if self.year and not 2000 <= self.year <= 2100:
            errors["year"] = "请填写四位年份，如 2026。"
        if not (self.collects_institutions or self.collects_county_report or self.collects_task_progress):
            errors["collects_institutions"] = "请至少选择一项填报内容。"
        if errors:
            raise ValidationError(errors)


class SubmissionStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "未报送"
    SUBMITTED = "submitted", "已报送（待审核）"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核（锁定）"


# The statuses in which the reporter still owes a report (催报 goes to these).
OWING = (SubmissionStatus.NOT_SUBMITTED, SubmissionStatus.RETURNED)


class SubmissionSource(models.TextChoices):
    UPLOAD = "upload", "上传附件1表格"
    REGISTRY = "registry", "确认登记库中的数据"
    ROLLUP = "rollup", "下级审核通过数据汇总"


class SubmissionQuerySet(RegionScopedQuerySet):
    def owing(self):
        return self.filter(status__in=OWING)

    def approved(self):
        return self.filter(status=SubmissionStatus.APPROVED)


class Submission(models.Model):
    """What one reporting region owes a round, and where it stands."""

    round = models.ForeignKey(ReportingRound, verbose_name="填报任务", on_delete=models.CASCADE, related_name="submissions")
    region = models.ForeignKey(Region, verbose_name="报送区划", on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField("状态", max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.NOT_SUBMITTED)
    source = models.CharField("报送方式", max_length=12, choices=SubmissionSource.choices, blank=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    return_reason = models.TextField("退回理由", blank=True)
    warnings = models.JSONField("提示", default=list, blank=True, help_text="报送时检查出的提示（不阻止报送）。")
    warning_note = models.TextField("情况说明", blank=True, help_text="对提示的说明，随报送提交给审核单位。")
    # The workbook last uploaded for this submission (pending until submitted),
    # kept in the database so web and worker processes see the same file.
    workbook_name = models.CharField("上传文件名", max_length=255, blank=True)
    workbook_sha256 = models.CharField("上传文件 SHA-256", max_length=64, blank=True)
    workbook = models.BinaryField("上传文件", null=True, blank=True, editable=False)
    import_record = models.ForeignKey(
        "registry.ImportRecord", verbose_name="导入记录", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    last_reminded_on = models.DateField("最近催报日期", null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        ordering = ["round", "region__path"]
        permissions = [("review_submission", "可以审核下级报送")]
        constraints = [
            models.UniqueConstraint(fields=["round", "region"], name="unique_submission_per_round_region"),
        ]

    def __str__(self):
        return f"{self.region}·{self.round.period_label}"

    @property
    def is_locked(self):
        return self.status == SubmissionStatus.APPROVED

    @property
    def is_owing(self):
        return self.status in OWING

    def is_overdue_on(self, today):
        return self.is_owing and self.round.deadline < today

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())


class SubmissionLocked(Exception):
    """A locked (approved) snapshot was about to be changed."""


class SnapshotQuerySet(RegionScopedQuerySet):
    def update(self, **kwargs):
        if self.filter(submission__status=SubmissionStatus.APPROVED).exists():
            raise SubmissionLocked("已审核（锁定）的报送数据不能修改。")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(submission__status=SubmissionStatus.APPROVED).exists():
            raise SubmissionLocked("已审核（锁定）的报送数据不能删除。")
        return super().delete()


class SnapshotRow(models.Model):
    """A frozen row of a submission: never changed once the submission is approved."""

    objects = SnapshotQuerySet.as_manager()

    region_lookup = "submission__region"

    class Meta:
        abstract = True

    def _check_unlocked(self):
        locked = Submission.objects.filter(pk=self.submission_id, status=SubmissionStatus.APPROVED).exists()
        if locked:
            raise SubmissionLocked("已审核（锁定）的报送数据不能修改或删除。")

    def save(self, *args, **kwargs):
        self._check_unlocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_unlocked()
        return super().delete(*args, **kwargs)


class SubmittedInstitution(SnapshotRow):
    """One Annex 1 row as it was submitted."""

    submission = models.ForeignKey(Submission, verbose_name="报送", on_delete=models.CASCADE, related_name="institutions")
    institution = models.ForeignKey(
        "registry.Institution", verbose_name="登记库中的机构", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    county = models.ForeignKey(Region, verbose_name="所在县(市、区)", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("机构全称", max_length=200)
    address = models.CharField("机构地址", max_length=255, blank=True)
    owner_department = models.CharField("所属部门", max_length=24, choices=OwnerDepartment.choices)
    category = models.CharField("机构类别", max_length=24, choices=InstitutionCategory.choices)
    psychiatrists = count_field("精神科医生")
    therapists = count_field("康复治疗师")
    counsellors = count_field("心理咨询师")
    social_workers = count_field("社会工作者")
    other_staff = count_field("其他工作人员")
    clients_count = count_field("患者人数")
    service_visits = count_field("服务人次")
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系方式", max_length=50, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)

    staff_only_fields = ("contact_person", "contact_phone")

    class Meta:
        verbose_name = "报送的机构"
        verbose_name_plural = "报送的机构"
        ordering = ["submission", "county__path", "name"]

    def __str__(self):
        return self.name


# The Annex 1 fields a snapshot copies from the registry, in the form's order.
INSTITUTION_FIELDS = (
    "name", "address", "county_id", "owner_department", "category", "psychiatrists", "therapists", "counsellors",
    "social_workers", "other_staff", "clients_count", "service_visits", "contact_person", "contact_phone",
)


class SubmittedReport(SnapshotRow):
    """One county's progress figures as they were submitted (the CountyReport fields)."""

    submission = models.ForeignKey(Submission, verbose_name="报送", on_delete=models.CASCADE, related_name="reports")
    county = models.ForeignKey(Region, verbose_name="县(市、区)", on_delete=models.PROTECT, related_name="+")
    offers_service = models.BooleanField("已开展精神障碍社区康复服务", default=False)
    townships_total = models.PositiveIntegerField("街道（乡镇）总数", null=True, blank=True)
    townships_with_service = models.PositiveIntegerField("已开展服务的街道（乡镇）数", null=True, blank=True)
    registered_clients = models.PositiveIntegerField("登记康复对象人数", default=0)
    standard_service_clients = models.PositiveIntegerField("接受规范服务人数", default=0)

    class Meta:
        verbose_name = "报送的进展情况"
        verbose_name_plural = "报送的进展情况"
        ordering = ["submission", "county__path"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "county"], name="unique_report_per_submission_county"),
        ]

    def __str__(self):
        return f"{self.county}进展情况"

    @property
    def standard_service_rate(self):
        if not self.registered_clients:
            return None
        return self.standard_service_clients / self.registered_clients


REPORT_FIELDS = ("offers_service", "townships_total", "townships_with_service", "registered_clients", "standard_service_clients")


class SubmittedTask(SnapshotRow):
    """A task of the plan as the reporting region saw it when submitting."""

    submission = models.ForeignKey(Submission, verbose_name="报送", on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey("registry.Task", verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number = models.PositiveSmallIntegerField("序号")
    text = models.TextField("具体任务")
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices)
    deadline = models.DateField("完成时限", null=True, blank=True)
    progress_date = models.DateField("最近进展日期", null=True, blank=True)
    progress_note = models.TextField("最近进展", blank=True)
    was_overdue = models.BooleanField("报送时已逾期", default=False)

    class Meta:
        verbose_name = "报送的任务进展"
        verbose_name_plural = "报送的任务进展"
        ordering = ["submission", "number"]

    def __str__(self):
        return f"({self.number}) {self.text[:30]}"

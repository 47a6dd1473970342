"""Import and export history (导入导出记录): who moved which spreadsheet, when, with what result."""

from django.conf import settings
from django.db import models

from .regions import Region
from .scoping import RegionScopedQuerySet


class SpreadsheetKind(models.TextChoices):
    """The sheet kinds; each is declared once as a layout (portal/registry/spreadsheets/layout.py)."""

    INSTITUTIONS = "institutions", "精康服务机构（附件1）"
    MEMBERS = "members", "联席会议成员（附件2）"
    TASKS = "tasks", "任务分工"
    TASK_PROGRESS = "task_progress", "任务进展"
    TARGETS = "targets", "年度目标"
    COUNTY_REPORTS = "county_reports", "县级进展报告"
    DEPARTMENTS = "departments", "部门"
    SERVICE_ITEMS = "service_items", "服务项目"
    HOTLINES = "hotlines", "监督电话"


class ImportRecord(models.Model):
    class Operation(models.TextChoices):
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        UNDO = "undo", "撤销导入"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        PREVIEWED = "previewed", "待确认"
        APPLIED = "applied", "已导入"
        PARTIAL = "partial", "已导入无误的行"
        UNDONE = "undone", "已撤销"
        DRY_RUN = "dry_run", "仅检查（未写入）"
        REFUSED = "refused", "已拒绝"
        FAILED = "failed", "出错"
        EXPORTED = "exported", "已导出"

    operation = models.CharField("操作", max_length=8, choices=Operation.choices, default=Operation.IMPORT)
    kind = models.CharField("表格", max_length=16, choices=SpreadsheetKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    file_name = models.CharField("文件名", max_length=255, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    region = models.ForeignKey(
        Region, verbose_name="区划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    delete_missing = models.BooleanField("删除文件中没有的记录", default=False)
    valid_only = models.BooleanField("只导入无误的行", default=False)
    publish_new = models.BooleanField("新增的机构立即对外公开", default=False)
    # The preview's "match to the existing institution" choices: {Excel row number: institution id}.
    matches = models.JSONField("重复匹配", default=dict, blank=True, editable=False)
    # What the import changed, for undo (see spreadsheets/journal.py and annex1/saving.py).
    journal = models.JSONField("变更记录", default=dict, blank=True, editable=False)
    reverts = models.ForeignKey(
        "self", verbose_name="撤销的导入", null=True, blank=True, on_delete=models.SET_NULL, related_name="undos",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField("已处理行数", default=0)
    progress_total = models.PositiveIntegerField("预计行数", default=0)
    new_count = models.PositiveIntegerField("新增", default=0)
    changed_count = models.PositiveIntegerField("修改", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    deleted_count = models.PositiveIntegerField("删除", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    row_count = models.PositiveIntegerField("行数", default=0, help_text="导出的行数，或导入文件中读到的行数。")
    error_report = models.TextField("错误报告", blank=True)
    warning_report = models.TextField("提示", blank=True)
    preview = models.JSONField("预览", default=dict, blank=True, editable=False)
    stored_file = models.CharField("临时文件", max_length=255, blank=True, editable=False)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "导入导出记录"
        verbose_name_plural = "导入导出记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_operation_display()}{self.get_kind_display()} {self.file_name}"

    @property
    def is_finished(self):
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress_percent(self):
        if self.is_finished:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(100 * self.progress_done / self.progress_total))

    def set_counts(self, counts):
        self.new_count = counts.get("new", 0)
        self.changed_count = counts.get("changed", 0)
        self.unchanged_count = counts.get("unchanged", 0)
        self.deleted_count = counts.get("deleted", 0)
        self.error_count = counts.get("error", 0)
        self.row_count = sum(v for k, v in counts.items() if k != "deleted")

    @property
    def summary(self):
        if self.operation == self.Operation.UNDO:
            if self.status == self.Status.REFUSED:
                return "撤销被拒绝，未作修改"
            return (f"撤销：删除新增的 {self.new_count} 条，恢复修改的 {self.changed_count} 条，"
                    f"恢复删除的 {self.deleted_count} 条")
        if self.status in (self.Status.REFUSED, self.Status.FAILED):
            return f"未写入任何数据：读到 {self.row_count} 行，其中 {self.error_count} 行有错误"
        text = (f"新增 {self.new_count} 条，修改 {self.changed_count} 条，未变 {self.unchanged_count} 条，"
                f"删除 {self.deleted_count} 条，错误 {self.error_count} 条")
        if self.status == self.Status.PARTIAL:
            text += "（有错误的行未导入）"
        return text

    @property
    def can_be_undone(self):
        journal = self.journal or {}
        return (self.operation == self.Operation.IMPORT and self.status in (self.Status.APPLIED, self.Status.PARTIAL)
                and any(journal.get(part) for part in ("created", "changed", "deleted")))

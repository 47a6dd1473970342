"""Departments (部门): a kind such as 民政, and one department of that kind per region."""

from django.db import models

from .regions import Region
from .scoping import RegionScopedQuerySet


class DepartmentKind(models.Model):
    """民政, 财政, 卫健, 残联, 公安, 人社 … (an editable vocabulary)."""

    code = models.SlugField("代码", max_length=32, unique=True)
    short_name = models.CharField("简称", max_length=16, unique=True, help_text="如：民政、卫健、残联")
    name = models.CharField("全称", max_length=64, help_text="如：民政局、卫生健康委员会")
    aliases = models.CharField(
        "别称", max_length=255, blank=True,
        help_text="读入表格时也认作本部门的写法，用顿号或逗号分隔，如：卫生健康、卫生健康委",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "部门类别"
        verbose_name_plural = "部门类别"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.short_name

    def alias_list(self):
        raw = self.aliases.replace("，", ",").replace("、", ",")
        return [a.strip() for a in raw.split(",") if a.strip()]


class Department(models.Model):
    """A department of one kind in one region, e.g. 鞍山市民政局."""

    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    kind = models.ForeignKey(DepartmentKind, verbose_name="部门类别", on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("部门名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("办公电话", max_length=40, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__path", "kind__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="unique_department_per_region_kind"),
        ]

    def __str__(self):
        return self.name

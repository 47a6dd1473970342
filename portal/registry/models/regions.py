"""The administrative-division tree (行政区划) and the regions a user is responsible for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .scoping import RegionScopedQuerySet

class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇（街道）"


LEVEL_DEPTH = {
    RegionLevel.PROVINCE: 0,
    RegionLevel.CITY: 1,
    RegionLevel.COUNTY: 2,
    RegionLevel.TOWNSHIP: 3,
}

PATH_SEPARATOR = "/"


class RegionQuerySet(RegionScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def counties(self):
        return self.filter(level=RegionLevel.COUNTY)


class Region(models.Model):
    """A node of the division tree: 省 → 市/州 → 县/区/开发区 → 乡镇/街道.

    ``path`` holds the codes from the root down ("210000/210300/210302/") so
    that a whole subtree is one indexed prefix query; it is kept in step with
    ``parent`` on every save.
    """

    code = models.CharField(
        "区划代码", max_length=12, unique=True,
        help_text="GB/T 2260 代码（县级及以上 6 位，乡镇 9 位）；开发区等非标准单位使用统计用区划代码或本地代码。",
    )
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    is_standard = models.BooleanField(
        "标准区划", default=True, help_text="开发区、高新区、管理委员会等非标准单位取消勾选。",
    )
    is_active = models.BooleanField("有效", default=True)

    objects = RegionQuerySet.as_manager()

    region_lookup = "self"

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def full_name(self):
        """"辽宁省鞍山市铁东区": the names from the province down."""
        return "".join(r.name for r in self.ancestors(include_self=True))

    def ancestors(self, include_self=False):
        codes = [c for c in self.path.split(PATH_SEPARATOR) if c]
        if not include_self:
            codes = codes[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def descendants(self, include_self=True):
        qs = Region.objects.within(self)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other):
        return self.path.startswith(other.path)

    def build_path(self):
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEPARATOR}"

    def clean(self):
        if self.parent_id:
            if self.parent.pk == self.pk or (self.pk and self.parent.path.startswith(self.path or "\0")):
                raise ValidationError({"parent": "上级区划不能是自身或其下级。"})
            if LEVEL_DEPTH[self.level] <= LEVEL_DEPTH[self.parent.level]:
                raise ValidationError({"level": "层级必须低于上级区划的层级。"})
        elif self.level != RegionLevel.PROVINCE:
            raise ValidationError({"parent": "除省级外，必须选择上级区划。"})

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = self.build_path()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # A move or a code change: rewrite the paths of the whole subtree.
                for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = self.path + child.path[len(old_path):]
                    child.save(update_fields=["path"])


class RegionAssignment(models.Model):
    """One region a staff user is responsible for; their rights cover its subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
        related_name="region_assignments",
    )
    region = models.ForeignKey(
        Region, verbose_name="负责区划", on_delete=models.CASCADE, related_name="assignments",
    )

    objects = RegionScopedQuerySet.as_manager()

    region_lookup = "region"

    class Meta:
        verbose_name = "管辖区划"
        verbose_name_plural = "用户管辖区划"
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="unique_user_region"),
        ]

    def __str__(self):
        return f"{self.user} → {self.region.full_name}"
